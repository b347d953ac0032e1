using System.Net.Sockets;
using RdLicensing.ServiceDefaults;
using RdLicensing.Testing;

namespace RdLicensing.LicenseServer.Tests.ServiceDefaults;

/// <summary>
/// A server that resets the connection just after the handshake (killed with it in its accept queue) is a connection
/// error to every caller, never a bare socket error that callers do not expect.
/// </summary>
public sealed class SocketErrorsAsHttpErrorsTests
{
    [Fact]
    public async Task The_handler_alone_throws_a_bare_socket_error_for_a_connection_reset_after_the_handshake()
    {
        // The runtime behaviour SocketErrorsAsHttpErrors exists for. Should a .NET update wrap it itself, this fails, and
        // the wrapper can go.
        await using var resetting = new ResettingServer();
        using var bare = new HttpClient(resetting.Transport());

        var thrown = await Record.ExceptionAsync(() => bare.GetAsync(resetting.Url + "/health"));

        var socket = Assert.IsType<SocketException>(thrown);
        Assert.Equal(SocketError.NotConnected, socket.SocketErrorCode);
        Assert.Equal(1, resetting.Resets);
    }

    [Fact]
    public async Task Behind_the_wrapper_it_is_a_connection_error_that_names_the_server()
    {
        await using var resetting = new ResettingServer();
        using var http = SocketErrorsAsHttpErrors.Client(TimeSpan.FromSeconds(30), transport: resetting.Transport());

        var thrown = await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(resetting.Url + "/health"));

        Assert.Equal(HttpRequestError.ConnectionError, thrown.HttpRequestError);
        Assert.Equal(SocketError.NotConnected, Assert.IsType<SocketException>(thrown.InnerException).SocketErrorCode);
        Assert.Contains($"127.0.0.1:{resetting.Port}", thrown.Message);
        Assert.Equal(1, resetting.Resets);
    }

    [Fact]
    public async Task Behind_the_wrapper_a_server_that_answers_is_answered()
    {
        // Positive control: the same client and transport reach a real server that does not reset.
        await using var resetting = new ResettingServer();
        await using var server = await TestLicenseServer.StartAsync();
        using var http = SocketErrorsAsHttpErrors.Client(TimeSpan.FromSeconds(30), transport: resetting.Transport());

        using var response = await http.GetAsync(new Uri(server.BaseAddress, "/health"));

        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}");
        Assert.Equal(0, resetting.Resets);
    }
}
