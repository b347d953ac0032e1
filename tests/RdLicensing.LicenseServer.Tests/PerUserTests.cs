using System.Net.Http.Json;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using RdLicensing.Testing;

namespace RdLicensing.LicenseServer.Tests;

public sealed class PerUserTests
{
    [Fact]
    public async Task Users_beyond_the_pool_are_licensed_from_the_overused_pool_and_it_is_visible_everywhere()
    {
        await using var server = await TestLicenseServer.StartAsync();
        await server.InstallAsync(ProductVersion.WindowsServer2022, CalType.PerUser, 2);
        var host = new HostClient(await server.EnrollHostAsync());

        Assert.Equal("per-user-issued", (await host.ConnectUserAsync("CONTOSO\\ann")).Outcome);
        Assert.Equal("per-user-issued", (await host.ConnectUserAsync("CONTOSO\\ben")).Outcome);
        var third = await host.ConnectUserAsync("CONTOSO\\cat");

        Assert.True(third.Licensed);
        Assert.Equal("per-user-overused", third.Outcome);
        Assert.True(third.Cal!.OverUsed);
        Assert.Contains("breaches", third.Message);
        var status = await server.Admin.GetFromJsonAsync<StatusView>("/api/admin/status");
        Assert.Equal(1, status!.OverUsedPerUserCals);
        Assert.Contains(status.Warnings, w => w.Contains("OverUsed"));
        Assert.Equal(1, status.Pools.Single(p => p.Type == "per-user").OverUsed);
        var listed = await server.Admin.GetFromJsonAsync<CalPage>("/api/admin/cals?overUsed=true");
        Assert.Equal("CONTOSO\\cat", Assert.Single(listed!.Items).UserName);
        Assert.NotEmpty((await server.Admin.GetFromJsonAsync<EventView[]>("/api/admin/events?eventId=5011"))!);
    }

    [Fact]
    public async Task An_overused_user_moves_into_the_pool_at_the_next_sign_in_after_more_cals_are_installed()
    {
        await using var server = await TestLicenseServer.StartAsync();
        var host = new HostClient(await server.EnrollHostAsync());
        var overUsed = await host.ConnectUserAsync("dan");
        Assert.Equal("per-user-overused", overUsed.Outcome);

        await server.InstallAsync(ProductVersion.WindowsServer2022, CalType.PerUser, 1);
        var next = await host.ConnectUserAsync("dan");

        Assert.Equal("per-user-extended", next.Outcome);
        Assert.False(next.Cal!.OverUsed);
        Assert.Equal(overUsed.Cal!.Id, next.Cal.Id);
        var status = await server.Admin.GetFromJsonAsync<StatusView>("/api/admin/status");
        Assert.Equal(0, status!.OverUsedPerUserCals);
    }

    [Theory]
    [InlineData("45d", "valid")]
    [InlineData("46d", "per-user-extended")] // 14 days before the 60-day expiry
    public async Task A_per_user_cal_is_extended_by_60_days_at_a_sign_in_shortly_before_expiry(string age, string outcome)
    {
        await using var server = await TestLicenseServer.StartAsync();
        await server.InstallAsync(ProductVersion.WindowsServer2022, CalType.PerUser, 1);
        var host = new HostClient(await server.EnrollHostAsync());
        var first = await host.ConnectUserAsync("eve");
        Assert.Equal(60, Math.Round((first.Cal!.ExpiresAt - first.Cal.IssuedAt).TotalDays));

        await server.AdvanceAsync(age);
        var later = await host.ConnectUserAsync("eve");

        Assert.Equal(outcome, later.Outcome);
        if (outcome == "per-user-extended")
            Assert.Equal(106, Math.Round((later.Cal!.ExpiresAt - first.Cal.IssuedAt).TotalDays));
    }

    [Fact]
    public async Task A_user_who_does_not_sign_in_before_expiry_drops_off_the_list_and_reappears_at_the_next_sign_in()
    {
        await using var server = await TestLicenseServer.StartAsync();
        await server.InstallAsync(ProductVersion.WindowsServer2022, CalType.PerUser, 1);
        var host = new HostClient(await server.EnrollHostAsync());
        var first = await host.ConnectUserAsync("fay");

        await server.AdvanceAsync("61d");
        var active = await server.Admin.GetFromJsonAsync<CalPage>("/api/admin/cals?type=per-user&status=active");
        Assert.Equal(0, active!.Total);

        var back = await host.ConnectUserAsync("fay");
        Assert.Equal(first.Cal!.Id, back.Cal!.Id);
        Assert.Equal("active", back.Cal.Status);
        Assert.False(back.Cal.OverUsed);
    }

    [Theory]
    [InlineData("89d", true)]
    [InlineData("90d", false)]
    public async Task A_freed_per_user_cal_goes_to_another_user_only_90_days_after_it_was_assigned(string age, bool overUsed)
    {
        await using var server = await TestLicenseServer.StartAsync();
        await server.InstallAsync(ProductVersion.WindowsServer2022, CalType.PerUser, 1);
        var host = new HostClient(await server.EnrollHostAsync());
        await host.ConnectUserAsync("gus"); // gus never signs in again: his CAL expires on day 60

        await server.AdvanceAsync(age);
        var other = await host.ConnectUserAsync("hal");

        Assert.Equal(overUsed, other.Cal!.OverUsed);
        var packs = await server.Admin.GetFromJsonAsync<KeyPackView[]>("/api/admin/keypacks");
        Assert.Equal(1, packs![0].Issued);
    }

    [Fact]
    public async Task User_names_are_matched_without_regard_to_case()
    {
        await using var server = await TestLicenseServer.StartAsync();
        await server.InstallAsync(ProductVersion.WindowsServer2022, CalType.PerUser, 5);
        var host = new HostClient(await server.EnrollHostAsync());
        var a = await host.ConnectUserAsync("CONTOSO\\Ivy");
        var b = await host.ConnectUserAsync("contoso\\ivy");
        Assert.Equal(a.Cal!.Id, b.Cal!.Id);
    }
}
