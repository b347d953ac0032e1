using System.Net.Http.Json;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using RdLicensing.SessionHost.Tests.Support;

namespace RdLicensing.SessionHost.Tests;

/// <summary>The Per Device story, through a real session host and a real license server on one simulated clock.</summary>
public sealed class PerDeviceTests
{
    [Fact]
    public async Task First_connection_temporary_validated_by_sign_in_upgraded_renewed_and_valid_while_the_license_server_is_down()
    {
        await using var s = await Scenario.StartAsync(permanentDays: 60);
        await s.WithCalsAsync(CalType.PerDevice, ProductVersion.WindowsServer2022, 5);
        await s.Host.UseAsync("per-device", s.Server);

        var first = await s.Host.ConnectAsync("pc-01");
        Assert.Equal("licensed", first.Outcome);
        Assert.True(first.Cal!.Temporary);
        Assert.False(first.Cal.Validated);
        Assert.Equal("license-server", first.Cal.Source);
        Assert.NotNull(first.License);
        Assert.Equal(120, first.Grace.DaysLeft);
        var signIn = await s.Host.SignInAsync(first.SessionId!);
        Assert.True(signIn.Reported, signIn.Message);
        Assert.True(signIn.Validated);
        await s.Host.EndAsync(first.SessionId!);

        var second = await s.Host.ConnectAsync("pc-01", presented: first.License);
        Assert.Equal("licensed", second.Outcome);
        Assert.False(second.Cal!.Temporary);
        Assert.Equal("active", second.Cal.Status);
        Assert.Equal("2022", second.Cal.Version);
        Assert.NotNull(second.License);
        Assert.InRange(second.Cal.ExpiresAt - s.Clock.GetUtcNow(), TimeSpan.FromDays(59), TimeSpan.FromDays(60));

        // A day later the permanent CAL is more than 7 days from expiry: the host accepts it alone.
        await s.AdvanceAsync("1d");
        var checkedByHost = await s.Host.ConnectAsync("pc-01", presented: second.License);
        Assert.Equal("presented", checkedByHost.Cal!.Source);
        Assert.Null(checkedByHost.License);

        // 54 days after issue, 6 days are left: the CAL is renewed for another validity.
        await s.AdvanceAsync("53d");
        var renewed = await s.Host.ConnectAsync("pc-01", presented: second.License);
        Assert.Equal("licensed", renewed.Outcome);
        Assert.Equal("license-server", renewed.Cal!.Source);
        Assert.NotNull(renewed.License);
        Assert.True(renewed.Cal.ExpiresAt > second.Cal.ExpiresAt.AddDays(50), $"renewed until {renewed.Cal.ExpiresAt}, was {second.Cal.ExpiresAt}");

        // With the license server stopped the valid CAL still gets the device in, without any license server.
        await s.StopAsync(s.Server);
        await s.AdvanceAsync("10d");
        var offline = await s.Host.ConnectAsync("pc-01", presented: renewed.License);
        Assert.Equal("licensed", offline.Outcome);
        Assert.Equal("presented", offline.Cal!.Source);
        Assert.Contains("without contacting a license server", offline.Message);
        Assert.Empty(offline.Notes);
    }

    [Fact]
    public async Task A_temporary_CAL_whose_sign_in_never_completed_is_not_upgraded()
    {
        await using var s = await Scenario.StartAsync();
        await s.WithCalsAsync(CalType.PerDevice, ProductVersion.WindowsServer2022, 5);
        await s.Host.UseAsync("per-device", s.Server);
        var device = new Device("pc-02");

        await device.ConnectAsync(s.Host, signIn: false);
        var again = await device.ConnectAsync(s.Host, signIn: false);

        Assert.Equal("licensed", again.Outcome);
        Assert.True(again.Cal!.Temporary);
        Assert.False(again.Cal.Validated);
        Assert.Contains("not been validated", again.Message);

        // Once a sign-in completes, the next connection upgrades it.
        await device.ConnectAsync(s.Host);
        var upgraded = await device.ConnectAsync(s.Host);
        Assert.False(upgraded.Cal!.Temporary);
    }

