using System.Globalization;
using System.Text.Json;
using RdLicensing.Cli.Output;
using Spectre.Console;

namespace RdLicensing.Cli.Bench;

/// <summary>One request kind over the measured window: successful requests (their rate and latency) and errors apart.</summary>
internal sealed record OperationFigures(
    string Operation, long Requests, long Errors, double RequestsPerSecond, double P50Ms, double P99Ms, double P999Ms, double MaxMs,
    IReadOnlyDictionary<string, long> Outcomes)
{
    public static OperationFigures From(string operation, RequestStats stats, double seconds) => new(
        operation, stats.Latency.Count, stats.Errors, Rate(stats.Latency.Count, seconds),
        Round(stats.Latency.PercentileMs(0.50)), Round(stats.Latency.PercentileMs(0.99)), Round(stats.Latency.PercentileMs(0.999)), Round(stats.Latency.MaxMs),
        new SortedDictionary<string, long>(stats.Outcomes, StringComparer.Ordinal));

    public static double Rate(long count, double seconds) => seconds > 0 ? Math.Round(count / seconds, 1) : 0;

    private static double Round(double ms) => Math.Round(ms, 3);
}

internal sealed record SeedingFigures(long Cals, double Seconds, double RowsPerSecond);

/// <param name="What">What was measured, in words.</param>
internal sealed record BaselineFigures(string What, int Concurrency, double Seconds, OperationFigures Figures);

/// <summary>
/// The load's CAL request rate over each baseline: how much of what the HTTP stack and the database allow the server
/// uses. CalWritesToDatabase compares only the requests that wrote a CAL (each one durable transaction) with the
/// database's rate of such transactions one at a time.
/// </summary>
internal sealed record BenchRatios(double? CalRequestsToNoOp, double? CalRequestsToDatabase, double? CalWritesToDatabase);

/// <summary>
/// One figure of issue 13's table as this run measured it: its value, what it is a ratio of (the baseline measured in the same
/// run), the target and whether it was met.
/// </summary>
/// <param name="Baseline">The same-run baseline the value is divided by, in words with its figure; null for absolute figures.</param>
internal sealed record TargetFigure(string Figure, double? Value, string? Baseline, string Target, bool? Met);

internal sealed record ReportTiming(double? Seconds, string? Summary, string? Error);

/// <summary>The server process's resident memory (VmRSS); the peak is its high-water mark (VmHWM).</summary>
internal sealed record MemoryFigures(int Pid, double? PeakMiB, double? EndMiB);

