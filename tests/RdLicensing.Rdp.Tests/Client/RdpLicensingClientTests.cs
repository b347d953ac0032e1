using Microsoft.Extensions.DependencyInjection;
using RdLicensing.LicenseServer.Hosting;
using RdLicensing.Rdp.Client;
using RdLicensing.Rdp.Connection;
using RdLicensing.Rdp.Licensing;
using RdLicensing.Rdp.Tests.Support;

namespace RdLicensing.Rdp.Tests.Client;

/// <summary>Our RDP licensing client against the real endpoint of a session host and a real license server, under both security layers.</summary>
public sealed class RdpLicensingClientTests
{
    public static TheoryData<RdpClientSecurity> BothLayers => new() { RdpClientSecurity.Rdp, RdpClientSecurity.Tls };

    [Theory, MemberData(nameof(BothLayers))]
    public async Task A_new_device_gets_a_temporary_CAL_then_a_permanent_one_then_is_valid(RdpClientSecurity security)
    {
        await using var system = await RdpTestSystem.StartAsync(perDeviceCals: 5);
        var tokens = system.LicenseServer.Services.GetRequiredService<ServerState>().Tokens;
        var device = Options(system, "kiosk-07", security);

        var first = await new RdpLicensingClient(device).ConnectAsync();

        Assert.Equal(RdpLicensingOutcome.NewLicense, first.Outcome);
        AssertNormalEnd(first, security);
        var temporary = tokens.Verify(first.License!);
        Assert.True(temporary.IsTemporary);
        Assert.Equal("kiosk-07", temporary.ClientName);
        Assert.Equal(RdpLicensingClient.HardwareIdOf("kiosk-07").ToIdentityString(), temporary.HardwareId);
        Assert.Equal((await system.ResultAsync(1)).Verdict.License, first.License); // byte for byte what the session host handed out

        var second = await new RdpLicensingClient(device with { StoredLicense = first.License }).ConnectAsync();

        Assert.Equal(RdpLicensingOutcome.UpgradedLicense, second.Outcome);
        AssertNormalEnd(second, security);
        var permanent = tokens.Verify(second.License!);
        Assert.False(permanent.IsTemporary);
        Assert.Equal(temporary.HardwareId, permanent.HardwareId);

        var third = await new RdpLicensingClient(device with { StoredLicense = second.License }).ConnectAsync();

        Assert.Equal(RdpLicensingOutcome.ValidClient, third.Outcome);
        Assert.Null(third.License);
        AssertNormalEnd(third, security);
        await system.ResultAsync(3);
        Assert.Equal([RdpLicensingOutcome.NewLicense, RdpLicensingOutcome.UpgradedLicense, RdpLicensingOutcome.ValidClient], system.Results.Select(r => r.Outcome));
        Assert.Equal(0, system.Rdp.Failed);
    }

    [Theory, MemberData(nameof(BothLayers))]
    public async Task After_the_grace_period_with_no_license_server_the_client_is_refused_with_0x101(RdpClientSecurity security)
    {
        await using var system = await RdpTestSystem.StartAsync();
        Assert.Equal(RdpLicensingOutcome.NewLicense, (await new RdpLicensingClient(Options(system, "kiosk-01", security)).ConnectAsync()).Outcome);
        await system.StopLicenseServerAsync();
        await system.AdvanceAsync("121d");

        var refused = await new RdpLicensingClient(Options(system, "kiosk-02", security)).ConnectAsync();

        Assert.Equal(RdpLicensingOutcome.Refused, refused.Outcome);
        Assert.Equal(0x101u, refused.ErrorInfo);
        Assert.Equal(LicenseErrorCode.NoLicenseServer, refused.LicensingError);
        Assert.Null(refused.License);
        Assert.False(refused.ActivationCompleted);
        Assert.Equal(RdpLicensingOutcome.Refused, (await system.ResultAsync(2)).Outcome);
    }