    [Fact]
    public async Task After_90_days_a_device_whose_temporary_CAL_cannot_be_upgraded_is_refused_with_0x102()
    {
        await using var s = await Scenario.StartAsync(permanentDays: 89);
        await s.WithCalsAsync(CalType.PerDevice, ProductVersion.WindowsServer2022, 1);
        await s.Host.UseAsync("per-device", s.Server);
        var holder = new Device("pc-holder");
        var late = new Device("pc-late");

        await holder.ConnectAsync(s.Host);
        Assert.False((await holder.ConnectAsync(s.Host)).Cal!.Temporary); // takes the only CAL
        await late.ConnectAsync(s.Host);
        var kept = await late.ConnectAsync(s.Host);
        Assert.True(kept.Cal!.Temporary);
        Assert.Contains("no Per Device CALs of a compatible version are left", kept.Message);

        await s.AdvanceAsync("85d");
        Assert.Equal("license-server", (await holder.ConnectAsync(s.Host)).Cal!.Source); // renewed: it keeps holding the CAL

        await s.AdvanceAsync("6d"); // day 91: the temporary CAL has expired, but the host's grace period still runs
        var inGrace = await late.ConnectAsync(s.Host);
        Assert.Equal("grace", inGrace.Outcome);
        Assert.Equal(29, inGrace.Grace.DaysLeft);

        await s.AdvanceAsync("30d"); // day 121
        var refused = await late.ConnectAsync(s.Host);
        Assert.Equal("refused", refused.Outcome);
        Assert.False(refused.Allowed);
        Assert.Null(refused.SessionId);
        Assert.Equal("0x102", refused.Refusal!.Code);
        Assert.Equal("NO_LICENSE", refused.Refusal.Reason);
        Assert.Contains("there are no Remote Desktop client access licenses available for this computer", refused.Refusal.Message);
        Assert.Equal(0, refused.Grace.DaysLeft);
        Assert.NotEmpty(await s.Host.EventsAsync(1004));

        late.Tamper();
        var tampered = await late.ConnectAsync(s.Host);
        Assert.Equal("0x105", tampered.Refusal!.Code);
        Assert.Equal("BAD_CLIENT_LICENSE", tampered.Refusal.Reason);
    }

    [Fact]
    public async Task An_expired_permanent_CAL_that_no_license_server_can_renew_is_refused_with_0x109_after_the_grace_period()
    {
        await using var s = await Scenario.StartAsync(licenseServers: 2, permanentDays: 60);
        var (issuer, other) = (s.Servers[0], s.Servers[1]);
        await s.WithCalsAsync(CalType.PerDevice, ProductVersion.WindowsServer2022, 5, server: 0);
        await other.ActivateAsync(); // activated, but without CALs
        await s.Host.EnrollAsync(issuer);
        await s.Host.EnrollAsync(other);
        var device = new Device("pc-07");

        await s.Host.ConfigureAsync("per-device", [TestSessionHost.Url(other)]);
        Assert.True((await device.ConnectAsync(s.Host)).Cal!.Temporary); // a temporary CAL from the server without CALs
        await s.Host.ConfigureAsync(servers: [TestSessionHost.Url(issuer)]);
        await device.ConnectAsync(s.Host);
        Assert.False((await device.ConnectAsync(s.Host)).Cal!.Temporary); // a permanent CAL from the other one

        await s.Host.ConfigureAsync(servers: [TestSessionHost.Url(other)]);
        await s.AdvanceAsync("121d"); // the permanent CAL and the temporary one have both ended, and so has the grace period
        var refused = await device.ConnectAsync(s.Host);

        Assert.Equal("0x109", refused.Refusal!.Code);
        Assert.Equal("CANT_UPGRADE_LICENSE", refused.Refusal.Reason);
        Assert.Contains("could not be upgraded or renewed", refused.Message);
        Assert.NotEmpty(await s.Host.EventsAsync(1028));
    }

    [Fact]
    public async Task An_altered_CAL_is_logged_as_invalid_and_replaced_by_the_license_server()
    {
        await using var s = await Scenario.StartAsync();
        await s.WithCalsAsync(CalType.PerDevice, ProductVersion.WindowsServer2022, 5);
        await s.Host.UseAsync("per-device", s.Server);
        var device = new Device("pc-03");
        await device.ConnectAsync(s.Host);
        await device.ConnectAsync(s.Host);

        device.Tamper();
        var healed = await device.ConnectAsync(s.Host);

        Assert.Equal("licensed", healed.Outcome);
        Assert.Equal("license-server", healed.Cal!.Source);
        Assert.NotNull(healed.License);
        var invalid = Assert.Single(await s.Host.EventsAsync(1003));
        Assert.Equal("pc-03", invalid.Device);
        Assert.Equal("presented", (await device.ConnectAsync(s.Host)).Cal!.Source);
    }

