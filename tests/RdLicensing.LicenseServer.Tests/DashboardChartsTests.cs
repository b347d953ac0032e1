using RdLicensing.Core.Protocol;
using RdLicensing.LicenseServer.Console.Charts;

namespace RdLicensing.LicenseServer.Tests;

/// <summary>The dashboard's chart data (issue 15): each pool with OverUsed, devices and users licensed against installed, refusals by reason.</summary>
public sealed class DashboardChartsTests
{
    private static readonly DateOnly D1 = new(2026, 6, 1);
    private static readonly DateOnly D2 = D1.AddDays(1);
    private static readonly DateOnly D3 = D1.AddDays(2);

    private static DashboardView View(IReadOnlyList<PoolSeriesView> pools, IReadOnlyList<DailyDenialsView> denials, IReadOnlyList<DailyIssuedView>? issued = null) =>
        new(D1, D3, issued ?? [new(D1, 0, 0, 0), new(D2, 0, 0, 0), new(D3, 0, 0, 0)], pools, 0, [], 14, [], denials);

    private static readonly IReadOnlyList<PoolSeriesView> Pools =
    [
        new("per-user", "2022", [new(D1, 0, 0, 2), new(D2, 10, 2, 0), new(D3, 10, 10, 1)]),
        new("per-device", "2019", [new(D2, 4, 4), new(D3, 4, 4)]),
        new("per-device", "2022", [new(D1, 8, 5), new(D2, 8, 7), new(D3, 8, 8)]),
    ];

    [Fact]
    public void Each_pool_gets_its_own_panel_per_device_first_newest_first_with_installed_issued_and_overused_per_day()
    {
        var panels = DashboardCharts.Pools(View(Pools, []));

        Assert.Equal(["2022 Per Device", "2019 Per Device", "2022 Per User"], panels.Select(p => p.Name));
        var perUser = panels[2];
        Assert.Equal([0, 10, 10], perUser.Installed);
        Assert.Equal([0, 2, 10], perUser.Issued);
        Assert.Equal([2, 0, 1], perUser.OverUsed);
        Assert.Equal((10, 10, 1, 2), (perUser.InstalledNow, perUser.IssuedNow, perUser.OverUsedNow, perUser.MostOverUsed));
        // A day before the pool's first level counts 0.
        Assert.Equal([0, 4, 4], panels[1].Installed);
    }

    [Fact]
    public void Devices_are_counted_once_by_their_permanent_cal_and_users_with_their_overused_cals()
    {
        // On the first day three new devices got temporary CALs and one came back for its permanent one: the issued-per-day
        // figures count 4 CALs; one device is licensed by a permanent CAL.
        var issued = new List<DailyIssuedView> { new(D1, 3, 1, 0), new(D2, 0, 0, 0), new(D3, 0, 0, 0) };
        var pools = new List<PoolSeriesView> { new("per-device", "2022", [new(D1, 8, 1), new(D2, 8, 3), new(D3, 8, 3)]), Pools[0] };

        var licensed = DashboardCharts.Licensed(View(pools, [], issued));

        var devices = Assert.Single(licensed, p => p.Name == "Devices");
        Assert.Equal([1, 3, 3], devices.Licensed);
        Assert.Equal([8, 8, 8], devices.Installed);
        Assert.Equal(0, devices.BeyondNow);
        var users = Assert.Single(licensed, p => p.Name == "Users");
        Assert.Equal([2, 2, 11], users.Licensed);
        Assert.Equal([0, 10, 10], users.Installed);
        Assert.Equal((11, 10, 1), (users.LicensedNow, users.InstalledNow, users.BeyondNow));
    }

    [Fact]
    public void Versions_of_a_type_add_up_in_licensed_against_installed()
    {
        var devices = DashboardCharts.Licensed(View(Pools, []))[0];
        Assert.Equal([5, 11, 12], devices.Licensed);
        Assert.Equal([8, 12, 12], devices.Installed);
    }

    [Fact]
    public void Refusals_leave_out_the_connections_a_host_let_in_under_its_grace_period_and_count_them_apart()
    {
        var chart = DashboardCharts.Refusals(View([],
        [
            new(D1, "no-license", 5, 3),
            new(D2, "host-not-in-security-group", 2, 0),
            new(D2, "no-license", 1, 1),
            new(D3, "other", 2, 2),
        ]));

        Assert.Equal(["host-not-in-security-group", "no-license"], chart.Reasons.Select(r => r.Reason)); // "other" was all let in
        Assert.Equal([0, 2, 0], chart.Reasons[0].PerDay);
        Assert.Equal([2, 0, 0], chart.Reasons[1].PerDay);
        Assert.Equal("No license available (0x102)", chart.Reasons[1].Name);
        Assert.Equal((4, 6), (chart.Total, chart.LetInUnderGrace));
    }

    [Fact]
    public void The_range_has_every_day_from_first_to_last() =>
        Assert.Equal([D1, D2, D3], DashboardCharts.Days(View([], [])));

    [Fact]
    public void A_legend_is_an_html_list_that_names_every_series() =>
        Assert.Matches("^<ul class=\"legend\"[^>]*>(<li>.*</li>){3}</ul>$",
            SvgChart.Legend([new("Installed", "#59636e", [1], Dashed: true), new("Issued", "#0b5cad", [1]), new("OverUsed", "#cf222e", [0])]).Value);
}
