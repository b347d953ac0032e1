using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using RdLicensing.LicenseServer.Hosting;
using RdLicensing.Rdp.Connection;
using RdLicensing.Rdp.Tests.Interop;
using RdLicensing.Rdp.Tests.Support;
using RdLicensing.Core.SessionHost;
using RdLicensing.SessionHost.Diagnostics;
using RdLicensing.SessionHost.Rdp;
using RdLicensing.Storage;

namespace RdLicensing.Rdp.Tests.Relay;

/// <summary>
/// Unmodified xfreerdp and rdesktop connect through the gateway (`--desktop`) to a real xrdp 0.9.21 desktop: what the
/// user sees (the desktop's colour on the client's screen, the refusal) and what the license server and the client
/// keep (the CAL, its validation at the xrdp logon) are the assertions.
/// </summary>
[Collection(RealClientsCollection.Name)]
public sealed class RelayTests(XvfbDisplay display, XrdpDesktop xrdp) : IClassFixture<XrdpDesktop>
{
    private static readonly TimeSpan DesktopWithin = TimeSpan.FromSeconds(40);

    public static TheoryData<string, bool> ClientsAndSecurity => new()
    {
        { "xfreerdp", true }, { "rdesktop", true }, { "xfreerdp", false }, { "rdesktop", false },
    };

    [Theory, MemberData(nameof(ClientsAndSecurity))]
    public async Task Three_connections_reach_the_xrdp_desktop_the_temporary_CAL_validated_at_the_logon_then_permanent_then_valid(string client, bool tls)
    {
        await using var system = await StartAsync(client, tls, perDeviceCals: 5);
        var tokens = system.LicenseServer.Services.GetRequiredService<ServerState>().Tokens;
        var home = Home();
        var device = $"relay-{client[..4]}-{(tls ? "tls" : "rdp")}";

        var first = await ConnectAsync(system, client, home, device, tls, XrdpDesktop.Password, $"relay-{client}-{(tls ? "tls" : "rdp")}");
        var live = await SignedInAsync(system);
        Assert.Equal(XrdpDesktop.User, live.AuthenticatedUser);
        Assert.Equal(xrdp.Address.ToString().TrimEnd('/'), live.Desktop);
        Assert.True(live.BytesToClient > 4_000 && live.BytesFromClient > 0, $"{live.BytesToClient} bytes to the client, {live.BytesFromClient} from it"); // the desktop's drawing went through (a flat background compresses well; ConnectAsync saw its colour on the client's screen)
        await first.DisposeAsync();
        var issued = await system.ResultAsync(1);
        Assert.Equal(RdpLicensingOutcome.NewLicense, issued.Outcome);
        var stored = Stored(client, home, device);
        Assert.Equal(issued.Verdict.License, stored); // byte for byte what the license server issued
        Assert.True(tokens.Verify(stored!).IsTemporary);

        await using (var second = await ConnectAsync(system, client, home, device, tls, XrdpDesktop.Password))
            await SignedInAsync(system, count: 2);
        var upgraded = await system.ResultAsync(2);
        Assert.Equal(RdpLicensingOutcome.UpgradedLicense, upgraded.Outcome); // validated at the first logon, so upgraded now
        Assert.False(tokens.Verify(Stored(client, home, device)!).IsTemporary);

        await using (var third = await ConnectAsync(system, client, home, device, tls, XrdpDesktop.Password))
            await SignedInAsync(system, count: 3);
        Assert.Equal(RdpLicensingOutcome.ValidClient, (await system.ResultAsync(3)).Outcome);
        Assert.Equal(0, system.Rdp.Faults);
    }

