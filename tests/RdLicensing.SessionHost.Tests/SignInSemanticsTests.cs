using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using RdLicensing.Rdp.Connection;
using RdLicensing.SessionHost.Connections;
using RdLicensing.SessionHost.Rdp;
using RdLicensing.SessionHost.Tests.Support;

namespace RdLicensing.SessionHost.Tests;

/// <summary>
/// The sign-in the desktop reports decides, not the name the client claimed: an administrative session only for a
/// listed administrator, a Per User CAL for the authenticated user. Driven through the API and through the RDP
/// endpoint's <see cref="IClientLicensing"/> (what the relay calls).
/// </summary>
public sealed class SignInSemanticsTests
{
    private static IClientLicensing Licensing(TestSessionHost host) => new SessionHostLicensing(
        host.Services.GetRequiredService<ConnectionDecider>(), host.Services.GetRequiredService<SessionSignIns>(),
        host.Services.GetRequiredService<HostSessions>(), host.Services.GetRequiredService<LiveConnections>(), host.Services.GetRequiredService<SessionWrites>());

    private static RdpClientIdentity Client(string device, string? user, bool administrative) =>
        new(device, Device.HardwareIdOf(device), user, administrative, null);

    [Fact]
    public async Task A_claimed_non_administrator_with_the_console_flag_is_licensed_like_any_connection()
    {
        await using var s = await Scenario.StartAsync(licenseServers: 0);
        await s.Host.AdministratorsAsync("root", @"CORP\ops");

        // Positive control: a listed administrator gets an administrative session without a CAL.
        Assert.Equal("administrative", (await s.Host.ConnectAsync("admin-pc", "root", admin: true)).Outcome);
        Assert.Equal("administrative", (await s.Host.ConnectAsync("ops-pc", @"corp\OPS", admin: true)).Outcome);

        // Anyone else's console flag gives nothing: licensed like any connection (here: the grace period), not administrative.
        var response = await s.Host.Http.PostAsJsonAsync("/api/connections", new ConnectBody(Device.HardwareIdOf("pc-m"), "pc-m", "mallory", null, true));
        var mallory = (await response.Content.ReadFromJsonAsync<ConnectionView>())!;
        Assert.Equal("grace", mallory.Outcome);
        Assert.Single(await s.Host.EventsAsync(5032));
        // A domain-qualified entry matches that domain only.
        var otherDomain = await s.Host.Http.PostAsJsonAsync("/api/connections", new ConnectBody(Device.HardwareIdOf("pc-o"), "pc-o", @"EVIL\ops", null, true));
        Assert.Equal("grace", (await otherDomain.Content.ReadFromJsonAsync<ConnectionView>())!.Outcome);
        Assert.Equal(2, (await s.Host.StatusAsync()).AdministrativeSessionsOpen);
    }

    [Fact]
    public async Task Without_listed_administrators_a_console_connection_without_hardware_id_is_refused_with_the_reason()
    {
        await using var s = await Scenario.StartAsync(licenseServers: 0);
        var refused = await s.Host.ConnectAsync("admin-pc", "root", admin: true);
        Assert.Equal("refused", refused.Outcome);
        Assert.Equal("NOT_AN_ADMINISTRATOR", refused.Refusal!.Reason);
        Assert.Contains("--administrators", refused.Message);

        await s.Host.AdministratorsAsync("root");
        Assert.Equal("administrative", (await s.Host.ConnectAsync("admin-pc", "root", admin: true)).Outcome);
    }

    [Fact]
    public async Task An_administrative_session_whose_authenticated_user_is_not_an_administrator_does_not_go_on()
    {
        await using var s = await Scenario.StartAsync(licenseServers: 0);
        await s.Host.AdministratorsAsync("root");
        var licensing = Licensing(s.Host);

        // The attacker claims the administrator's name, and the desktop authenticates their own account.
        var claimed = await licensing.DecideAsync(Client("pc-m", "root", administrative: true), null, CancellationToken.None);
        Assert.True(claimed.Allowed);
        Assert.Equal(1, (await s.Host.StatusAsync()).AdministrativeSessionsOpen);
        var refused = await licensing.SignedInAsync(claimed, new RdpSignIn("mallory", "CORP"), CancellationToken.None);
        Assert.False(refused.Continue);
        Assert.Equal(ErrorInfo.ServerInsufficientPrivileges, refused.ErrorInfo);
        Assert.Contains(@"CORP\mallory", refused.Message);
        Assert.Contains("not one of this host's administrators", refused.Message);
        var refusedEvent = Assert.Single(await s.Host.EventsAsync(5033));
        Assert.Equal("warning", refusedEvent.Level);
        Assert.Equal(0, (await s.Host.StatusAsync()).AdministrativeSessionsOpen); // the slot is free again
        Assert.Equal("not-administrator", (await s.Host.Store.SessionAsync(claimed.SessionId!))!.EndReason);

        // Positive control: the administrator the desktop authenticates goes on.
        var admin = await licensing.DecideAsync(Client("pc-r", "root", administrative: true), null, CancellationToken.None);
        var ok = await licensing.SignedInAsync(admin, new RdpSignIn("ROOT", null), CancellationToken.None);
        Assert.True(ok.Continue);
        Assert.Equal("ROOT", (await s.Host.Store.SessionAsync(admin.SessionId!))!.AuthenticatedUser);
        // Without a desktop (no authenticated account) the claimed name checked at the connection stands.
        var direct = await licensing.DecideAsync(Client("pc-d", "root", administrative: true), null, CancellationToken.None);
        Assert.True((await licensing.SignedInAsync(direct, RdpSignIn.WithoutDesktop, CancellationToken.None)).Continue);
        // Still at most two administrative sessions.
        Assert.False((await licensing.DecideAsync(Client("pc-3", "root", administrative: true), null, CancellationToken.None)).Allowed);
    }

