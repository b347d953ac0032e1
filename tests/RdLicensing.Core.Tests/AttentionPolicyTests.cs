using RdLicensing.Core.Protocol;
using RdLicensing.Core.Review;

namespace RdLicensing.Core.Tests;

public sealed class AttentionPolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private static StatusView Status(Func<StatusView, StatusView>? change = null)
    {
        var status = new StatusView("00000-00000-00000-AAAAA", "2025",
            new ActivationView("activated", "LSID", Now.AddDays(-10), Now.AddDays(300)), "CN=Clearinghouse",
            new ClockView("system", Now, "0"), new PoliciesView(false, false),
            [new PoolView("per-device", "2022", 20, 5, 15, 0, 0, 0), new PoolView("per-user", "2022", 10, 3, 7, 0, 0, 0)],
            0, 2, 1, "sqlite", [], 1,
            [new HostSyncView("rdsh-01", Now.AddHours(-1), Now.AddHours(-1), 1, "synced", Now.AddDays(-10), Now.AddDays(110), null)]);
        return change is null ? status : change(status);
    }

    private static IReadOnlyList<AttentionItem> Evaluate(Func<StatusView, StatusView>? change = null) => AttentionPolicy.Evaluate(Status(change), Now);

    [Fact]
    public void A_healthy_server_needs_no_attention() => Assert.Empty(Evaluate());

    [Fact]
    public void An_exhausted_pool_is_an_error_naming_the_pool_and_a_low_one_a_warning()
    {
        var items = Evaluate(s => s with { Pools = [new PoolView("per-device", "2022", 20, 20, 0, 3, 0, 0), new PoolView("per-device", "2019", 20, 18, 2, 0, 0, 0), new PoolView("per-user", "2022", 20, 17, 3, 0, 0, 0)] });

        var exhausted = items[0];
        Assert.Equal((AttentionKind.PoolExhausted, AttentionSeverity.Error, "per-device", "2022"), (exhausted.Kind, exhausted.Severity, exhausted.Type, exhausted.Version));
        Assert.Equal("No Windows Server 2022 Per Device CALs are left: all 20 installed are issued.", exhausted.Message);
        var low = Assert.Single(items, i => i.Kind == AttentionKind.PoolLow); // 2 of 20 is 10%: low; 3 of 20 is not
        Assert.Equal(("2019", "Only 2 of 20 Windows Server 2019 Per Device CALs are left."), (low.Version, low.Message));
        Assert.Equal(2, items.Count);
    }

    [Theory]
    [InlineData(5, 1)]
    [InlineData(10, 1)]
    [InlineData(20, 2)]
    [InlineData(250, 25)]
    public void A_pool_is_low_at_ten_percent_of_its_licenses_and_at_least_one(int total, int threshold) =>
        Assert.Equal(threshold, AttentionPolicy.LowThreshold(total));

    [Fact]
    public void A_pool_without_licenses_installed_is_neither_low_nor_exhausted() =>
        Assert.Empty(Evaluate(s => s with { Pools = [new PoolView("per-device", "2022", 0, 0, 0, 4, 0, 0)] }));

    [Fact]
    public void OverUsed_per_user_cals_ask_for_more_licenses_only_while_none_are_available()
    {
        var none = Evaluate(s => s with { Pools = [new PoolView("per-user", "2022", 20, 20, 0, 0, 10, 0)] });
        var overUsed = Assert.Single(none, i => i.Kind == AttentionKind.OverUsed);
        Assert.Equal("10 Windows Server 2022 Per User CAL(s) come from the OverUsed pool: install more Windows Server 2022 Per User CALs to be compliant.", overUsed.Message);
        Assert.Equal(("per-user", "2022", AttentionSeverity.Error), (overUsed.Type, overUsed.Version, overUsed.Severity));

        var installed = Evaluate(s => s with { Pools = [new PoolView("per-user", "2022", 29, 20, 9, 0, 10, 0)] });
        var after = Assert.Single(installed, i => i.Kind == AttentionKind.OverUsed);
        Assert.Equal("10 Windows Server 2022 Per User CAL(s) come from the OverUsed pool; 9 installed are available for the next users.", after.Message);
        Assert.DoesNotContain("install more", after.Message);
    }

    [Theory]
    [InlineData(-1, AttentionKind.GraceEnded, AttentionSeverity.Error, "ended on 2026-05-31")]
    [InlineData(0, AttentionKind.GraceEnded, AttentionSeverity.Error, "ended on 2026-06-01")]
    [InlineData(14, AttentionKind.GraceEnding, AttentionSeverity.Warning, "ends on 2026-06-15 (in 14 days)")]
    [InlineData(1, AttentionKind.GraceEnding, AttentionSeverity.Warning, "(in 1 day)")]
    public void A_grace_period_ending_within_14_days_is_a_warning_and_an_ended_one_an_error(int daysLeft, AttentionKind kind, AttentionSeverity severity, string wording)
    {
        var item = Assert.Single(Evaluate(s => s with { Hosts = [Host("rdsh-01", Now.AddDays(daysLeft))] }));

        Assert.Equal((kind, severity, "rdsh-01"), (item.Kind, item.Severity, item.Host));
        Assert.Contains(wording, item.Message);
    }

    [Fact]
    public void A_grace_period_15_days_away_or_never_started_needs_nothing()
    {
        Assert.Empty(Evaluate(s => s with { Hosts = [Host("rdsh-01", Now.AddDays(15))] }));
        Assert.Empty(Evaluate(s => s with { Hosts = [Host("rdsh-01", Now.AddDays(-5)) with { GraceStartedAt = null }] }));
    }

    [Fact]
    public void A_host_that_stopped_syncing_or_never_synced_after_connecting_may_not_reach_the_server()
    {
        var items = Evaluate(s => s with
        {
            Hosts =
            [
                Host("rdsh-01", Now.AddDays(100)) with { RevocationState = "stale", RevocationsSyncedAt = new DateTimeOffset(2026, 5, 20, 8, 30, 0, TimeSpan.Zero) },
                Host("rdsh-02", Now.AddDays(100)) with { RevocationState = "never", RevocationsSyncedAt = null },
                Host("rdsh-03", Now.AddDays(100)) with { RevocationState = "never", RevocationsSyncedAt = null, LastSeenAt = null }, // enrolled, never connected
            ],
        });

        Assert.Equal(new[] { "rdsh-01", "rdsh-02" }, items.Select(i => i.Host));
        Assert.All(items, i => Assert.Equal(AttentionKind.HostNotSynced, i.Kind));
        Assert.Contains("last fetched the revocation list on 2026-05-20 08:30 UTC", items[0].Message);
    }

    [Theory]
    [InlineData("not-activated", AttentionKind.NotActivated, "is not activated")]
    [InlineData("deactivated", AttentionKind.ActivationEnded, "is deactivated")]
    [InlineData("expired", AttentionKind.ActivationEnded, "expired on 2027-03-28")]
    public void A_server_that_cannot_issue_permanent_cals_is_an_error(string activation, AttentionKind kind, string wording)
    {
        var item = Assert.Single(Evaluate(s => s with { Activation = s.Activation with { Status = activation } }));

        Assert.Equal((kind, AttentionSeverity.Error), (item.Kind, item.Severity));
        Assert.Contains(wording, item.Message);
    }

    [Fact]
    public void An_activation_ending_within_30_days_is_a_warning()
    {
        var item = Assert.Single(Evaluate(s => s with { Activation = s.Activation with { ExpiresAt = Now.AddDays(30) } }));
        Assert.Equal((AttentionKind.ActivationExpiring, AttentionSeverity.Warning), (item.Kind, item.Severity));
        Assert.Contains("expires on 2026-07-01 (in 30 days)", item.Message);
        Assert.Empty(Evaluate(s => s with { Activation = s.Activation with { ExpiresAt = Now.AddDays(31) } }));
    }

    [Fact]
    public void Errors_come_before_warnings_and_notices_are_kept()
    {
        var items = Evaluate(s => s with
        {
            Clearinghouse = null,
            Notices = ["Licenses were migrated away to another server."],
            Pools = [new PoolView("per-device", "2022", 20, 20, 0, 0, 0, 0)],
        });

        Assert.Equal(new[] { AttentionKind.PoolExhausted, AttentionKind.NoClearinghouse, AttentionKind.Notice }, items.Select(i => i.Kind));
    }

    private static HostSyncView Host(string name, DateTimeOffset graceEnds) =>
        new(name, Now.AddHours(-1), Now.AddHours(-1), 1, "synced", graceEnds.AddDays(-120), graceEnds, null);
}
