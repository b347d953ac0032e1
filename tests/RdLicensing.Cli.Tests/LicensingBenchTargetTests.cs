using System.Text.Json;
using RdLicensing.Cli.Bench;

namespace RdLicensing.Cli.Tests;

/// <summary>
/// Issue 13's target table as `rdlic bench licensing` computes it, from fixed figures: the present and CAL-writes targets
/// are taken on the single-operation phases, decided on the exact ratio, and each row names the phase it comes from.
/// </summary>
public sealed class LicensingBenchTargetTests
{
    private static readonly OperationFigures NoOp = Figures("ping", 5000);
    private static readonly OperationFigures Raw = Figures("database-write", 2000);
    private static readonly OperationFigures Mix = Figures("all", 1500, p99Ms: 40);

    [Fact]
    public void Present_target_is_the_present_only_rate_over_the_no_op_rate_met_at_0_8_and_missed_just_below()
    {
        var met = Target(LicensingBenchReport.TargetsOf(1000, Mix, NoOp, Raw, Figures("present", 4000), Figures("first", 2000), null, null), "present (valid CAL) ÷ no-op");
        Assert.Equal(0.8, met.Value);
        Assert.True(met.Met);
        Assert.Equal("present-only phase (4000/s) ÷ no-op endpoint 5000/s", met.Baseline);
        Assert.Equal("≥ 0.8", met.Target);

        // 0.7998 would round to 0.8 at three places: the verdict is on the exact ratio, and the value shown keeps four.
        var missed = Target(LicensingBenchReport.TargetsOf(1000, Mix, NoOp, Raw, Figures("present", 3999), Figures("first", 2000), null, null), "present (valid CAL) ÷ no-op");
        Assert.Equal(0.7998, missed.Value);
        Assert.False(missed.Met);
    }

    [Fact]
    public void Writes_target_is_the_issue_only_rate_over_the_raw_database_rate()
    {
        var met = Target(LicensingBenchReport.TargetsOf(1000, Mix, NoOp, Raw, Figures("present", 4000), Figures("first", 2000), null, null), "CAL writes ÷ raw durable database rate");
        Assert.Equal(1.0, met.Value);
        Assert.True(met.Met);
        Assert.Equal("issue-only phase (2000/s) ÷ raw durable one-transaction-each writes 2000/s", met.Baseline);

        var missed = Target(LicensingBenchReport.TargetsOf(1000, Mix, NoOp, Raw, Figures("present", 4000), Figures("first", 1999), null, null), "CAL writes ÷ raw durable database rate");
        Assert.Equal(0.9995, missed.Value);
        Assert.False(missed.Met);
    }

    [Fact]
    public void Mix_figures_stay_on_the_mix_and_a_phase_not_run_gives_no_verdict()
    {
        var targets = LicensingBenchReport.TargetsOf(2500, Mix, NoOp, Raw, null, null, null, null);

        var calRequests = Target(targets, "CAL requests ÷ no-op");
        Assert.Equal(0.5, calRequests.Value);
        Assert.True(calRequests.Met);
        Assert.Equal("mixed load (2500/s) ÷ no-op endpoint 5000/s", calRequests.Baseline);
        var p99 = Target(targets, "all requests p99 (ms)");
        Assert.Equal(40, p99.Value);
        Assert.True(p99.Met);
        Assert.Equal("mixed load, all requests", p99.Baseline);

        var present = Target(targets, "present (valid CAL) ÷ no-op");
        Assert.Null(present.Value);
        Assert.Null(present.Met);
        Assert.StartsWith("present-only phase not run", present.Baseline);
        var writes = Target(targets, "CAL writes ÷ raw durable database rate");
        Assert.Null(writes.Value);
        Assert.Null(writes.Met);
        Assert.StartsWith("issue-only phase not run", writes.Baseline);
    }

    [Fact]
    public void Json_keeps_the_earlier_fields_and_adds_the_phases()
    {
        var present = Figures("present", 4000);
        var issue = Figures("first", 2000);
        var report = new LicensingBenchReport(
            "http://127.0.0.1:1", "child-process", "sqlite:x", 64, 8, 1, 10, LoadMix.Default, null, [Figures("present", 900)], Mix, 1400, 350,
            new BaselineFigures("GET /api/sessionhost/ping", 64, 5, NoOp), new BaselineFigures("scratch", 64, 5, Raw),
            new BenchRatios(0.28, 0.7, 0.175, 0.18, 0.8, 1.0), null, null, 0, [], null, 0, null,
            LicensingBenchReport.TargetsOf(1400, Mix, NoOp, Raw, present, issue, null, null),
            new PhaseFigures("present-only", "presents", 64, 1, 5, present, 70_000, 21_000, 21_000),
            new PhaseFigures("issue-only", "firsts", 64, 1, 5, issue), []);

        using var json = JsonDocument.Parse(JsonSerializer.Serialize(report, Client.JsonApiClient.Json));
        var root = json.RootElement;
        Assert.Equal(1400, root.GetProperty("calRequestsPerSecond").GetDouble());
        Assert.Equal(0.175, root.GetProperty("ratios").GetProperty("calWritesToDatabase").GetDouble());
        Assert.Equal(0.18, root.GetProperty("ratios").GetProperty("presentInMixToNoOp").GetDouble());
        Assert.Equal(0.8, root.GetProperty("ratios").GetProperty("presentOnlyToNoOp").GetDouble());
        Assert.Equal(1.0, root.GetProperty("ratios").GetProperty("issueOnlyToDatabase").GetDouble());
        Assert.Equal(5000, root.GetProperty("noOp").GetProperty("figures").GetProperty("requestsPerSecond").GetDouble());
        Assert.Equal(4000, root.GetProperty("presentOnly").GetProperty("figures").GetProperty("requestsPerSecond").GetDouble());
        Assert.Equal(21_000, root.GetProperty("presentOnly").GetProperty("distinctDevices").GetInt64());
        Assert.Equal("first", root.GetProperty("issueOnly").GetProperty("figures").GetProperty("operation").GetString());
        Assert.Equal(6, root.GetProperty("targets").GetArrayLength());
    }

    private static TargetFigure Target(IReadOnlyList<TargetFigure> targets, string figure) => Assert.Single(targets, t => t.Figure == figure);

    private static OperationFigures Figures(string operation, double perSecond, double p99Ms = 10) =>
        new(operation, (long)(perSecond * 5), 0, perSecond, 1, p99Ms, p99Ms, p99Ms, new Dictionary<string, long>());
}