    [Fact]
    public async Task A_wrong_password_leaves_the_client_at_the_xrdp_login_and_validates_nothing()
    {
        await using var system = await StartAsync("xfreerdp", tls: true, perDeviceCals: 5);
        var tokens = system.LicenseServer.Services.GetRequiredService<ServerState>().Tokens;
        var home = Home();
        const string device = "relay-wrongpw";

        await using (var wrong = RunningClient.Start("xfreerdp", display, home, system.Port, device, true, XrdpDesktop.User, "not-the-password"))
        {
            var live = await OpenAsync(system);
            await WaitUntilAsync(() => xrdp.SesmanLog.Contains("AUTHFAIL"), "sesman logs the failed PAM authentication");
            Assert.Null(live.AuthenticatedUser);
            Assert.NotEqual(RunningClient.DesktopColour, await wrong.PixelAsync(900, 600));
        }
        Assert.Equal(RdpLicensingOutcome.NewLicense, (await system.ResultAsync(1)).Outcome);
        Assert.True(tokens.Verify(Stored("xfreerdp", home, device)!).IsTemporary);

        // Positive control: the right password signs in; the temporary CAL was never validated, so it is not upgraded.
        await using (var right = await ConnectAsync(system, "xfreerdp", home, device, true, XrdpDesktop.Password))
            await SignedInAsync(system, count: 2);
        Assert.NotEqual(RdpLicensingOutcome.UpgradedLicense, (await system.ResultAsync(2)).Outcome);
        Assert.True(tokens.Verify(Stored("xfreerdp", home, device)!).IsTemporary);
    }

    [Fact]
    public async Task A_refused_client_sees_the_licensing_refusal_and_xrdp_starts_no_session_for_it()
    {
        await using var system = await StartAsync("xfreerdp", tls: true, perDeviceCals: 0);
        var home = Home();
        await using (var first = await ConnectAsync(system, "xfreerdp", home, "relay-refused", true, XrdpDesktop.Password))
            await SignedInAsync(system); // the positive control: a temporary CAL, and the desktop
        await system.AdvanceAsync("121d"); // the temporary CAL expired on day 90, the grace period on day 120
        var sessionsBefore = Count(xrdp.SesmanLog, "pam_authenticate");

        await using var refused = RunningClient.Start("xfreerdp", display, home, system.Port, "relay-refused", true, XrdpDesktop.User, XrdpDesktop.Password);
        Assert.True(await refused.WaitForExitAsync(TimeSpan.FromSeconds(30)), refused.ToString());
        Assert.Contains("ERRINFO_LICENSE_NO_LICENSE ", refused.Output);
        Assert.Equal(RdpLicensingOutcome.Refused, (await system.ResultAsync(2)).Outcome);
        Assert.Equal(sessionsBefore, Count(xrdp.SesmanLog, "pam_authenticate")); // its Client Info never reached xrdp
    }

    [Fact]
    public async Task Disconnecting_a_live_session_ends_both_legs_and_the_client_is_told()
    {
        await using var system = await StartAsync("xfreerdp", tls: true, perDeviceCals: 5);
        await using var client = await ConnectAsync(system, "xfreerdp", Home(), "relay-disc", true, XrdpDesktop.Password);
        var live = await SignedInAsync(system);
        var connections = system.HostServices.GetRequiredService<LiveConnections>();
        Assert.False(connections.Disconnect("s-no-such-session", "test")); // nothing else is touched

        Assert.True(connections.Disconnect(live.SessionId, "test"));

        Assert.True(await client.WaitForExitAsync(TimeSpan.FromSeconds(20)), client.ToString());
        Assert.Contains("ERRINFO_RPC_INITIATED_DISCONNECT", client.Output);
        await WaitUntilAsync(() => connections.List().Count == 0, "the relayed connection is gone");
        Assert.Equal(RdpLicensingOutcome.NewLicense, (await system.ResultAsync(1)).Outcome);
    }

