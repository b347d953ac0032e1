using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using RdLicensing.Core.Protocol;
using RdLicensing.Rdp.Connection;
using RdLicensing.Rdp.Tests.Support;
using RdLicensing.SessionHost.Rdp;

namespace RdLicensing.Rdp.Tests.Diagnostics;

/// <summary>
/// The Licensing Diagnoser checks each desktop behind the RDP endpoint as the relay reaches it (TCP, X.224, TLS) and
/// says how to fix what fails. Our own RDP endpoint stands in for a desktop (TLS, and standard RDP security only), with
/// a closed port and a TCP listener that answers garbage.
/// </summary>
public sealed class DesktopDiagnosisTests
{
    [Fact]
    public async Task Each_desktop_is_checked_for_reachability_X224_and_TLS_with_how_to_fix_it()
    {
        await using var desktop = await RdpTestSystem.StartAsync(RdpSecurityLayer.Negotiate);
        await using var gateway = await RdpTestSystem.StartAsync(RdpSecurityLayer.Rdp);
        var closedPort = ClosedPort();
        using var garbage = new TcpListener(IPAddress.Loopback, 0);
        garbage.Start();
        var answering = AnswerGarbageAsync(garbage);

        var desktops = gateway.HostServices.GetRequiredService<RdpEndpointOptions>().Desktops;
        desktops.AddRange([
            new Uri($"rdp://127.0.0.1:{desktop.Port}"),
            new Uri($"rdp://127.0.0.1:{gateway.Port}"), // standard RDP security only: no TLS
            new Uri($"rdp://127.0.0.1:{closedPort}"),
            new Uri($"rdp://127.0.0.1:{((IPEndPoint)garbage.LocalEndpoint).Port}"),
        ]);

        var diagnosis = (await gateway.HostAdmin.GetFromJsonAsync<DiagnosisView>("/api/diagnose"))!;
        var states = diagnosis.Desktops!.ToDictionary(d => d.Desktop, d => d);

        // Positive control: a desktop that speaks RDP over TLS is ready.
        var ready = states[$"rdp://127.0.0.1:{desktop.Port}"];
        Assert.Equal("ready", ready.State);
        Assert.Contains("TLS works", ready.Message);
        // (Its xrdp.ini check, desktop-login-screen-open, is about this machine's xrdp, not this endpoint: XrdpLoginScreenTests.)
        Assert.DoesNotContain(diagnosis.Problems, p => p.Message.Contains($":{desktop.Port}") && p.Id != "desktop-login-screen-open");

        Assert.Equal("no-tls", states[$"rdp://127.0.0.1:{gateway.Port}"].State);
        var noTls = diagnosis.Problems.Single(p => p.Id == "desktop-no-tls");
        Assert.Contains(noTls.Steps, s => s.Contains("security_layer=tls") && s.Contains("xrdp.ini"));

        Assert.Equal("unreachable", states[$"rdp://127.0.0.1:{closedPort}"].State);
        var unreachable = diagnosis.Problems.Single(p => p.Id == "desktop-unreachable");
        Assert.Contains("refused", unreachable.Message);
        Assert.Contains(unreachable.Steps, s => s.Contains("systemctl start xrdp"));

        Assert.Equal("not-rdp", states[$"rdp://127.0.0.1:{((IPEndPoint)garbage.LocalEndpoint).Port}"].State);
        var notRdp = diagnosis.Problems.Single(p => p.Id == "desktop-not-rdp");
        Assert.Contains("not a TPKT header", notRdp.Message);
        Assert.Equal("error", notRdp.Severity);
        await answering;
    }

    [Fact]
    public async Task A_host_without_desktops_reports_none()
    {
        await using var system = await RdpTestSystem.StartAsync();
        var diagnosis = (await system.HostAdmin.GetFromJsonAsync<DiagnosisView>("/api/diagnose"))!;
        Assert.Empty(diagnosis.Desktops!);
        Assert.DoesNotContain(diagnosis.Problems, p => p.Id.StartsWith("desktop-", StringComparison.Ordinal));
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>Answers the first connection with an HTTP error, as a web server on the wrong port would.</summary>
    private static async Task AnswerGarbageAsync(TcpListener listener)
    {
        using var client = await listener.AcceptTcpClientAsync();
        var stream = client.GetStream();
        var buffer = new byte[256];
        _ = await stream.ReadAsync(buffer);
        await stream.WriteAsync("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"u8.ToArray());
    }
}
