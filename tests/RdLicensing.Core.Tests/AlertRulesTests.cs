using RdLicensing.Core.Alerts;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Review;

namespace RdLicensing.Core.Tests;

public sealed class AlertRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);

    private static StatusView Status(PoolView[]? pools = null, HostSyncView[]? hosts = null, DateTimeOffset? activationEnds = null) =>
        new("00000-00000-00000-AAAAA", "2025",
            new ActivationView("activated", "LSID", Now.AddDays(-10), activationEnds ?? Now.AddDays(300)), "CN=Clearinghouse",
            new ClockView("system", Now, "0"), new PoliciesView(false, false),
            pools ?? [new PoolView("per-device", "2022", 20, 5, 15, 0, 0, 0)], 0, 1, 1, "sqlite", [], 1,
            hosts ?? [new HostSyncView("rdsh-01", Now.AddHours(-1), Now.AddHours(-1), 1, "synced", Now.AddDays(-10), Now.AddDays(110), null)]);

    [Fact]
    public void An_item_is_raised_when_it_appears_kept_while_it_stays_and_cleared_when_it_goes()
    {
        var low = AttentionPolicy.Evaluate(Status([new PoolView("per-device", "2022", 20, 18, 2, 0, 0, 0)]), Now);

        var first = AlertRules.Diff([], low, Now);
        var raised = Assert.Single(first.Raised);
        Assert.Equal(("pool-low", "pool-low:per-device:2022:", Now), (AlertRules.KindName(raised.Kind), raised.Key, raised.RaisedAt));
        Assert.Empty(first.Cleared);

        // An hour later, one license fewer: the same alert (its message follows), nothing to notify.
        var lower = AttentionPolicy.Evaluate(Status([new PoolView("per-device", "2022", 20, 19, 1, 0, 0, 0)]), Now.AddHours(1));
        var second = AlertRules.Diff(first.Active, lower, Now.AddHours(1));
        Assert.False(second.Any);
        var kept = Assert.Single(second.Active);
        Assert.Equal((Now, "Only 1 of 20 Windows Server 2022 Per Device CALs are left."), (kept.RaisedAt, kept.Message));

        var third = AlertRules.Diff(second.Active, AttentionPolicy.Evaluate(Status(), Now.AddHours(2)), Now.AddHours(2));
        Assert.Equal(raised.Key, Assert.Single(third.Cleared).Key);
        Assert.Empty(third.Active);
    }

    [Fact]
    public void Thresholds_decide_when_a_pool_is_low_and_how_early_a_grace_period_and_an_activation_alert()
    {
        var status = Status([new PoolView("per-device", "2022", 100, 80, 20, 0, 0, 0)],
            [new HostSyncView("rdsh-01", Now.AddHours(-1), Now.AddHours(-1), 1, "synced", Now.AddDays(-100), Now.AddDays(20), null)], Now.AddDays(50));

        Assert.Empty(AlertRules.Diff([], AttentionPolicy.Evaluate(status, Now), Now).Raised); // defaults: 10%, 14 days, 30 days

        var raised = AlertRules.Diff([], AttentionPolicy.Evaluate(status, Now, new AttentionThresholds(LowAvailable: 20, GraceDays: 21, ActivationDays: 60)), Now).Raised;
        Assert.Equal(["activation-expiring", "pool-low", "grace-ending"], raised.Select(a => AlertRules.KindName(a.Kind)));
        Assert.Equal("rdsh-01", raised.Single(a => a.Kind == AttentionKind.GraceEnding).Host);
        Assert.Single(AlertRules.Diff([], AttentionPolicy.Evaluate(status, Now, new AttentionThresholds(LowPercent: 20)), Now).Raised);
    }

    [Fact]
    public void OverUsed_and_a_host_that_does_not_reach_the_server_alert_but_a_server_being_set_up_does_not()
    {
        var status = Status([new PoolView("per-user", "2022", 1, 1, 0, 0, 2, 0)],
            [new HostSyncView("rdsh-02", Now.AddDays(-3), Now.AddDays(-3), 1, "stale", null, null, null)]) with
        {
            Activation = new ActivationView("not-activated", null, null, null),
            Clearinghouse = null,
        };

        var raised = AlertRules.Diff([], AttentionPolicy.Evaluate(status, Now), Now).Raised.Select(a => AlertRules.KindName(a.Kind)).ToList();

        Assert.Equal(["pool-exhausted", "overused", "host-unreachable"], raised);
        Assert.Contains(AttentionPolicy.Evaluate(status, Now), i => i.Kind == AttentionKind.NotActivated); // shown in the console, not alerted
    }
}
