using System.Net.Http.Json;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using RdLicensing.Core.Protocol;
using RdLicensing.Rdp.Connection;
using RdLicensing.Rdp.Tests.Support;

namespace RdLicensing.Rdp.Tests.Hosting;

public sealed class EndpointStatusTests
{
    [Fact]
    public async Task The_session_host_status_shows_where_the_RDP_endpoint_listens_and_what_its_connections_came_to()
    {
        await using var system = await RdpTestSystem.StartAsync(rdp: o => o.ReadTimeout = TimeSpan.FromSeconds(1));
        using (var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            await socket.ConnectAsync("127.0.0.1", system.Port);
            await socket.SendAsync("not RDP at all"u8.ToArray());
            var buffer = new byte[64];
            while (await socket.ReceiveAsync(buffer) > 0) { }
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (system.Rdp.Failed == 0) await Task.Delay(20, timeout.Token);

        var status = (await system.HostAdmin.GetFromJsonAsync<SessionHostStatusView>("/api/status"))!;

        var rdp = Assert.IsType<RdpEndpointView>(status.Rdp);
        Assert.Equal($"127.0.0.1:{system.Port}", rdp.Address);
        Assert.Equal("negotiate", rdp.SecurityLayer);
        Assert.Equal(1, rdp.Failed);
        Assert.Equal(0, rdp.NewLicenses);
    }

    [Fact]
    public async Task The_endpoint_keeps_its_RSA_key_and_TLS_certificate_owner_only_and_reuses_them_after_a_restart()
    {
        byte[] certificate;
        string directory;
        await using (var system = await RdpTestSystem.StartAsync(keepData: true))
        {
            directory = system.DataDirectory;
            certificate = system.HostServices.GetRequiredService<RdpServerContext>().ProprietaryCertificate;
        }
        var key = Path.Combine(directory, "rdp-server-key.pem");
        var tls = Path.Combine(directory, "rdp-tls.pfx");
        Assert.True(File.Exists(key) && File.Exists(tls));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(key));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(tls));
        }

        await using var restarted = await RdpTestSystem.StartAsync(dataDirectory: directory);
        Assert.Equal(certificate, restarted.HostServices.GetRequiredService<RdpServerContext>().ProprietaryCertificate); // clients see the same server key as before
    }
}
