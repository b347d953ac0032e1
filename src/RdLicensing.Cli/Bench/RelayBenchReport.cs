using System.Globalization;
using System.Text.Json;
using RdLicensing.Cli.Output;
using Spectre.Console;

namespace RdLicensing.Cli.Bench;

/// <summary>
/// `rdlic bench relay`: the same synthetic desktop read directly and through the gateway in one run.
/// <see cref="Ratio"/> is gateway ÷ direct bytes/s (issue 12 asks for at least <see cref="TargetRatio"/>);
/// <see cref="RelayCpuMsPerMb"/> the extra CPU per MB the gateway costs. <see cref="GatewayProblem"/> says why the
/// gateway was not measured (no relay in this build, or it relayed nothing).
/// </summary>
internal sealed record RelayBenchReport(
    string Desktop,
    string Security,
    int Streams,
    double WindowSeconds,
    RelayStreamResult Direct,
    RelayStreamResult? Gateway,
    double? Ratio,
    double? RelayCpuMsPerMb,
    RelaySessionsResult? Sessions,
    TranscodingResult Transcoding,
    string? GatewayProblem)
{
    public const double TargetRatio = 0.8;

    public double Target => TargetRatio;

    public void PrintJson(Render output) => output.Json(JsonSerializer.Serialize(this, Client.JsonApiClient.Json));

    public void Print(Render output)
    {
        var security = Security == "tls" ? "TLS" : "standard RDP security (transcoded per PDU by the gateway)";
        output.Line($"Relay benchmark: a synthetic streaming desktop at {Desktop} (TLS, fast-path bitmap updates), {Streams} stream(s) read for {Format(WindowSeconds, "0.#")} s on each path; the client's leg to the gateway uses {security}.");
        var table = Render.Table("Path", "Target", "Streams", "Seconds", "MB/s", "CPU s", "CPU ms/MB", "Failures");
        foreach (var run in new[] { Direct, Gateway }.OfType<RelayStreamResult>())
            table.AddRow(Render.Cell(run.Path), Render.Cell(run.Target), Render.Number(run.Streams), Render.Cell(Format(run.Seconds, "0.000")),
                Render.Cell(Format(run.BytesPerSecond / 1_000_000, "0.0")), Render.Cell(Format(run.CpuSeconds, "0.00")),
                Render.Cell(Format(run.CpuMsPerMb, "0.00")), Render.Number(run.Failures));
        output.Write(table);
        if (Ratio is { } ratio)
            output.Line($"Gateway ÷ direct: {Format(ratio, "0.00")} (target ≥ {Format(TargetRatio, "0.0")}{(ratio >= TargetRatio ? ", met" : ", NOT met")}); the gateway costs {Format(RelayCpuMsPerMb ?? 0, "0.00")} ms of CPU per MB more than the direct path.");
        if (Sessions is { } s)
            output.Line($"{s.Sessions} relayed sessions at once: {s.Completed} completed (each read {s.BytesEach / 1024} KiB of desktop output), {s.Failures} failed, in {Format(s.Seconds, "0.0")} s.");
        output.Line($"Standard RDP security transcoding alone (desktop → client, {Transcoding.Method}, {Transcoding.PduBytes}-byte fast-path PDUs, one thread): {Format(Transcoding.BytesPerSecond / 1_000_000, "0.0")} MB/s, {Format(Transcoding.CpuMsPerMb, "0.00")} ms of CPU per MB.");
        if (GatewayProblem is not null) output.Warning(GatewayProblem);
        foreach (var run in new[] { Direct, Gateway }.OfType<RelayStreamResult>().Where(r => r.Failures > 0))
            output.Warning($"{run.Path}: {string.Join("; ", run.FailureReasons)}");
        if (Sessions is { Failures: > 0 } failed) output.Warning($"sessions: {string.Join("; ", failed.FailureReasons)}");
    }

    private static string Format(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
