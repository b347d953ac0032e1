using System.Net;
using System.Net.Sockets;
using RdLicensing.Rdp.Connection;
using RdLicensing.Rdp.Tests.Interop;
using RdLicensing.Rdp.Tests.Support;
using RdLicensing.Rdp.Wire;

namespace RdLicensing.Rdp.Tests.Relay;

/// <summary>
/// A desktop that answers garbage, refuses TLS or hangs up ends that one connection with a readable reason for the
/// client (ERRINFO_CB_DESTINATION_NOT_FOUND), no CAL spent and no server fault; the endpoint serves the next one.
/// </summary>
[Collection(RealClientsCollection.Name)]
public sealed class MisbehavingDesktopTests(XvfbDisplay display)
{
    public static TheoryData<string> Behaviours => new() { "garbage", "no-tls", "hang-up", "bad-mcs" };

    [Theory, MemberData(nameof(Behaviours))]
    public async Task A_misbehaving_desktop_ends_only_that_connection_with_a_readable_reason(string behaviour)
    {
        using var desktop = new TcpListener(IPAddress.Loopback, 0);
        desktop.Start();
        using var stop = new CancellationTokenSource();
        var serving = ServeAsync(desktop, behaviour, stop.Token);
        await using var system = await RdpTestSystem.StartAsync(RdpSecurityLayer.Negotiate, perDeviceCals: 5,
            rdp: o => o.Desktops = [new Uri($"rdp://127.0.0.1:{((IPEndPoint)desktop.LocalEndpoint).Port}")]);

        for (var attempt = 1; attempt <= 2; attempt++)
        {
            await using var client = RunningClient.Start("xfreerdp", display, Directory.CreateTempSubdirectory("rdlic-bad-").FullName, system.Port,
                $"bad-desktop-{attempt}", true, "alice", "secret");
            Assert.True(await client.WaitForExitAsync(TimeSpan.FromSeconds(30)), client.ToString());
            Assert.Contains("ERRINFO_CB_DESTINATION_NOT_FOUND", client.Output);
        }
        Assert.Empty(system.Results); // nothing licensed
        Assert.Equal(0, system.Rdp.Faults); // the desktop's fault, logged as the connection's end, never the server's
        Assert.Equal(2, system.Rdp.Failed);
        await stop.CancelAsync();
        desktop.Stop();
        await serving.ContinueWith(_ => { });
    }

    private static async Task ServeAsync(TcpListener listener, string behaviour, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            using var tcp = await listener.AcceptTcpClientAsync(stop);
            var stream = tcp.GetStream();
            var request = new byte[512];
            await stream.ReadAtLeastAsync(request, 11, throwOnEndOfStream: false, stop);
            switch (behaviour)
            {
                case "garbage":
                    await stream.WriteAsync(new byte[] { 0x03, 0x00, 0x00, 0x0B, 0x06, 0x99, 0x99, 0x99, 0x99, 0x99, 0x99 }, stop);
                    break;
                case "no-tls":
                    await stream.WriteAsync(new X224ConnectionConfirm(SecurityProtocols.Rdp).ToBytes(), stop);
                    break;
                case "bad-mcs":
                    // TLS accepted on the wire but then no TLS handshake: the relay's handshake fails.
                    await stream.WriteAsync(new X224ConnectionConfirm(SecurityProtocols.Tls).ToBytes(), stop);
                    await stream.WriteAsync(new byte[] { 0x03, 0x00, 0x00, 0x08, 0x02, 0xF0, 0x80, 0x7F }, stop);
                    break;
            }
            // "hang-up" closes at once.
            await stream.FlushAsync(stop);
        }
    }
}