    [Fact]
    public async Task A_user_name_with_a_control_character_is_refused_by_the_host_not_let_in_by_the_grace_period()
    {
        await using var system = await RdpTestSystem.StartAsync(perDeviceCals: 5);

        var refused = await new RdpLicensingClient(Options(system, "kiosk-30", RdpClientSecurity.Rdp) with { UserName = "bob\u0007" }).ConnectAsync();

        Assert.Equal(RdpLicensingOutcome.Refused, refused.Outcome);
        Assert.Equal(0x102u, refused.ErrorInfo);
        Assert.Null(refused.License);
        Assert.Single(await system.EventsAsync(5070));
        Assert.Empty(await system.EventsAsync(5011)); // not let in by the grace period
        // Positive control: the same device with a proper user name gets its CAL.
        Assert.Equal(RdpLicensingOutcome.NewLicense, (await new RdpLicensingClient(Options(system, "kiosk-30", RdpClientSecurity.Rdp)).ConnectAsync()).Outcome);
    }

    [Fact]
    public async Task A_console_connection_needs_no_CAL()
    {
        await using var system = await RdpTestSystem.StartAsync();
        await system.AdministratorsAsync("alice");

        var admin = await new RdpLicensingClient(Options(system, "admin-pc", RdpClientSecurity.Rdp) with { Console = true }).ConnectAsync();

        Assert.Equal(RdpLicensingOutcome.ValidClient, admin.Outcome);
        Assert.Null(admin.License);
        AssertNormalEnd(admin, RdpClientSecurity.Rdp);
        Assert.True((await system.ResultAsync(1)).Client.Administrative);
    }

    [Fact]
    public async Task A_console_connection_of_a_user_who_is_not_a_listed_administrator_is_licensed_like_any_other()
    {
        await using var system = await RdpTestSystem.StartAsync();
        await system.AdministratorsAsync("root");

        var console = await new RdpLicensingClient(Options(system, "pc-alice", RdpClientSecurity.Rdp) with { Console = true }).ConnectAsync();

        Assert.Equal(RdpLicensingOutcome.NewLicense, console.Outcome); // a temporary CAL, as for any new device
        Assert.NotNull(console.License);
        AssertNormalEnd(console, RdpClientSecurity.Rdp);
        // Positive control: the listed administrator takes no CAL.
        var root = await new RdpLicensingClient(Options(system, "pc-root", RdpClientSecurity.Rdp) with { Console = true, UserName = "root" }).ConnectAsync();
        Assert.Equal(RdpLicensingOutcome.ValidClient, root.Outcome);
        Assert.Null(root.License);
    }

    [Fact]
    public async Task A_TLS_only_endpoint_refuses_standard_security_in_the_negotiation()
    {
        await using var system = await RdpTestSystem.StartAsync(RdpSecurityLayer.Tls);

        var e = await Assert.ThrowsAsync<RdpProtocolException>(() => new RdpLicensingClient(Options(system, "kiosk-03", RdpClientSecurity.Rdp)).ConnectAsync());

        Assert.Contains("SSL_REQUIRED_BY_SERVER", e.Message);
    }

    private static RdpClientOptions Options(RdpTestSystem system, string hostname, RdpClientSecurity security) =>
        new() { Port = system.Port, ClientHostname = hostname, UserName = "alice", Security = security };

    /// <summary>Activated, then disconnected by the server with ERRINFO_RPC_INITIATED_DISCONNECT.</summary>
    private static void AssertNormalEnd(RdpClientResult result, RdpClientSecurity security)
    {
        Assert.True(result.ActivationCompleted);
        Assert.Equal(ErrorInfo.RpcInitiatedDisconnect, result.ErrorInfo);
        Assert.Null(result.LicensingError);
        Assert.Equal(security == RdpClientSecurity.Tls, result.TlsUsed);
        Assert.True(result.Elapsed > TimeSpan.Zero);
    }
}
