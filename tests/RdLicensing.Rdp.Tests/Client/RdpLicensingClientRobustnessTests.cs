using System.Net;
using System.Net.Sockets;
using RdLicensing.Rdp.Client;
using RdLicensing.Rdp.Connection;
using RdLicensing.Rdp.Licensing;
using RdLicensing.Rdp.Tests.Support;

namespace RdLicensing.Rdp.Tests.Client;

/// <summary>The tamper hook against the real endpoint, and servers that misbehave against the client.</summary>
public sealed class RdpLicensingClientRobustnessTests
{
    [Fact]
    public async Task The_tamper_hook_sees_every_stage_in_order_and_changes_nothing_when_it_returns_the_packet()
    {
        await using var system = await RdpTestSystem.StartAsync();
        var stages = new List<RdpClientStage>();

        var result = await new RdpLicensingClient(Options(system.Port) with { Tamper = (stage, packet) => { stages.Add(stage); return packet; } }).ConnectAsync();

        Assert.Equal(RdpLicensingOutcome.NewLicense, result.Outcome);
        Assert.Equal(
        [
            RdpClientStage.X224Request, RdpClientStage.McsConnectInitial, RdpClientStage.ErectDomain, RdpClientStage.AttachUser,
            RdpClientStage.ChannelJoin, RdpClientStage.ChannelJoin, RdpClientStage.SecurityExchange, RdpClientStage.ClientInfo,
            RdpClientStage.NewLicenseRequest, RdpClientStage.ChallengeResponse, RdpClientStage.ConfirmActive,
            RdpClientStage.Finalization, RdpClientStage.Finalization, RdpClientStage.Finalization, RdpClientStage.Finalization,
        ], stages);
    }

    [Fact]
    public async Task Returning_null_closes_the_connection_at_that_stage_and_the_endpoint_serves_the_next_client()
    {
        await using var system = await RdpTestSystem.StartAsync();

        var closed = await Assert.ThrowsAsync<RdpClientClosedException>(() =>
            new RdpLicensingClient(Options(system.Port) with { Tamper = (stage, packet) => stage == RdpClientStage.NewLicenseRequest ? null : packet }).ConnectAsync());

        Assert.Equal(RdpClientStage.NewLicenseRequest, closed.Stage);
        Assert.Equal(RdpLicensingOutcome.NewLicense, (await new RdpLicensingClient(Options(system.Port)).ConnectAsync()).Outcome);
    }

    [Fact]
    public async Task A_challenge_response_with_a_broken_MAC_is_refused_with_ERR_INVALID_MAC_and_0x108()
    {
        await using var system = await RdpTestSystem.StartAsync();
        // Under TLS the licensing PDU travels in the clear: its last 16 bytes are the MAC over challenge and HWID.
        var options = Options(system.Port) with
        {
            Security = RdpClientSecurity.Tls,
            Tamper = (stage, packet) =>
            {
                if (stage == RdpClientStage.ChallengeResponse) packet[^1] ^= 0x01;
                return packet;
            },
        };

        var refused = await new RdpLicensingClient(options).ConnectAsync();

        Assert.Equal(RdpLicensingOutcome.Refused, refused.Outcome);
        Assert.Equal(LicenseErrorCode.InvalidMac, refused.LicensingError);
        Assert.Equal(ErrorInfo.LicenseBadClientEncryption, refused.ErrorInfo);
    }

    [Fact]
    public async Task A_server_that_closes_at_once_is_a_protocol_error_naming_what_the_client_waited_for()
    {
        using var listener = Listen();
        var serving = Task.Run(async () => (await listener.AcceptTcpClientAsync()).Dispose());

        var e = await Assert.ThrowsAsync<RdpProtocolException>(() => new RdpLicensingClient(Options(Port(listener))).ConnectAsync());

        await serving;
        Assert.Equal("the server closed the connection while the client waited for the X.224 Connection Confirm.", e.Message);
    }

    [Fact]
    public async Task A_server_that_answers_something_else_is_a_protocol_error()
    {
        using var listener = Listen();
        var serving = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            // A TPKT packet holding an X.224 Data TPDU where the Connection Confirm belongs.
            await client.GetStream().WriteAsync(new byte[] { 3, 0, 0, 8, 2, 0xF0, 0x80, 0 });
            await Task.Delay(TimeSpan.FromSeconds(2));
        });

        var e = await Assert.ThrowsAsync<RdpProtocolException>(() => new RdpLicensingClient(Options(Port(listener))).ConnectAsync());

        Assert.Contains("expected an X.224 Connection Confirm (0xD0)", e.Message);
        await serving;
    }

    [Fact]
    public async Task A_silent_server_is_a_timeout_naming_what_the_client_waited_for()
    {
        using var listener = Listen();
        var serving = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            await Task.Delay(TimeSpan.FromSeconds(2));
        });

        var e = await Assert.ThrowsAsync<RdpTimeoutException>(() =>
            new RdpLicensingClient(Options(Port(listener)) with { ReadTimeout = TimeSpan.FromMilliseconds(300) }).ConnectAsync());

        Assert.Contains("waited for the X.224 Connection Confirm", e.Message);
        await serving;
    }

    private static RdpClientOptions Options(int port) => new() { Port = port, ClientHostname = "robust-01" };

    private static TcpListener Listen()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return listener;
    }

    private static int Port(TcpListener listener) => ((IPEndPoint)listener.LocalEndpoint).Port;
}
