using RdLicensing.Core.SessionHost;
using RdLicensing.SessionHost.Tests.Support;

namespace RdLicensing.SessionHost.Tests;

/// <summary>Two administrative connections need no CAL; a third is refused; idle ones end after 10 minutes.</summary>
public sealed class AdministrativeTests
{
    [Fact]
    public async Task A_third_administrative_connection_is_refused_until_one_ends_or_goes_idle()
    {
        await using var s = await Scenario.StartAsync(licenseServers: 0);
        await s.Host.AdministratorsAsync("root");

        var first = await s.Host.ConnectAsync("admin-pc-1", "root", admin: true);
        var second = await s.Host.ConnectAsync("admin-pc-2", "root", admin: true);
        Assert.Equal("administrative", first.Outcome);
        Assert.Equal("administrative", second.Outcome);
        Assert.Null(first.Cal);
        Assert.Equal("not-started", (await s.Host.StatusAsync()).Grace.State); // administrative connections do not start the grace period

        var third = await s.Host.ConnectAsync("admin-pc-3", "root", admin: true);
        Assert.Equal("refused", third.Outcome);
        Assert.Equal("ADMIN_CONNECTIONS_IN_USE", third.Refusal!.Reason);
        Assert.Null(third.Refusal.Code);
        Assert.StartsWith(AdministrativeConnections.LimitReachedMessage, third.Message);
        Assert.Single(await s.Host.EventsAsync(5030));
        Assert.Equal(2, (await s.Host.StatusAsync()).AdministrativeSessionsOpen);

        await s.Host.EndAsync(first.SessionId!);
        var afterEnd = await s.Host.ConnectAsync("admin-pc-3", "root", admin: true);
        Assert.Equal("administrative", afterEnd.Outcome);

        await s.AdvanceAsync("9m");
        Assert.Equal(2, (await s.Host.StatusAsync()).AdministrativeSessionsOpen);
        await s.Host.Http.PostAsync($"/api/sessions/{afterEnd.SessionId}/activity", null);
        await s.AdvanceAsync("2m");
        Assert.Equal(1, (await s.Host.StatusAsync()).AdministrativeSessionsOpen); // the second went idle; the touched one stays
        Assert.Equal("administrative", (await s.Host.ConnectAsync("admin-pc-4", "root", admin: true)).Outcome);
        var ended = await s.Host.EndAsync(second.SessionId!);
        Assert.Equal("idle", ended.EndReason);
        Assert.NotEmpty(await s.Host.EventsAsync(5031));
    }

    [Fact]
    public async Task Racing_administrative_connections_get_exactly_two_sessions()
    {
        await using var s = await Scenario.StartAsync(licenseServers: 0);
        await s.Host.AdministratorsAsync("root");

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => s.Host.ConnectAsync($"admin-{i}", "root", admin: true)));

        Assert.Equal(2, results.Count(r => r.Allowed));
        Assert.Equal(6, results.Count(r => r.Outcome == "refused"));
    }

    [Fact]
    public async Task Administrative_connections_work_after_the_grace_period_without_any_licensing()
    {
        await using var s = await Scenario.StartAsync(licenseServers: 0);
        await s.Host.AdministratorsAsync("root");
        await s.Host.ConnectAsync("pc-30");
        await s.AdvanceAsync("200d");

        Assert.Equal("refused", (await s.Host.ConnectAsync("pc-30")).Outcome);
        Assert.Equal("administrative", (await s.Host.ConnectAsync("admin-pc", "root", admin: true)).Outcome);
    }
}