    [Fact]
    public async Task In_Per_User_mode_the_CAL_goes_to_the_user_the_desktop_authenticated()
    {
        await using var s = await Scenario.StartAsync();
        await s.WithCalsAsync(CalType.PerUser, ProductVersion.WindowsServer2022, 5);
        await s.Host.UseAsync("per-user", s.Server);
        var licensing = Licensing(s.Host);

        var verdict = await licensing.DecideAsync(Client("laptop-a", "claimed-bob", administrative: false), null, CancellationToken.None);
        Assert.True(verdict.Allowed);
        var outcome = await licensing.SignedInAsync(verdict, new RdpSignIn("alice", null), CancellationToken.None);
        Assert.True(outcome.Continue);
        Assert.Contains("Per User CAL for alice", outcome.Message);
        Assert.Single(await s.Host.EventsAsync(5034));
        var users = (await s.Server.Admin.GetFromJsonAsync<CalPage>("/api/admin/cals?type=per-user"))!.Items.Select(c => c.UserName).ToList();
        Assert.Contains("alice", users);
        Assert.Equal("alice", (await s.Host.Store.SessionAsync(verdict.SessionId!))!.AuthenticatedUser);

        // Positive control: when the desktop authenticates the claimed user, nothing more is requested.
        var same = await licensing.DecideAsync(Client("laptop-c", "carol", administrative: false), null, CancellationToken.None);
        Assert.True((await licensing.SignedInAsync(same, new RdpSignIn("carol", null), CancellationToken.None)).Continue);
        Assert.Single(await s.Host.EventsAsync(5034));
    }

    [Fact]
    public async Task Behind_a_desktop_a_Per_User_CAL_waits_for_the_sign_in_so_a_claimed_name_with_a_wrong_password_takes_none()
    {
        await using var s = await Scenario.StartAsync();
        await s.WithCalsAsync(CalType.PerUser, ProductVersion.WindowsServer2022, 5);
        await s.Host.UseAsync("per-user", s.Server);
        var endpoint = new RdpEndpointOptions { Desktops = [new Uri("rdp://127.0.0.1:33891")] };
        var licensing = new SessionHostLicensing(
            s.Host.Services.GetRequiredService<ConnectionDecider>(), s.Host.Services.GetRequiredService<SessionSignIns>(),
            s.Host.Services.GetRequiredService<HostSessions>(), s.Host.Services.GetRequiredService<LiveConnections>(), s.Host.Services.GetRequiredService<SessionWrites>(),
            endpoint);
        async Task<List<string?>> PerUserCals() =>
            (await s.Server.Admin.GetFromJsonAsync<CalPage>("/api/admin/cals?type=per-user"))!.Items.Select(c => c.UserName).ToList();

        // A client claiming a name whose password the desktop never accepts (no sign-in): let through to the desktop's
        // login, and no Per User CAL is taken for the name it claimed.
        var claimed = await licensing.DecideAsync(Client("laptop-m", "victim-bob", administrative: false), null, CancellationToken.None);
        Assert.True(claimed.Allowed);
        Assert.Null(claimed.License);
        await licensing.EndedAsync(claimed, CancellationToken.None);
        Assert.Empty(await PerUserCals());

        // Positive control: a sign-in records the Per User CAL of the account the desktop authenticated, and only that one.
        var verdict = await licensing.DecideAsync(Client("laptop-a", "claimed-carl", administrative: false), null, CancellationToken.None);
        var outcome = await licensing.SignedInAsync(verdict, new RdpSignIn("alice", null), CancellationToken.None);
        Assert.True(outcome.Continue, outcome.Message);
        Assert.Contains("recorded the Per User CAL of alice", outcome.Message);
        Assert.Equal(["alice"], await PerUserCals());

        // Without a desktop (the HTTP front end, the endpoint alone) the CAL is still requested at the connection.
        var direct = await Licensing(s.Host).DecideAsync(Client("laptop-d", "dave", administrative: false), null, CancellationToken.None);
        Assert.True(direct.Allowed);
        Assert.Contains("dave", await PerUserCals());
    }
}