    [Theory]
    [InlineData("xfreerdp")]
    [InlineData("rdesktop")]
    public async Task In_Per_User_mode_the_CAL_goes_to_the_account_xrdp_authenticated_and_a_claimed_name_with_a_wrong_password_takes_none(string client)
    {
        await using var system = await StartAsync(client, tls: true, perDeviceCals: 0);
        await system.LicenseServer.InstallAsync(ProductVersion.WindowsServer2022, CalType.PerUser, 5);
        await system.ConfigureAsync("per-user");
        async Task<List<string?>> PerUserCals() =>
            (await system.LicenseServer.Admin.GetFromJsonAsync<CalPage>("/api/admin/cals?type=per-user"))!.Items.Select(c => c.UserName).ToList();
        var home = Home();

        // A client claiming another account with a password PAM refuses: xrdp's login screen, and no CAL for the claimed name.
        var failuresBefore = Count(xrdp.SesmanLog, "AUTHFAIL");
        await using (var claimed = RunningClient.Start(client, display, home, system.Port, $"relay-pu-{client[..4]}-claim", true, "alice", "not-her-password"))
        {
            var live = await OpenAsync(system);
            await WaitUntilAsync(() => Count(xrdp.SesmanLog, "AUTHFAIL") > failuresBefore, "sesman logs the failed PAM authentication");
            Assert.Null(live.AuthenticatedUser);
            Assert.NotEqual(RunningClient.DesktopColour, await claimed.PixelAsync(900, 600));
        }
        await WaitUntilAsync(() => system.HostServices.GetRequiredService<LiveConnections>().List().Count == 0, "the claimed connection is gone");
        Assert.Empty(await PerUserCals());

        // Positive control: the account PAM accepts signs in, and the Per User CAL is that account's, recorded at the sign-in.
        await using (var signedIn = await ConnectAsync(system, client, home, $"relay-pu-{client[..4]}-ok", true, XrdpDesktop.Password))
            Assert.Equal(XrdpDesktop.User, (await SignedInAsync(system, count: 2)).AuthenticatedUser);
        Assert.Equal([XrdpDesktop.User], await PerUserCals());
        Assert.Equal(0, system.Rdp.Faults);
    }

    [Theory]
    [InlineData("xfreerdp")]
    [InlineData("rdesktop")]
    public async Task An_administrative_connection_by_a_listed_administrator_takes_no_CAL_and_by_anyone_else_one(string client)
    {
        await using var system = await StartAsync(client, tls: true, perDeviceCals: 5);
        var home = Home();
        var adminDevice = $"relay-adm-{client[..4]}";
        var otherDevice = $"relay-adm-{client[..4]}-2";

        // rdpuser is a listed administrator: its /admin (-0) session reaches the desktop without a CAL.
        await system.AdministratorsAsync(XrdpDesktop.User);
        await using (var admin = RunningClient.Start(client, display, home, system.Port, adminDevice, true, XrdpDesktop.User, XrdpDesktop.Password, administrative: true))
        {
            Assert.Equal(RunningClient.DesktopColour, await admin.WaitForDesktopAsync(DesktopWithin));
            Assert.Equal(XrdpDesktop.User, (await SignedInAsync(system)).AuthenticatedUser);
        }
        var free = await system.ResultAsync(1);
        Assert.True(free.Client.Administrative);
        Assert.Equal(RdpLicensingOutcome.ValidClient, free.Outcome);
        Assert.Null(free.Verdict.License);
        Assert.Null(Stored(client, home, adminDevice));
        await WaitUntilAsync(() => system.HostServices.GetRequiredService<LiveConnections>().List().Count == 0, "the administrator's connection is gone");

        // The list names someone else: the same administrative connection is licensed like any other (event 5032).
        await system.AdministratorsAsync("root");
        await using (var other = RunningClient.Start(client, display, home, system.Port, otherDevice, true, XrdpDesktop.User, XrdpDesktop.Password, administrative: true))
        {
            Assert.Equal(RunningClient.DesktopColour, await other.WaitForDesktopAsync(DesktopWithin));
            await SignedInAsync(system, count: 2);
        }
        var licensed = await system.ResultAsync(2);
        Assert.True(licensed.Client.Administrative);
        Assert.Equal(RdpLicensingOutcome.NewLicense, licensed.Outcome);
        Assert.NotNull(licensed.Verdict.License); // a CAL issued by the license server
        if (client == "xfreerdp") Assert.Equal(licensed.Verdict.License, Stored(client, home, otherDevice)); // rdesktop -0 keeps no licence file
        Assert.NotEmpty(await system.EventsAsync(5032));
        Assert.Equal(0, system.Rdp.Faults);
    }