    [Fact]
    public async Task Another_device_s_CAL_is_not_accepted()
    {
        await using var s = await Scenario.StartAsync();
        await s.WithCalsAsync(CalType.PerDevice, ProductVersion.WindowsServer2022, 5);
        await s.Host.UseAsync("per-device", s.Server);
        var owner = new Device("pc-owner");
        await owner.ConnectAsync(s.Host);
        await owner.ConnectAsync(s.Host);

        var borrowed = await s.Host.ConnectAsync("pc-thief", presented: owner.License);

        Assert.Equal("license-server", borrowed.Cal!.Source);
        Assert.True(borrowed.Cal.Temporary);
        Assert.Contains("another device", Assert.Single(await s.Host.EventsAsync(1003)).Message);
    }

    [Fact]
    public async Task An_expired_CAL_after_the_grace_period_with_no_license_server_answering_is_refused_with_0x101()
    {
        await using var s = await Scenario.StartAsync(permanentDays: 60);
        await s.WithCalsAsync(CalType.PerDevice, ProductVersion.WindowsServer2022, 5);
        await s.Host.UseAsync("per-device", s.Server);
        var device = new Device("pc-04");
        await device.ConnectAsync(s.Host);
        await device.ConnectAsync(s.Host);

        await s.StopAsync(s.Server);
        await s.AdvanceAsync("125d");
        // 125 days on, the permanent CAL has long expired, the grace period is over and no server answers.
        var refused = await s.Host.ConnectAsync("pc-04", presented: device.License);
        Assert.Equal("0x101", refused.Refusal!.Code);
        Assert.Contains("No Remote Desktop license servers available to provide a license", refused.Message);
    }

    [Fact]
    public async Task Within_7_days_of_expiry_an_unrenewable_CAL_is_accepted_and_event_1028_logged()
    {
        await using var s = await Scenario.StartAsync(permanentDays: 60);
        await s.WithCalsAsync(CalType.PerDevice, ProductVersion.WindowsServer2022, 5);
        await s.Host.UseAsync("per-device", s.Server);
        var device = new Device("pc-05");
        await device.ConnectAsync(s.Host);
        await device.ConnectAsync(s.Host);

        await s.StopAsync(s.Server);
        await s.AdvanceAsync("55d");
        var connection = await device.ConnectAsync(s.Host);

        Assert.Equal("licensed", connection.Outcome);
        Assert.Equal("presented", connection.Cal!.Source);
        Assert.NotEmpty(await s.Host.EventsAsync(1028));
        Assert.Contains(connection.Notes, n => n.Contains("is not available"));
    }

    [Fact]
    public async Task The_sign_in_is_reported_only_once_and_not_for_an_ended_session()
    {
        await using var s = await Scenario.StartAsync();
        await s.WithCalsAsync(CalType.PerDevice, ProductVersion.WindowsServer2022, 5);
        await s.Host.UseAsync("per-device", s.Server);
        var connection = await s.Host.ConnectAsync("pc-06");

        Assert.True((await s.Host.SignInAsync(connection.SessionId!)).Reported);
        Assert.False((await s.Host.SignInAsync(connection.SessionId!)).Reported);
        await s.Host.EndAsync(connection.SessionId!);
        var late = await s.Host.Http.PostAsync($"/api/sessions/{connection.SessionId}/sign-in", null);
        Assert.Equal(System.Net.HttpStatusCode.Conflict, late.StatusCode);
        Assert.Contains("session-ended", await late.Content.ReadAsStringAsync());
        var unknown = await s.Host.Http.DeleteAsync("/api/sessions/s-00000000000000000000000000000000");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task A_client_connection_without_a_hardware_id_is_a_bad_request()
    {
        await using var s = await Scenario.StartAsync(licenseServers: 0);
        var response = await s.Host.Http.PostAsJsonAsync("/api/connections", new ConnectBody(null, "pc", "alice", null, false));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("hardwareId", await response.Content.ReadAsStringAsync());
        var garbage = await s.Host.Http.PostAsJsonAsync("/api/connections", new ConnectBody("ab", "pc", "alice", "not base64!", false));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, garbage.StatusCode);
    }
}
