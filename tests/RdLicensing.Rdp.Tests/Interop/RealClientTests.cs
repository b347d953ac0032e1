using Microsoft.Extensions.DependencyInjection;
using RdLicensing.LicenseServer.Hosting;
using RdLicensing.Rdp.Connection;
using RdLicensing.Rdp.Tests.Support;

namespace RdLicensing.Rdp.Tests.Interop;

/// <summary>
/// Unmodified xfreerdp 2.11 and rdesktop 1.9 against the session host's RDP endpoint, under standard RDP security and
/// TLS: what the user sees (output, exit code) and what the client keeps (its CAL file) are the assertions.
/// </summary>
[Collection(RealClientsCollection.Name)]
public sealed class RealClientTests(XvfbDisplay display)
{
    public static TheoryData<string, bool> ClientsAndSecurity => new()
    {
        { "xfreerdp", false }, { "xfreerdp", true }, { "rdesktop", false }, { "rdesktop", true },
    };

    [Theory, MemberData(nameof(ClientsAndSecurity))]
    public async Task Three_connections_store_a_temporary_CAL_upgrade_it_to_permanent_then_are_valid(string clientName, bool tls)
    {
        await using var system = await RdpTestSystem.StartAsync(Layer(clientName, tls), perDeviceCals: 5);
        var client = Client(clientName);
        var tokens = system.LicenseServer.Services.GetRequiredService<ServerState>().Tokens;
        const string device = "kiosk-07";

        var first = await client.ConnectAsync(system.Port, device, tls);
        AssertNormalEnd(first);
        var issued = await ResultAsync(system, 1, RdpLicensingOutcome.NewLicense);
        Assert.Equal(issued.Verdict.License, first.StoredLicense); // byte for byte what the license server issued
        var temporary = tokens.Verify(first.StoredLicense!);
        Assert.True(temporary.IsTemporary);
        Assert.Equal(device, temporary.ClientName);
        Assert.Equal(issued.Client.HardwareId, temporary.HardwareId);
        Assert.Equal(tls, issued.TlsUsed);

        var second = await client.ConnectAsync(system.Port, device, tls);
        AssertNormalEnd(second);
        var upgraded = await ResultAsync(system, 2, RdpLicensingOutcome.UpgradedLicense);
        Assert.Equal(upgraded.Verdict.License, second.StoredLicense);
        var permanent = tokens.Verify(second.StoredLicense!);
        Assert.False(permanent.IsTemporary);
        Assert.Equal(temporary.HardwareId, permanent.HardwareId);

        var third = await client.ConnectAsync(system.Port, device, tls);
        AssertNormalEnd(third);
        Assert.Equal(RdpLicensingOutcome.ValidClient, (await system.ResultAsync(3)).Outcome);
        Assert.Equal(second.StoredLicense, third.StoredLicense); // nothing new to store
        Assert.Equal(0, system.Rdp.Failed);
    }

    public static TheoryData<string, bool, bool> ClientsSecurityAndCertificate => new()
    {
        { "xfreerdp", false, true }, { "xfreerdp", true, true }, { "rdesktop", false, true }, { "rdesktop", true, true },
        { "xfreerdp", false, false }, { "xfreerdp", true, false }, { "rdesktop", false, false }, { "rdesktop", true, false },
    };

    /// <summary>
    /// The License Request carries the X.509 chain from the license server's identity (CERT_CHAIN_VERSION_2) once the
    /// license server certified the endpoint, the proprietary certificate otherwise: both clients license with either —
    /// the issued and the upgraded CAL both need licensing keys derived from the premaster secret the client encrypted
    /// with the certificate's key (the upgrade after a Platform Challenge whose MAC must verify).
    /// </summary>
    [Theory, MemberData(nameof(ClientsSecurityAndCertificate))]
    public async Task Both_clients_license_with_the_X509_chain_and_with_the_proprietary_certificate(string clientName, bool tls, bool x509)
    {
        await using var system = await RdpTestSystem.StartAsync(Layer(clientName, tls), perDeviceCals: 5, rdp: o => o.X509LicensingCertificate = x509);
        Assert.Equal(x509, system.CertificateChain is not null);
        var client = Client(clientName);

        var first = await client.ConnectAsync(system.Port, "kiosk-09", tls);
        AssertNormalEnd(first);
        var issued = await ResultAsync(system, 1, RdpLicensingOutcome.NewLicense);
        Assert.Equal(issued.Verdict.License, first.StoredLicense);
        var second = await client.ConnectAsync(system.Port, "kiosk-09", tls);
        AssertNormalEnd(second);
        var upgraded = await ResultAsync(system, 2, RdpLicensingOutcome.UpgradedLicense);
        Assert.Equal(upgraded.Verdict.License, second.StoredLicense);
        Assert.Equal(0, system.Rdp.Failed);
    }