    /// <summary>
    /// xrdp's default (require_credentials=false) keeps a client whose password failed at its login screen. The attack:
    /// claim a listed administrator's name (or, in Per User mode, someone's account) with a wrong password, then sign in
    /// at that screen as oneself — xrdp 0.9.21 would name no account on the wire and the relay would credit the claimed
    /// one. The relay withholds key and mouse-button presses until the desktop's logon, so the screen cannot be used:
    /// no session, no CAL-free administrative session, no Per User CAL for the claimed name, and event 5037.
    /// </summary>
    [Theory]
    [InlineData("administrative")]
    [InlineData("per-user")]
    public async Task Signing_in_at_the_xrdp_login_screen_after_a_failed_password_is_withheld_so_no_claimed_name_is_credited(string shape)
    {
        const string other = "rdpother", otherPassword = "Other456";
        await XrdpDesktop.EnsureUserAsync(other, otherPassword);
        await using var system = await StartAsync("xfreerdp", tls: true, perDeviceCals: 5);
        var administrative = shape == "administrative";
        if (administrative) await system.AdministratorsAsync(XrdpDesktop.User);
        else
        {
            await system.LicenseServer.InstallAsync(ProductVersion.WindowsServer2022, CalType.PerUser, 5);
            await system.ConfigureAsync("per-user");
        }
        async Task<List<string?>> PerUserCals() =>
            (await system.LicenseServer.Admin.GetFromJsonAsync<CalPage>("/api/admin/cals?type=per-user"))!.Items.Select(c => c.UserName).ToList();
        var home = Home();
        var failuresBefore = Count(xrdp.SesmanLog, "AUTHFAIL");
        var sessionsOfOther = Count(xrdp.SesmanLog, $"user name {other}");

        await using (var attacker = RunningClient.Start("xfreerdp", display, home, system.Port, $"relay-ls-{shape[..3]}", true, XrdpDesktop.User, "not-the-password", administrative))
        {
            var live = await OpenAsync(system);
            await WaitUntilAsync(() => Count(xrdp.SesmanLog, "AUTHFAIL") > failuresBefore, "sesman logs the failed PAM authentication");
            await attacker.TypeAtLoginScreenAsync(other, otherPassword);
            await WaitUntilAsync(() => system.EventsAsync(5037).Result.Count > 0, "event 5037: the login screen's input was withheld");
            // Without the relay's check xrdp starts rdpother's session here within seconds (sesman: "user name rdpother").
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
            while (DateTime.UtcNow < deadline && Count(xrdp.SesmanLog, $"user name {other}") == sessionsOfOther && live.AuthenticatedUser is null) await Task.Delay(200);
            Assert.Equal(sessionsOfOther, Count(xrdp.SesmanLog, $"user name {other}"));
            Assert.Null(live.AuthenticatedUser);
            Assert.NotEqual(RunningClient.DesktopColour, await attacker.PixelAsync(900, 600));
        }
        var events = await system.EventsAsync(5037);
        Assert.Contains("pressed keys or mouse buttons at the login screen", Assert.Single(events).Message);
        await WaitUntilAsync(() => system.HostServices.GetRequiredService<LiveConnections>().List().Count == 0, "the attacker's connection is gone");
        if (!administrative) Assert.Empty(await PerUserCals());

        // Positive controls: the credentials sent with the connection sign in as before — the listed administrator's
        // /admin session without a CAL; in Per User mode the account gets its Per User CAL.
        var user = administrative ? XrdpDesktop.User : other;
        await using (var legitimate = RunningClient.Start("xfreerdp", display, home, system.Port, $"relay-ls-{shape[..3]}-ok", true, user,
                         administrative ? XrdpDesktop.Password : otherPassword, administrative))
        {
            Assert.Equal(RunningClient.DesktopColour, await legitimate.WaitForDesktopAsync(DesktopWithin));
            Assert.Equal(user, (await SignedInAsync(system, count: 2)).AuthenticatedUser);
        }
        var result = await system.ResultAsync(2);
        if (administrative)
        {
            Assert.Equal(RdpLicensingOutcome.ValidClient, result.Outcome);
            Assert.Null(result.Verdict.License);
        }
        else Assert.Equal([other], await PerUserCals());
        Assert.Single(await system.EventsAsync(5037)); // nothing withheld from a session that signed in
        Assert.Equal(0, system.Rdp.Faults);
    }

    [Fact]
    public async Task A_client_sending_no_password_is_refused_before_licensing_and_spends_no_CAL()
    {
        await using var system = await StartAsync("rdesktop", tls: true, perDeviceCals: 5);
        var sessionsBefore = Count(xrdp.SesmanLog, "pam_authenticate");
        await using var client = RunningClient.Start("rdesktop", display, Home(), system.Port, "relay-nopw", true, XrdpDesktop.User, "");
        Assert.True(await client.WaitForExitAsync(TimeSpan.FromSeconds(30)), client.ToString());
        Assert.Empty(system.Results); // no licensing, no CAL spent
        Assert.Equal(sessionsBefore, Count(xrdp.SesmanLog, "pam_authenticate"));
    }