/// <param name="Mode">"child-process" (started, seeded and stopped by the bench) or "external" (--server).</param>
/// <param name="CalRequestsPerSecond">Successful CAL requests (every operation but the sign-in reports) per second: the issuance path.</param>
/// <param name="CalWritesPerSecond">Those of them that issued, upgraded, renewed or extended a CAL (the others were answered valid).</param>
/// <param name="Failures">Distinct failures, most frequent first, each "count × what".</param>
/// <param name="KeptDataDirectory">The server's data directory when kept (--data-dir).</param>
internal sealed record LicensingBenchReport(
    string Server, string Mode, string Database, int Concurrency, int SessionHosts, double WarmUpSeconds, double DurationSeconds, string Mix,
    SeedingFigures? Seeding, IReadOnlyList<OperationFigures> Operations, OperationFigures Overall, double CalRequestsPerSecond, double CalWritesPerSecond,
    BaselineFigures? NoOp, BaselineFigures? DatabaseBaseline, BenchRatios Ratios, ReportTiming? CalUsageReport, MemoryFigures? Memory,
    long Errors, IReadOnlyList<string> Failures, string? Record, long Recorded, string? KeptDataDirectory, IReadOnlyList<TargetFigure>? Targets = null)
{
    /// <summary>Issue 13's figures for the license server, each with its same-run baseline and its target.</summary>
    public static IReadOnlyList<TargetFigure> TargetsOf(double calRate, double writeRate, double? presentRate, OperationFigures overall, OperationFigures? noOp,
        OperationFigures? raw, ReportTiming? report, MemoryFigures? memory)
    {
        static double? Over(double? value, double? under) => value is { } v && under is > 0 ? Math.Round(v / under.Value, 3) : null;
        var noOpRate = noOp?.RequestsPerSecond;
        var rawRate = raw?.RequestsPerSecond;
        var noOpText = noOp is null ? null : $"no-op endpoint {noOp.RequestsPerSecond:0.#}/s";
        var rawText = raw is null ? null : $"raw durable one-transaction-each writes {raw.RequestsPerSecond:0.#}/s";
        var calToNoOp = Over(calRate, noOpRate);
        var writesToRaw = Over(writeRate, rawRate);
        var presentToNoOp = Over(presentRate, noOpRate);
        var peakMb = memory?.PeakMiB is { } mib ? Math.Round(mib * 1.048576, 1) : (double?)null;
        return
        [
            new("CAL requests ÷ no-op", calToNoOp, noOpText, "≥ 0.5", calToNoOp >= 0.5),
            new("CAL writes ÷ raw durable database rate", writesToRaw, rawText, "≥ 1.0", writesToRaw >= 1.0),
            new("present (valid CAL) ÷ no-op", presentToNoOp, noOpText, "≥ 0.8", presentToNoOp >= 0.8),
            new("all requests p99 (ms)", overall.P99Ms, null, "≤ 50", overall.Requests > 0 ? overall.P99Ms <= 50 : null),
            new("CAL usage report (s)", report?.Seconds, null, "< 5", report?.Seconds < 5),
            new("server resident memory, peak (MB)", peakMb, null, "≤ 300", peakMb <= 300),
        ];
    }

    public void PrintJson(Render output) => output.Json(JsonSerializer.Serialize(this, Client.JsonApiClient.Json));

    public void Print(Render output)
    {
        var where = Mode == "external" ? $"the running license server at {Server}" : $"a license server child process at {Server}";
        output.Line($"Licensing benchmark against {where} ({Database}): {Concurrency} concurrent connections from {SessionHosts} session host(s), " +
                    $"{Number(WarmUpSeconds)} s warm-up, {Number(DurationSeconds)} s measured, mix {Mix}.");
        if (Seeding is { } seeding)
            output.Line($"Seeded {seeding.Cals:N0} CALs straight into the database in {Number(seeding.Seconds, "0.00")} s ({seeding.RowsPerSecond:N0} rows/s).");
        output.Write(OperationsTable(output.IsTerminal));
        output.Line($"CAL requests (the issuance path, sign-ins aside): {CalRequestsPerSecond:N1}/s, of which wrote a CAL {CalWritesPerSecond:N1}/s; all requests {Overall.RequestsPerSecond:N1}/s, " +
                    $"p50 {Ms(Overall.P50Ms)}, p99 {Ms(Overall.P99Ms)}, p99.9 {Ms(Overall.P999Ms)}.");
        if (NoOp is { } noOp)
            output.Line($"No-op baseline ({noOp.What}, {noOp.Concurrency} concurrent, {Number(noOp.Seconds)} s): {noOp.Figures.RequestsPerSecond:N1} requests/s, " +
                        $"p50 {Ms(noOp.Figures.P50Ms)}, p99 {Ms(noOp.Figures.P99Ms)}{ErrorsOf(noOp.Figures)}.");
        if (DatabaseBaseline is { } db)
            output.Line($"Database baseline ({db.What}, {db.Concurrency} concurrent writers, {Number(db.Seconds)} s): {db.Figures.RequestsPerSecond:N1} transactions/s, " +
                        $"p50 {Ms(db.Figures.P50Ms)}, p99 {Ms(db.Figures.P99Ms)}{ErrorsOf(db.Figures)}.");
        output.Line($"Ratios: CAL requests / no-op requests = {Ratio(Ratios.CalRequestsToNoOp)}; CAL requests / database transactions = {Ratio(Ratios.CalRequestsToDatabase)}; " +
                    $"CAL writes / database transactions = {Ratio(Ratios.CalWritesToDatabase)}.");
        if (Targets is { Count: > 0 } targets)
        {
            var table = Render.Table("Figure (issue 13)", "This run", "Same-run baseline", "Target", "Met");
            foreach (var t in targets)
                table.AddRow(Render.Cell(t.Figure), Render.Cell(t.Value is { } v ? Number(v, "0.###") : "n/a"), Render.Cell(t.Baseline ?? "-"),
                    Render.Cell(t.Target), Render.Cell(t.Met switch { true => "yes", false => "NO", null => "n/a" }, t.Met == false ? new Style(Color.Red) : null));
            output.Write(table);
        }
        if (CalUsageReport is { } report)
            output.Line(report.Error is null
                ? $"CAL usage report over the whole database: {Number(report.Seconds ?? 0, "0.000")} s ({report.Summary})."
                : $"CAL usage report: failed ({report.Error}).");
        if (Memory is { PeakMiB: null, EndMiB: null } gone)
            output.Line($"Server process {gone.Pid}: no memory figures (it was no longer running, or /proc/{gone.Pid}/status is not readable).");
        else if (Memory is { } memory)
            output.Line($"Server process {memory.Pid} resident memory (VmRSS): peak {MiB(memory.PeakMiB)}, at the end {MiB(memory.EndMiB)}.");
        if (Record is not null) output.Line($"Recorded {Recorded:N0} acknowledged CALs in {Record}.");
        if (KeptDataDirectory is not null) output.Line($"The server's data was kept in {KeptDataDirectory} ({Database}).");
        if (Errors > 0)
        {
            output.Warning($"{Errors:N0} request(s) failed during the measured window:");
            foreach (var failure in Failures) output.Warning("  " + failure);
        }
    }

    /// <param name="narrow">On a terminal, one outcome per line: a wrapped list of them is unreadable. Redirected, one line per row, to grep.</param>
    private Table OperationsTable(bool narrow)
    {
        var separator = narrow ? "\n" : ", ";
        var table = Render.Table("Operation", "Requests", "Req/s", "p50 ms", "p99 ms", "p99.9 ms", "Max ms", "Errors", "Outcomes");
        foreach (var o in Operations.Append(Overall))
        {
            var style = o == Overall ? new Style(decoration: Decoration.Bold) : Style.Plain;
            table.AddRow(Render.Cell(o.Operation, style), Render.Number(o.Requests), Render.Cell(Number(o.RequestsPerSecond, "0.0")),
                Render.Cell(Number(o.P50Ms, "0.00")), Render.Cell(Number(o.P99Ms, "0.00")), Render.Cell(Number(o.P999Ms, "0.00")),
                Render.Cell(Number(o.MaxMs, "0.00")), Render.Cell(o.Errors.ToString(CultureInfo.InvariantCulture), o.Errors > 0 ? new Style(Color.Red) : null),
                Render.Cell(string.Join(separator, o.Outcomes.Select(x => $"{x.Key} {x.Value}"))));
        }
        return table;
    }

    private static string ErrorsOf(OperationFigures figures) => figures.Errors > 0 ? $", {figures.Errors} errors" : "";

    private static string Ms(double ms) => Number(ms, "0.00") + " ms";

    private static string MiB(double? mib) => mib is { } value ? Number(value, "0.0") + " MiB" : "unknown";

    private static string Ratio(double? ratio) => ratio is { } value ? Number(value, "0.000") : "n/a";

    private static string Number(double value, string format = "0.#") => value.ToString(format, CultureInfo.InvariantCulture);
}