    [Theory, MemberData(nameof(ClientsAndSecurity))]
    public async Task No_license_server_reachable_after_the_grace_period_is_refused_with_0x101(string clientName, bool tls)
    {
        await using var system = await RdpTestSystem.StartAsync(Layer(clientName, tls));
        var client = Client(clientName);
        AssertNormalEnd(await client.ConnectAsync(system.Port, "kiosk-01", tls)); // the first connection starts the grace period

        await system.StopLicenseServerAsync();
        await system.AdvanceAsync("121d");
        var refused = await client.ConnectAsync(system.Port, "kiosk-02", tls);

        Assert.Null(refused.StoredLicense);
        Assert.Equal(RdpLicensingOutcome.Refused, (await system.ResultAsync(2)).Outcome);
        AssertRefused(refused, ["ERRINFO_LICENSE_NO_LICENSE_SERVER", "license connection sequence aborted"], "License error alert from server: No license server");
    }

    [Theory, MemberData(nameof(ClientsAndSecurity))]
    public async Task No_CAL_left_once_the_temporary_CAL_and_the_grace_period_have_expired_is_refused_with_0x102(string clientName, bool tls)
    {
        await using var system = await RdpTestSystem.StartAsync(Layer(clientName, tls), perDeviceCals: 0);
        var client = Client(clientName);
        var first = await client.ConnectAsync(system.Port, "kiosk-03", tls);
        AssertNormalEnd(first);
        Assert.True(first.StoredLicense is not null, first.ToString()); // a temporary CAL: no permanent one exists

        await system.AdvanceAsync("121d"); // the temporary CAL expired on day 90, the grace period on day 120
        var refused = await client.ConnectAsync(system.Port, "kiosk-03", tls);

        Assert.Equal(first.StoredLicense, refused.StoredLicense); // the client keeps what it had
        Assert.Equal(RdpLicensingOutcome.Refused, (await system.ResultAsync(2)).Outcome);
        AssertRefused(refused, ["ERRINFO_LICENSE_NO_LICENSE ", "There are no Client Access Licenses"], "License error alert from server: code 2");
    }

    [Theory, MemberData(nameof(ClientsAndSecurity))]
    public async Task An_administrative_connection_needs_no_CAL_even_when_others_are_refused(string clientName, bool tls)
    {
        await using var system = await RdpTestSystem.StartAsync(Layer(clientName, tls));
        await system.AdministratorsAsync("administrator");
        var client = Client(clientName);
        AssertNormalEnd(await client.ConnectAsync(system.Port, "kiosk-04", tls)); // starts the grace period
        await system.StopLicenseServerAsync();
        await system.AdvanceAsync("121d");

        var admin = await client.ConnectAsync(system.Port, "admin-pc", tls, user: "administrator", administrative: true);

        AssertNormalEnd(admin);
        Assert.Null(admin.StoredLicense);
        var result = await system.ResultAsync(2);
        Assert.Equal(RdpLicensingOutcome.ValidClient, result.Outcome);
        Assert.True(result.Client.Administrative);
    }

    private RealClient Client(string name) => name == "xfreerdp" ? new Xfreerdp(display) : new Rdesktop(display);

    /// <summary>rdesktop follows the server's choice, so the endpoint's layer selects its security; xfreerdp asks with /sec.</summary>
    private static RdpSecurityLayer Layer(string client, bool tls) => tls ? RdpSecurityLayer.Negotiate : client == "rdesktop" ? RdpSecurityLayer.Rdp : RdpSecurityLayer.Negotiate;

    /// <summary>Licensed, activated, then disconnected by the server: both clients exit 1 and say why.</summary>
    private static void AssertNormalEnd(ClientRun run)
    {
        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains(run.Client == "xfreerdp" ? "ERRINFO_RPC_INITIATED_DISCONNECT" : "disconnect: Administrator initiated disconnect", run.Output);
    }

    /// <summary>Refused during licensing: xfreerdp exits 131, rdesktop 76, each printing the reason it was given.</summary>
    private static void AssertRefused(ClientRun run, string[] xfreerdpSays, string rdesktopSays)
    {
        var xfreerdp = run.Client == "xfreerdp";
        Assert.True(run.ExitCode == (xfreerdp ? 131 : 76), run.ToString());
        foreach (var text in xfreerdp ? xfreerdpSays : [rdesktopSays]) Assert.Contains(text, run.Output);
    }

    private static async Task<RdpConnectionResult> ResultAsync(RdpTestSystem system, int number, RdpLicensingOutcome expected)
    {
        var last = await system.ResultAsync(number);
        Assert.Equal(expected, last.Outcome);
        Assert.NotNull(last.Verdict.License);
        return last;
    }
}