    [Fact]
    public async Task An_unreachable_desktop_gives_the_client_a_readable_reason()
    {
        await using var system = await RdpTestSystem.StartAsync(RdpSecurityLayer.Negotiate, perDeviceCals: 5,
            rdp: o => o.Desktops = [new Uri("rdp://127.0.0.1:1")]);
        await using var client = RunningClient.Start("xfreerdp", display, Home(), system.Port, "relay-nodesk", true, XrdpDesktop.User, XrdpDesktop.Password);
        Assert.True(await client.WaitForExitAsync(TimeSpan.FromSeconds(30)), client.ToString());
        Assert.Contains("ERRINFO_CB_DESTINATION_NOT_FOUND", client.Output);
        Assert.Empty(system.Results); // no licensing, no CAL spent
        // A session host event (5036) and the diagnoser's check of that desktop both say so.
        var events = await system.HostServices.GetRequiredService<SessionHostStore>().EventsAsync(new SessionHostEventQuery(SessionHostEventId.DesktopUnreachable));
        Assert.Contains(events, e => e.Message.StartsWith("The desktop rdp://127.0.0.1:1 could not be reached: connection refused", StringComparison.Ordinal));
        var diagnosis = await system.HostServices.GetRequiredService<LicensingDiagnoser>().DiagnoseAsync(CancellationToken.None);
        Assert.Contains("could not reach it 1 time in the last 24 hours (event 5036)", Assert.Single(diagnosis.Desktops!).Message);
    }

    private Task<RdpTestSystem> StartAsync(string client, bool tls, int perDeviceCals) =>
        RdpTestSystem.StartAsync(tls || client == "xfreerdp" ? RdpSecurityLayer.Negotiate : RdpSecurityLayer.Rdp, perDeviceCals,
            rdp: o => o.Desktops = [xrdp.Address]);

    private async Task<RunningClient> ConnectAsync(RdpTestSystem system, string client, string home, string device, bool tls, string password, string? screenshot = null)
    {
        var running = RunningClient.Start(client, display, home, system.Port, device, tls, XrdpDesktop.User, password);
        var pixel = await running.WaitForDesktopAsync(DesktopWithin);
        if (screenshot is not null) await running.ScreenshotAsync(screenshot);
        Assert.True(pixel == RunningClient.DesktopColour, $"the client's screen shows {pixel} at (900,600), not the desktop's #3060a0. {running}\nsesman:\n{Tail(xrdp.SesmanLog)}");
        return running;
    }

    private static async Task<LiveConnection> OpenAsync(RdpTestSystem system)
    {
        var live = system.HostServices.GetRequiredService<LiveConnections>();
        await WaitUntilAsync(() => live.List().Count == 1, "the relayed connection is registered");
        return live.List()[0];
    }

    /// <summary>The relayed connection once the desktop reported the logon; <paramref name="count"/> connections in all so far.</summary>
    private static async Task<LiveConnection> SignedInAsync(RdpTestSystem system, int count = 1)
    {
        var connection = await OpenAsync(system);
        await WaitUntilAsync(() => connection.AuthenticatedUser is not null, $"connection {count} signed in");
        return connection;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"not within 30 s: {what}");
            await Task.Delay(50);
        }
    }

    private string Home() => Directory.CreateDirectory(Path.Combine(display.HomesRoot, Guid.NewGuid().ToString("N")[..8])).FullName;

    private byte[]? Stored(string client, string home, string device)
    {
        RealClient reader = client == "xfreerdp" ? new Xfreerdp(display) : new Rdesktop(display);
        var path = reader.LicensePath(device).Replace(reader.Home, home);
        return File.Exists(path) ? File.ReadAllBytes(path) : null;
    }

    private static int Count(string text, string what) => (text.Length - text.Replace(what, "").Length) / what.Length;

    private static string Tail(string log) => string.Join('\n', log.Split('\n').TakeLast(15));
}
