using System.Globalization;
using System.Text.Json;
using RdLicensing.Cli.Output;
using Spectre.Console;

namespace RdLicensing.Cli.Bench;

internal sealed record Latency(double P50Ms, double P95Ms, double MaxMs);

/// <summary>One phase at one in-flight value. <see cref="ExchangesPerSecond"/> counts the successful exchanges.</summary>
internal sealed record PhaseResult(
    string Phase,
    string Description,
    int InFlight,
    int Exchanges,
    double Seconds,
    double ExchangesPerSecond,
    Latency Latency,
    int Failures,
    IReadOnlyDictionary<string, int> Outcomes,
    IReadOnlyList<string> FailureReasons);

/// <param name="System">"in-process" (a throwaway system) or "external" (--endpoint).</param>
internal sealed record BenchReport(string Endpoint, string Security, string System, int Devices, IReadOnlyList<PhaseResult> Phases)
{
    public int Failures => Phases.Sum(p => p.Failures);

    public void PrintJson(Render output) => output.Json(JsonSerializer.Serialize(this, Client.JsonApiClient.Json));

    public void Print(Render output)
    {
        var security = Security == "tls" ? "TLS" : "standard RDP security";
        var where = System == "in-process"
            ? $"a throwaway system in this process (clearinghouse, license server, session host in Per Device mode) with its RDP endpoint at {Endpoint}"
            : $"the RDP endpoint at {Endpoint}";
        output.Line($"RDP licensing benchmark: {Devices} device(s) per phase, {security}, against {where}.");
        // Against an endpoint of unknown configuration, what it answered is part of the result.
        var external = System != "in-process";
        string[] headers = ["Phase", "In flight", "Exchanges", "Seconds", "Exchanges/s", "p50 ms", "p95 ms", "Max ms", "Failures", .. (external ? ["Outcomes"] : Array.Empty<string>())];
        var table = Render.Table(headers);
        foreach (var p in Phases)
        {
            List<Text> row =
            [
                Render.Cell(p.Description), Render.Number(p.InFlight), Render.Number(p.Exchanges), Render.Cell(Format(p.Seconds, "0.000")),
                Render.Cell(Format(p.ExchangesPerSecond, "0.0")), Render.Cell(Format(p.Latency.P50Ms, "0.0")), Render.Cell(Format(p.Latency.P95Ms, "0.0")),
                Render.Cell(Format(p.Latency.MaxMs, "0.0")), Render.Number(p.Failures),
            ];
            if (external) row.Add(Render.Cell(string.Join(", ", p.Outcomes.Select(o => $"{o.Key} {o.Value}"))));
            table.AddRow(row);
        }
        output.Write(table);
        foreach (var p in Phases.Where(p => p.Failures > 0))
            output.Warning($"{p.Description}, {p.InFlight} in flight: {string.Join("; ", p.FailureReasons)}");
    }

    private static string Format(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
