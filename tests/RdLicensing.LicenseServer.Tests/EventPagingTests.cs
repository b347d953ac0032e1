using System.Net.Http.Json;
using RdLicensing.Core.Protocol;
using RdLicensing.Testing;

namespace RdLicensing.LicenseServer.Tests;

public sealed class EventPagingTests
{
    [Fact]
    public async Task Before_pages_back_through_the_event_log_newest_first_with_the_filters_kept()
    {
        await using var server = await TestLicenseServer.StartAsync();
        var host = new HostClient(await server.EnrollHostAsync());
        for (var i = 0; i < 7; i++) await host.ConnectDeviceAsync($"hw-{i}");
        var all = (await server.Admin.GetFromJsonAsync<EventView[]>("/api/admin/events?eventId=5001"))!;
        Assert.Equal(7, all.Length);

        var first = (await server.Admin.GetFromJsonAsync<EventView[]>("/api/admin/events?eventId=5001&limit=3"))!;
        var second = (await server.Admin.GetFromJsonAsync<EventView[]>($"/api/admin/events?eventId=5001&limit=3&before={first[^1].Sequence}"))!;
        var third = (await server.Admin.GetFromJsonAsync<EventView[]>($"/api/admin/events?eventId=5001&limit=3&before={second[^1].Sequence}"))!;

        Assert.Equal(all.Select(e => e.Sequence), first.Concat(second).Concat(third).Select(e => e.Sequence));
        Assert.Single(third);
        Assert.Empty((await server.Admin.GetFromJsonAsync<EventView[]>($"/api/admin/events?eventId=5001&before={third[0].Sequence}"))!);
        var between = (await server.Admin.GetFromJsonAsync<EventView[]>($"/api/admin/events?eventId=5001&after={all[3].Sequence}&before={all[0].Sequence}"))!;
        Assert.Equal(new[] { all[1].Sequence, all[2].Sequence }, between.Select(e => e.Sequence));
    }
}
