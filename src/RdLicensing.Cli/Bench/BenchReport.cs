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

/// <summary>A phase's rate over the bare-connection rate at the same in-flight value (same run); issue 13's targets.</summary>
internal sealed record RatioFigure(string Phase, int InFlight, double Ratio, double? Target)
{
    public bool? Met => Target is { } target ? Ratio >= target : null;
}

/// <param name="System">"in-process" (a throwaway system) or "external" (--endpoint).</param>
internal sealed record BenchReport(string Endpoint, string Security, string System, int Devices, IReadOnlyList<PhaseResult> Phases)
{
    /// <summary>Issue 13: valid-CAL exchanges, 1 in flight, ≥ 0.5 × bare; first connection, 64 in flight, ≥ 0.25 × bare.</summary>
    private static readonly Dictionary<(string Phase, int InFlight), double> Targets = new()
    {
        [(RdpBenchmark.ValidPermanent.Name, 1)] = 0.5,
        [(RdpBenchmark.FirstConnection.Name, 64)] = 0.25,
    };

    /// <summary>The baseline: bare connections (TCP + X.224 + TLS handshake under TLS), one per in-flight value.</summary>
    public IReadOnlyList<PhaseResult> Bare { get; init; } = [];

    /// <summary>Every phase's rate ÷ the bare-connection rate at the same in-flight value.</summary>
    public IReadOnlyList<RatioFigure> Ratios => [.. Phases.Select(p => (p, b: Bare.FirstOrDefault(b => b.InFlight == p.InFlight)))
        .Where(x => x.b is { ExchangesPerSecond: > 0 })
        .Select(x => new RatioFigure(x.p.Phase, x.p.InFlight, Math.Round(x.p.ExchangesPerSecond / x.b!.ExchangesPerSecond, 2), Targets.TryGetValue((x.p.Phase, x.p.InFlight), out var t) ? t : null))];

    /// <summary>What ran, untimed, before the measured phases.</summary>
    public string? WarmUp { get; init; }

    /// <summary>`--crowd N` new devices all at once (issue 13: 1,000 in flight, 0 failures); null with --crowd 0.</summary>
    public PhaseResult? Crowd { get; init; }

    /// <summary>The private RSA operation against OpenSSL directly, same key; null against an external endpoint.</summary>
    public RsaFigure? Rsa { get; init; }

    public int Failures => Phases.Sum(p => p.Failures) + Bare.Sum(p => p.Failures) + (Crowd?.Failures ?? 0);

    public void PrintJson(Render output) => output.Json(JsonSerializer.Serialize(this, Client.JsonApiClient.Json));

    public void Print(Render output)
    {
        var security = Security == "tls" ? "TLS" : "standard RDP security";
        var where = System == "in-process"
            ? $"a throwaway system in this process (clearinghouse, license server, session host in Per Device mode) with its RDP endpoint at {Endpoint}"
            : $"the RDP endpoint at {Endpoint}";
        output.Line($"RDP licensing benchmark: {Devices} device(s) per phase, {security}, against {where}.");
        if (WarmUp is { } warmUp) output.Line(warmUp);
        // Against an endpoint of unknown configuration, what it answered is part of the result.
        var external = System != "in-process";
        string[] headers = ["Phase", "In flight", "Exchanges", "Seconds", "Exchanges/s", "p50 ms", "p95 ms", "Max ms", "Failures", .. (external ? ["Outcomes"] : Array.Empty<string>())];
        var table = Render.Table(headers);
        foreach (var p in Bare.Concat(Phases).OrderBy(p => p.InFlight).Append(Crowd).OfType<PhaseResult>())
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
        foreach (var r in Ratios)
        {
            var description = Phases.First(p => p.Phase == r.Phase).Description;
            var target = r.Target is { } t ? $" (target ≥ {Format(t, "0.00")}: {(r.Met == true ? "met" : "NOT met")})" : "";
            output.Line($"{description}, {r.InFlight} in flight ÷ bare connections: {Format(r.Ratio, "0.00")}{target}");
        }
        if (Crowd is { } crowd)
            output.Line($"{crowd.InFlight} connections in flight: {crowd.Exchanges - crowd.Failures} completed, {crowd.Failures} failed (target: 0 failed)");
        if (Rsa is { } rsa)
            output.Line($"{rsa.Bits}-bit private RSA: {Format(rsa.OursMs, "0.000")} ms ({rsa.Implementation}) vs OpenSSL directly {Format(rsa.OpenSslMs, "0.000")} ms, same key: "
                + $"{Format(rsa.Ratio, "0.00")}× (target ≤ {Format(rsa.Target, "0.0")}×: {(rsa.Ratio <= rsa.Target ? "met" : "NOT met")}), {rsa.Operations} operations each");
        foreach (var p in Bare.Concat(Phases).Append(Crowd).OfType<PhaseResult>().Where(p => p.Failures > 0))
            output.Warning($"{p.Description}, {p.InFlight} in flight: {string.Join("; ", p.FailureReasons)}");
    }

    private static string Format(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
