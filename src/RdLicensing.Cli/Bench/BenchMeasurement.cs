using System.Diagnostics;
using System.Globalization;
using RdLicensing.Cli.Client;
using RdLicensing.Core.Versions;

namespace RdLicensing.Cli.Bench;

/// <summary>A license server ready to be measured, however it came to be (started by the bench or already running).</summary>
/// <param name="HostTokens">The enrolled session hosts the load speaks as, one token each.</param>
/// <param name="Pid">Its process, when known: for its memory figures.</param>
/// <param name="Pools">The clients the load starts from (seeded ones, or none).</param>
internal sealed record BenchTarget(
    string Url, string Mode, string Database, IReadOnlyList<string> HostTokens, LicenseServerClient Admin, int? Pid, DevicePools Pools,
    BenchDatabase Scratch, SeedingFigures? Seeding, string? KeptDataDirectory);

/// <summary>
/// The measured part, the same for every target: the no-op baseline, the warm-up and the measured (mixed) load, the CAL
/// usage report, the single-operation phases (present only, issue only), the server's memory, and the database baseline
/// on the scratch database — then the figures and their ratios.
/// </summary>
internal static class BenchMeasurement
{
    private const int KeptFailures = 10;
    private static readonly TimeSpan BaselineWarmUp = TimeSpan.FromSeconds(1);

    /// <summary>The outcomes of a CAL request that wrote a CAL row; "valid" answers change nothing.</summary>
    private static readonly HashSet<string> WritingOutcomes =
        ["temporary-issued", "permanent-issued", "renewed", "per-user-issued", "per-user-extended", "per-user-overused"];

    private static readonly RequestKind[] LoadKinds =
        [RequestKind.Present, RequestKind.First, RequestKind.SignIn, RequestKind.Upgrade, RequestKind.Renew, RequestKind.PerUser];

    public static async Task<LicensingBenchReport> RunAsync(BenchTarget target, LicensingBenchSettings settings, BenchProgress progress, CancellationToken ct)
    {
        // Worker i speaks as host i mod N, each host with its own connections.
        var perHost = (settings.Concurrency + target.HostTokens.Count - 1) / target.HostTokens.Count;
        var hosts = target.HostTokens.Select(token => new SessionHostCalls(target.Url, token, perHost)).ToList();
        try
        {
            return await MeasureAsync(target, settings, hosts, progress, ct);
        }
        finally
        {
            foreach (var host in hosts) host.Dispose();
        }
    }

    private static async Task<LicensingBenchReport> MeasureAsync(BenchTarget target, LicensingBenchSettings settings, IReadOnlyList<SessionHostCalls> hosts,
        BenchProgress progress, CancellationToken ct)
    {
        using var log = settings.Record is { } path ? new AcknowledgedCalLog(path) : null;
        var load = new LicensingLoad(hosts, target.Pools, settings.Mix, BenchServerSetup.HostVersion.ToShortName(), log);

        async Task PingAsync(LoadWorker worker)
        {
            var started = LoadWorker.Now();
            var result = await hosts[worker.Index % hosts.Count].PingAsync();
            worker.Record(RequestKind.Ping, started, result.Body?.Status, result.Error, result.ConnectionFailed);
        }

        var settled = await ServerSettling.SettleAsync(target.Pid, settings.SettleLimit, [PingAsync, load.StepAsync], progress, ct);
        var ping = await TimedAsync(progress, "No-op baseline (ping)", settings.BaselineDuration, BaselineWarmUp, settings.Concurrency,
            PingAsync, ct);
        var run = await TimedAsync(progress, "Licensing load", settings.Duration, settings.WarmUp, settings.Concurrency, load.StepAsync, ct);

        var report = await TimeReportAsync(target.Admin, progress, ct);
        var phases = await SingleOperationPhasesAsync(target, settings, load, progress, ct);
        var memory = target.Pid is { } pid ? new MemoryFigures(pid, ProcessMemory.PeakResidentMiB(pid), ProcessMemory.ResidentMiB(pid)) : null;

        LoadRun database;
        await using (var scratch = target.Scratch.OpenScratchStore())
        {
            var baseline = new DatabaseBaseline(scratch.Store);
            database = await TimedAsync(progress, $"Database baseline ({target.Scratch.Dialect})", settings.BaselineDuration,
                BaselineWarmUp, settings.Concurrency, baseline.StepAsync, ct, () => baseline.PrepareAsync(ct));
        }

        return Figures(target, settings, settled, ping, run, phases, database, report, memory, log);
    }

