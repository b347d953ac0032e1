using System.Net.Http.Json;
using RdLicensing.Core.Protocol;
using RdLicensing.SessionHost.Tests.Support;

namespace RdLicensing.SessionHost.Tests;

/// <summary>
/// Issue 11 item 10: the grace period is anchored at the license server. Deleting a host's data folder does not give it a new
/// 120 days; a host that cannot learn its start fails closed; a host reporting a later start gets the recorded one back, loudly.
/// </summary>
public sealed class GraceAnchorTests
{
    private static async Task<List<EventView>> ServerEventsAsync(TestLicenseServer server, int id) =>
        (await server.Admin.GetFromJsonAsync<List<EventView>>($"/api/admin/events?eventId={id}"))!;

    [Fact]
    public async Task A_host_whose_data_folder_was_deleted_gets_its_recorded_grace_start_back_not_a_new_period()
    {
        await using var s = await Scenario.StartAsync();
        await s.Host.UseAsync("per-device", s.Server);
        var first = await s.Host.ConnectAsync("pc-a1");
        Assert.Equal(120, first.Grace.DaysLeft);
        await s.AdvanceAsync("100d");

        // The data folder is deleted: a new store under the same name, enrolled again by the administrator.
        await using var reset = await TestSessionHost.StartAsync(s.Clock, "rdsh-01");
        await reset.UseAsync("per-device", s.Server);
        Assert.Equal("not-started", (await reset.StatusAsync()).Grace.State);
        var again = await reset.ConnectAsync("pc-a2");

        Assert.Equal(20, again.Grace.DaysLeft);
        Assert.Equal(first.Grace.StartedAt, again.Grace.StartedAt);
        Assert.Contains("deleting the host's data does not reset it", Assert.Single(await reset.EventsAsync(5075)).Message);
        Assert.Single(await ServerEventsAsync(s.Server, 5082));
        Assert.Equal(20, (await reset.StatusAsync()).Grace.DaysLeft);
    }

    [Fact]
    public async Task Without_local_state_and_no_license_server_answering_the_grace_period_counts_as_ended_until_one_answers()
    {
        await using var s = await Scenario.StartAsync();
        await s.Host.EnrollAsync(s.Server);
        // Its only license server is unreachable (a port nothing listens on), though the host holds a token for it.
        const string dead = "http://127.0.0.1:9";
        await s.Host.Store.WriteAsync(w => w.SetTokenAsync(dead, "rdlh_dead", s.Clock.GetUtcNow()));
        await s.Host.ConfigureAsync(mode: "per-device", servers: [dead]);

        var refused = await s.Host.ConnectAsync("pc-a3");
        Assert.Equal("refused", refused.Outcome);
        Assert.Equal("0x101", refused.Refusal!.Code);
        Assert.Contains("counts as ended until one does", refused.Message);
        Assert.Single(await s.Host.EventsAsync(5076));
        Assert.Equal("not-started", (await s.Host.StatusAsync()).Grace.State); // nothing started by the refused connection

        // Positive control: once a license server answers (none recorded: the host is new), the grace period starts as usual.
        await s.Host.ConfigureAsync(servers: [TestSessionHost.Url(s.Server)]);
        var allowed = await s.Host.ConnectAsync("pc-a3");
        Assert.Equal("licensed", allowed.Outcome);
        Assert.Equal(120, allowed.Grace.DaysLeft);
    }

    [Fact]
    public async Task A_host_reporting_a_later_grace_start_gets_the_recorded_one_back_with_an_event_and_a_warning()
    {
        await using var s = await Scenario.StartAsync();
        await s.Host.UseAsync("per-device", s.Server);
        var first = await s.Host.ConnectAsync("pc-a4");
        await s.AdvanceAsync("100d");

        // Reset with no license server configured: nobody to ask, so its first connection starts a new period locally…
        await using var reset = await TestSessionHost.StartAsync(s.Clock, "rdsh-01");
        await reset.ConfigureAsync(mode: "per-device");
        Assert.Equal(120, (await reset.ConnectAsync("pc-a5")).Grace.DaysLeft);
        // …until it reports it to the license server, which keeps the recorded start and tells it so.
        await reset.UseAsync("per-device", s.Server);
        var reported = await reset.ConnectAsync("pc-a5");

        Assert.Equal(20, reported.Grace.DaysLeft);
        Assert.Equal(first.Grace.StartedAt, reported.Grace.StartedAt);
        Assert.Contains(reported.Notes, n => n.Contains("that start holds"));
        Assert.Single(await reset.EventsAsync(5077));
        Assert.Contains("reported a moved grace period", Assert.Single(await ServerEventsAsync(s.Server, 5081)).Message);
        var status = (await s.Server.Admin.GetFromJsonAsync<StatusView>("/api/admin/status"))!;
        Assert.Contains(status.Warnings, w => w.Contains("Session host rdsh-01 reported a moved grace period"));
        Assert.Equal(first.Grace.StartedAt, Assert.Single(status.Hosts!).GraceStartedAt);
        Assert.Equal(20, (await reset.ConnectAsync("pc-a6")).Grace.DaysLeft);
    }
}
