using RdLicensing.Core.Cals;
using RdLicensing.Core.Versions;
using RdLicensing.SessionHost.Tests.Support;

namespace RdLicensing.SessionHost.Tests;

/// <summary>120 days from the first client connection, then CALs are needed. Never extended or reset.</summary>
public sealed class GracePeriodTests
{
    [Fact]
    public async Task Without_a_license_server_day_119_is_allowed_and_days_120_and_121_are_refused_with_0x101()
    {
        await using var s = await Scenario.StartAsync(licenseServers: 0);
        await s.Host.ConfigureAsync(mode: "per-device");
        Assert.Equal("not-started", (await s.Host.StatusAsync()).Grace.State);

        var first = await s.Host.ConnectAsync("pc-20");
        Assert.Equal("grace", first.Outcome);
        Assert.Equal(120, first.Grace.DaysLeft);
        Assert.Single(await s.Host.EventsAsync(5010));
        Assert.NotEmpty(await s.Host.EventsAsync(1130));

        await s.AdvanceAsync("119d");
        var day119 = await s.Host.ConnectAsync("pc-21");
        Assert.Equal("grace", day119.Outcome);
        Assert.Equal(1, day119.Grace.DaysLeft);
        Assert.Contains("1 day left", day119.Message);
        Assert.Equal(1, (await s.Host.StatusAsync()).Grace.DaysLeft);

        await s.AdvanceAsync("1d");
        var day120 = await s.Host.ConnectAsync("pc-20");
        Assert.Equal("refused", day120.Outcome);
        Assert.Equal("0x101", day120.Refusal!.Code);
        Assert.Equal("NO_LICENSE_SERVER", day120.Refusal.Reason);
        Assert.StartsWith("No Remote Desktop license servers available to provide a license", day120.Refusal.Message);
        Assert.Equal(0, day120.Grace.DaysLeft);
        Assert.Equal("expired", day120.Grace.State);

        await s.AdvanceAsync("1d");
        Assert.Equal("0x101", (await s.Host.ConnectAsync("pc-22")).Refusal!.Code);
        Assert.Equal("expired", (await s.Host.StatusAsync()).Grace.State);
    }

    [Fact]
    public async Task With_an_unreachable_license_server_day_119_is_allowed_and_day_120_refused()
    {
        await using var s = await Scenario.StartAsync();
        await s.Host.UseAsync("per-device", s.Server);
        // The first connection, while the license server answers, starts the grace period (and the server anchors it); a new
        // store whose servers are all unreachable could not know its start (GraceAnchorTests).
        Assert.Equal(120, (await s.Host.ConnectAsync("pc-22")).Grace.DaysLeft);
        await s.StopAsync(s.Server);

        var first = await s.Host.ConnectAsync("pc-23");
        Assert.Equal("grace", first.Outcome);
        Assert.Contains(first.Notes, n => n.Contains("is not available"));
        await s.AdvanceAsync("119d");
        Assert.Equal("grace", (await s.Host.ConnectAsync("pc-23")).Outcome);
        await s.AdvanceAsync("1d");
        var refused = await s.Host.ConnectAsync("pc-23");
        Assert.Equal("0x101", refused.Refusal!.Code);
        Assert.Contains("is not available", refused.Message);
        await s.AdvanceAsync("1d");
        Assert.Equal("refused", (await s.Host.ConnectAsync("pc-23")).Outcome);
    }

    [Fact]
    public async Task With_a_license_server_CALs_are_requested_during_the_grace_period_and_clients_keep_connecting_after_it()
    {
        await using var s = await Scenario.StartAsync();
        await s.WithCalsAsync(CalType.PerDevice, ProductVersion.WindowsServer2022, 5);
        await s.Host.UseAsync("per-device", s.Server);
        var device = new Device("pc-24");

        var first = await device.ConnectAsync(s.Host);
        Assert.Equal("licensed", first.Outcome); // not "grace": a license server was there
        Assert.Equal(120, first.Grace.DaysLeft);
        await s.AdvanceAsync("119d");
        Assert.Equal(1, (await device.ConnectAsync(s.Host)).Grace.DaysLeft);
        await s.AdvanceAsync("2d");
        var after = await device.ConnectAsync(s.Host);
        Assert.Equal("licensed", after.Outcome);
        Assert.Equal("expired", after.Grace.State);
        Assert.Equal("licensed", (await new Device("pc-25").ConnectAsync(s.Host)).Outcome);
    }

    [Fact]
    public async Task Mode_not_configured_is_event_1068_during_the_grace_period_and_refused_with_event_1069_after()
    {
        await using var s = await Scenario.StartAsync();
        await s.WithCalsAsync(CalType.PerDevice, ProductVersion.WindowsServer2022, 5);
        await s.Host.EnrollAsync(s.Server);
        await s.Host.ConfigureAsync(servers: [TestSessionHost.Url(s.Server)]);

        await s.Host.ConnectAsync("pc-26");
        await s.AdvanceAsync("119d");
        var day119 = await s.Host.ConnectAsync("pc-26");
        Assert.Equal("grace", day119.Outcome);
        Assert.Contains("licensing mode of session host rdsh-01 is not configured", day119.Message);
        Assert.Equal(2, (await s.Host.EventsAsync(1068)).Count);

        await s.AdvanceAsync("2d");
        var day121 = await s.Host.ConnectAsync("pc-26");
        Assert.Equal("refused", day121.Outcome);
        Assert.Equal("LICENSING_MODE_NOT_CONFIGURED", day121.Refusal!.Reason);
        Assert.Single(await s.Host.EventsAsync(1069));
    }

    [Fact]
    public async Task The_grace_period_survives_a_restart_and_configuration_changes()
    {
        var clock = new Core.Time.SimulatedTimeProvider(TimeProvider.System);
        var host = await TestSessionHost.StartAsync(clock);
        host.KeepDataDirectory = true;
        await host.ConfigureAsync(mode: "per-device");
        var first = await host.ConnectAsync("pc-27");
        var created = (await host.StatusAsync()).StoreCreatedAt;
        await host.DisposeAsync();

        clock.Advance(TimeSpan.FromDays(30));
        await using var again = await TestSessionHost.StartAsync(clock, dataDirectory: host.Options.DataDirectory);
        await again.ConfigureAsync(mode: "per-user", servers: []);
        await again.ConfigureAsync(mode: "per-device");
        var status = await again.StatusAsync();
        Assert.Equal(first.Grace.StartedAt, status.Grace.StartedAt);
        Assert.Equal(90, status.Grace.DaysLeft);
        Assert.Equal(created, status.StoreCreatedAt);
        Assert.Single(await again.EventsAsync(5010));
    }
}