    /// <summary>What the single-operation phases measured, and why one was not run.</summary>
    private sealed record MeasuredPhases(LoadRun? Present, DeviceCycle? Cycle, LoadRun? Issue, List<string> Notes, TokenCheckCounts? PresentTokenChecks);

    /// <summary>
    /// The present-only and issue-only phases: the same concurrency, the baseline's duration after its own warm-up, the same
    /// server. Presents cycle through the devices holding a valid permanent CAL (the seeded ones, and those the load
    /// upgraded), so each presents once per round; the server's cache of verified tokens answers a round's repeats, as it
    /// would a device that connects again.
    /// </summary>
    private static async Task<MeasuredPhases> SingleOperationPhasesAsync(BenchTarget target, LicensingBenchSettings settings, LicensingLoad load,
        BenchProgress progress, CancellationToken ct)
    {
        var notes = new List<string>();
        LoadRun? present = null, issue = null;
        DeviceCycle? cycle = null;
        TokenCheckCounts? tokenChecks = null;
        if (settings.Phases.HasFlag(BenchPhases.Present))
        {
            var devices = target.Pools.PermanentSnapshot();
            if (devices.Count < settings.Concurrency)
            {
                notes.Add($"Present-only phase skipped: only {devices.Count:N0} devices hold a valid permanent CAL the bench can present " +
                          $"(it needs at least {settings.Concurrency}, one per connection){(settings.External ? "; with --server URL there are no seeded devices, only those the load upgraded" : "; seed more with --cals")}.");
            }
            else
            {
                cycle = new DeviceCycle(devices);
                var presents = cycle;
                var checksBefore = await TokenCheckCounts.ReadAsync(target.Url, ct);
                present = await TimedAsync(progress, "Present-only phase", settings.BaselineDuration, BaselineWarmUp, settings.Concurrency,
                    worker => load.PresentOnlyStepAsync(worker, presents), ct);
                if (checksBefore is not null && await TokenCheckCounts.ReadAsync(target.Url, ct) is { } checksAfter) tokenChecks = checksAfter.Since(checksBefore);
            }
        }
        else notes.Add("Present-only phase not run (--phases).");
        if (settings.Phases.HasFlag(BenchPhases.Issue))
            issue = await TimedAsync(progress, "Issue-only phase", settings.BaselineDuration, BaselineWarmUp, settings.Concurrency, load.FirstOnlyStepAsync, ct);
        else notes.Add("Issue-only phase not run (--phases).");
        return new MeasuredPhases(present, cycle, issue, notes, tokenChecks);
    }

    private static LicensingBenchReport Figures(BenchTarget target, LicensingBenchSettings settings, SettleFigures settled, LoadRun ping, LoadRun run, MeasuredPhases phases,
        LoadRun database, ReportTiming report, MemoryFigures? memory, AcknowledgedCalLog? log)
    {
        var seconds = run.Seconds;
        var operations = LoadKinds.Where(k => run.Stats[k].Latency.Count + run.Stats[k].Errors > 0)
            .Select(k => OperationFigures.From(k.Name(), run.Stats[k], seconds)).ToList();
        var all = new RequestStats();
        foreach (var kind in LoadKinds) all.Add(run.Stats[kind]);
        var overall = OperationFigures.From("all", all, seconds);
        var calKinds = LoadKinds.Where(k => k != RequestKind.SignIn).ToList();
        var calRate = OperationFigures.Rate(calKinds.Sum(k => run.Stats[k].Latency.Count), seconds);
        var writeRate = OperationFigures.Rate(calKinds.Sum(k => run.Stats[k].Outcomes.Where(o => WritingOutcomes.Contains(o.Key)).Sum(o => o.Value)), seconds);

        var noOp = OperationFigures.From(RequestKind.Ping.Name(), ping.Stats[RequestKind.Ping], ping.Seconds);
        var raw = OperationFigures.From(RequestKind.DatabaseWrite.Name(), database.Stats[RequestKind.DatabaseWrite], database.Seconds);
        var presentOnly = phases.Present is { } p ? OperationFigures.From(RequestKind.Present.Name(), p.Stats[RequestKind.Present], p.Seconds) : null;
        var issueOnly = phases.Issue is { } i ? OperationFigures.From(RequestKind.First.Name(), i.Stats[RequestKind.First], i.Seconds) : null;
        var failures = new RunStats();
        failures.Add(run.Stats);
        failures.Add(ping.Stats);
        if (phases.Present is not null) failures.Add(phases.Present.Stats);
        if (phases.Issue is not null) failures.Add(phases.Issue.Stats);
        failures.Add(database.Stats);
        var presentInMix = operations.FirstOrDefault(o => o.Operation == RequestKind.Present.Name())?.RequestsPerSecond;

        return new LicensingBenchReport(
            target.Url, target.Mode, target.Database, settings.Concurrency, target.HostTokens.Count, settings.WarmUp.TotalSeconds, seconds, settings.Mix.ToString(),
            target.Seeding, operations, overall, calRate, writeRate,
            new BaselineFigures("GET /api/sessionhost/ping", settings.Concurrency, ping.Seconds, noOp),
            new BaselineFigures($"{target.Scratch.ScratchDescribe}: take a license, insert the CAL and its event, commit", settings.Concurrency, database.Seconds, raw),
            new BenchRatios(Ratio(calRate, noOp.RequestsPerSecond), Ratio(calRate, raw.RequestsPerSecond), Ratio(writeRate, raw.RequestsPerSecond),
                presentInMix is { } mixed ? Ratio(mixed, noOp.RequestsPerSecond) : null,
                presentOnly is null ? null : Ratio(presentOnly.RequestsPerSecond, noOp.RequestsPerSecond),
                issueOnly is null ? null : Ratio(issueOnly.RequestsPerSecond, raw.RequestsPerSecond)),
            report, memory, overall.Errors,
            failures.Failures.OrderByDescending(f => f.Value).Take(KeptFailures).Select(f => $"{f.Value} × {f.Key}").ToList(),
            log?.Path, log?.Lines ?? 0, target.KeptDataDirectory,
            LicensingBenchReport.TargetsOf(calRate, overall, noOp, raw, presentOnly, issueOnly, report, memory),
            presentOnly is null ? null : new PhaseFigures("present-only",
                "every request a present of a device's valid permanent CAL, the devices taken in turn", settings.Concurrency, BaselineWarmUp.TotalSeconds,
                phases.Present!.Seconds, presentOnly, phases.Cycle!.Available, phases.Cycle.Distinct, phases.Cycle.Taken, phases.PresentTokenChecks),
            issueOnly is null ? null : new PhaseFigures("issue-only",
                "every request a first connection: a temporary CAL issued, one durable write each", settings.Concurrency, BaselineWarmUp.TotalSeconds,
                phases.Issue!.Seconds, issueOnly),
            phases.Notes, settled);
    }

    private static double? Ratio(double over, double under) => under > 0 ? Math.Round(over / under, 4) : null;

    /// <summary>Runs a load phase behind a progress bar that counts the measured seconds and shows the live rate.</summary>
    private static async Task<LoadRun> TimedAsync(BenchProgress progress, string name, TimeSpan duration, TimeSpan warmUp, int concurrency,
        Func<LoadWorker, Task> step, CancellationToken ct, Func<Task>? prepare = null)
    {
        var phase = progress.Begin(name, duration.TotalSeconds);
        if (prepare is not null) await prepare();
        var run = await LoadRunner.RunAsync(concurrency, warmUp, duration, step, live => phase.Report(live.ElapsedSeconds, live.WarmingUp
            ? "warming up"
            : $"{Rate(live.Completed, live.ElapsedSeconds)}/s, {live.Errors} errors"), ct);
        var stats = new RequestStats();
        foreach (var (_, kind) in run.Stats.Kinds) stats.Add(kind);
        phase.Done($"{Rate(stats.Latency.Count, run.Seconds)}/s over {run.Seconds.ToString("0.#", CultureInfo.InvariantCulture)} s, {stats.Errors} errors");
        return run;
    }

    private static string Rate(long count, double seconds) => (seconds > 0 ? count / seconds : 0).ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A CAL usage report over every CAL, timed from request to answer, then deleted: it is a copy of the whole table.</summary>
    private static async Task<ReportTiming> TimeReportAsync(LicenseServerClient admin, BenchProgress progress, CancellationToken ct)
    {
        var phase = progress.Begin("CAL usage report");
        var clock = Stopwatch.StartNew();
        try
        {
            var created = (await admin.CreateReportAsync("cal-usage", ct)).Value;
            var seconds = Math.Round(clock.Elapsed.TotalSeconds, 3);
            await admin.DeleteReportAsync(created.Id, ct);
            phase.Done($"{seconds.ToString("0.000", CultureInfo.InvariantCulture)} s ({created.Summary})");
            return new ReportTiming(seconds, created.Summary, null);
        }
        catch (CliException e)
        {
            phase.Done("failed: " + e.Message);
            return new ReportTiming(null, null, e.Message);
        }
    }
}
