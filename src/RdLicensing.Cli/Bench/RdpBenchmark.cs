using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Security.Cryptography;
using RdLicensing.Rdp;
using RdLicensing.Rdp.Client;
using RdLicensing.Rdp.Connection;

namespace RdLicensing.Cli.Bench;

/// <summary>One phase: which connection of each device it is, and what the in-process system must answer to it.</summary>
internal sealed record BenchPhase(string Name, string Description, RdpLicensingOutcome Expected);

/// <summary>
/// Full licensing exchanges per second with <see cref="RdpLicensingClient"/>: N devices, K connections in flight, phase
/// after phase, each device presenting what it stored in the phase before. Each in-flight value gets its own devices,
/// so its first phase really is their first connection. Only successful exchanges count for the rate and latencies.
/// A latency is the client's own <see cref="RdpClientResult.Elapsed"/>; phases are timed on the same clock (<see cref="RdpClientOptions.Clock"/>).
/// </summary>
internal sealed class RdpBenchmark(RdpClientOptions template, int devices, bool strictOutcomes)
{
    public static readonly BenchPhase FirstConnection = new("first-connection", "first connection (temporary CAL issued)", RdpLicensingOutcome.NewLicense);
    public static readonly BenchPhase Returning = new("returning", "returning client (upgraded to permanent)", RdpLicensingOutcome.UpgradedLicense);
    public static readonly BenchPhase ValidPermanent = new("valid-permanent", "returning with a valid permanent CAL (host alone)", RdpLicensingOutcome.ValidClient);

    /// <summary>The phases against an endpoint whose configuration is unknown: any answer but a refusal counts.</summary>
    public static readonly BenchPhase AnyFirstConnection = FirstConnection with { Description = "first connection" };
    public static readonly BenchPhase AnyReturning = Returning with { Description = "returning client (presents what it stored)" };

    /// <summary>Distinct failure messages kept per phase, to say why without flooding the report.</summary>
    private const int KeptFailureMessages = 3;

    /// <summary>A run's devices are named TAG-K-I: unique per run, so an endpoint that already met earlier runs sees new devices.</summary>
    private readonly string _runTag = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(2));

    /// <summary>The baseline: TCP + X.224 (+ the TLS handshake under TLS), closed at once — no MCS, no licensing.</summary>
    public static readonly BenchPhase Bare = new("bare-connection", "bare connection (TCP + X.224 + TLS handshake), the baseline", RdpLicensingOutcome.ValidClient);

    /// <summary>
    /// For each in-flight value: <paramref name="devices"/> bare connections (the baseline, same run, same concurrency),
    /// then the phases. Bare connections come first in the list of each in-flight value.
    /// </summary>
    public async Task<(List<PhaseResult> Bare, List<PhaseResult> Phases)> RunAsync(IReadOnlyList<int> inFlightValues, IReadOnlyList<BenchPhase> phases, CancellationToken ct)
    {
        var bare = new List<PhaseResult>();
        var results = new List<PhaseResult>();
        foreach (var inFlight in inFlightValues)
        {
            // CS_CORE carries 15 characters of the client name: TAG(4)-K(≤4)-I(≤5) fits.
            var names = Enumerable.Range(0, devices).Select(i => $"{_runTag}-{inFlight}-{i}").ToArray();
            var stored = new byte[]?[devices];
            bare.Add(await RunPhaseAsync(Bare, inFlight, names, stored, ct));
            foreach (var phase in phases) results.Add(await RunPhaseAsync(phase, inFlight, names, stored, ct));
        }
        return (bare, results);
    }

    /// <summary>Devices per warm-up round, and the most rounds (the CALs the in-process system must hold for them).</summary>
    public const int WarmUpDevices = 16;
    public const int MaxWarmUpRounds = 400;
    private const int WarmUpInFlight = 4;

    /// <summary>
    /// Untimed rounds of every phase (bare connections included) with devices of their own, before anything is measured, so the
    /// first measured phase does not pay for code being compiled: rounds go on until the tiered compiler of
    /// <paramref name="watchedPid"/> (the in-process system: this process) is idle (<see cref="CompilerWatch"/>, a round a
    /// stretch), or until <paramref name="limit"/>. Against an external endpoint (no process to watch) nothing runs: its warm-up
    /// rounds would take licenses of a real server for devices that do not exist.
    /// </summary>
    /// <returns>What the warm-up did, as one line for the report; null when none ran.</returns>
    public async Task<string?> WarmUpAsync(IReadOnlyList<BenchPhase> phases, int? watchedPid, TimeSpan limit, CancellationToken ct)
    {
        if (limit <= TimeSpan.Zero) return "No warm-up (--settle 0s): the first figures include code being compiled.";
        if (watchedPid is not { } pid || CompilerWatch.Start(pid) is not { } watch) return null;
        var started = template.Clock.GetTimestamp();
        string Elapsed() => CompilerWatch.Seconds(template.Clock.GetElapsedTime(started).TotalSeconds);
        var round = 0;
        while (round < MaxWarmUpRounds && template.Clock.GetElapsedTime(started) < limit)
        {
            round++;
            var names = Enumerable.Range(0, WarmUpDevices).Select(i => $"{_runTag}-w{round}-{i}").ToArray();
            var stored = new byte[]?[WarmUpDevices];
            var results = new List<PhaseResult> { await RunPhaseAsync(Bare, WarmUpInFlight, names, stored, ct) };
            foreach (var phase in phases) results.Add(await RunPhaseAsync(phase, WarmUpInFlight, names, stored, ct));
            if (results.FirstOrDefault(r => r.Failures > 0) is { } failed)
                throw new CliException($"the warm-up's {failed.Description} failed before anything was measured: {string.Join("; ", failed.FailureReasons)}");
            if (watch.Observe())
                return $"Warm-up: {round} untimed rounds of every phase ({WarmUpDevices} devices each, {Elapsed()} s) " +
                       $"until the runtime's tiered compiler was idle for two rounds (it used {CompilerWatch.Seconds(watch.UsedSeconds)} s of CPU).";
        }
        return $"Warm-up: {round} untimed rounds of every phase ({Elapsed()} s, --settle), and the runtime's " +
               $"tiered compiler was still working ({CompilerWatch.Seconds(watch.UsedSeconds)} s of CPU so far): the first figures include code being compiled.";
    }

    /// <summary><paramref name="count"/> new devices connecting all at once (first connection: a temporary CAL each).</summary>
    public Task<PhaseResult> RunCrowdAsync(int count, CancellationToken ct)
    {
        var names = Enumerable.Range(0, count).Select(i => $"{_runTag}-c-{i}").ToArray();
        return RunPhaseAsync(FirstConnection with { Name = "crowd", Description = $"first connection, all {count} at once" }, count, names, new byte[]?[count], ct);
    }

    private async Task<PhaseResult> RunPhaseAsync(BenchPhase phase, int inFlight, string[] names, byte[]?[] stored, CancellationToken ct)
    {
        var latencies = new ConcurrentBag<double>();
        var outcomes = new ConcurrentDictionary<string, int>();
        var failures = new ConcurrentDictionary<string, int>();
        var clock = template.Clock;
        var started = clock.GetTimestamp();
        await Parallel.ForEachAsync(Enumerable.Range(0, names.Length), new ParallelOptions { MaxDegreeOfParallelism = inFlight, CancellationToken = ct },
            async (i, token) =>
            {
                string? failure;
                try
                {
                    if (ReferenceEquals(phase, Bare))
                    {
                        var elapsed = await new RdpLicensingClient(template with { ClientHostname = names[i] }).ConnectBareAsync(token);
                        outcomes.AddOrUpdate("Connected", 1, (_, n) => n + 1);
                        latencies.Add(elapsed.TotalMilliseconds);
                        return;
                    }
                    var result = await new RdpLicensingClient(template with { ClientHostname = names[i], StoredLicense = stored[i] }).ConnectAsync(token);
                    outcomes.AddOrUpdate(result.Outcome.ToString(), 1, (_, n) => n + 1);
                    if (result.License is not null) stored[i] = result.License;
                    failure = Problem(result, phase);
                    if (failure is null) latencies.Add(result.Elapsed.TotalMilliseconds);
                }
                catch (SocketException e)
                {
                    // Nobody accepts connections there (any more): no point measuring on.
                    throw new CliException($"cannot reach the RDP endpoint at {template.Host}:{template.Port} ({e.Message}).");
                }
                catch (Exception e) when (e is RdpProtocolException or TimeoutException or IOException)
                {
                    outcomes.AddOrUpdate("Error", 1, (_, n) => n + 1);
                    failure = e.Message;
                }
                if (failure is not null) failures.AddOrUpdate(failure, 1, (_, n) => n + 1);
            });
        var seconds = clock.GetElapsedTime(started).TotalSeconds;
        var sorted = latencies.Order().ToArray();
        var failed = failures.Values.Sum();
        return new PhaseResult(phase.Name, phase.Description, inFlight, names.Length, Math.Round(seconds, 3),
            seconds > 0 ? Math.Round(sorted.Length / seconds, 1) : 0,
            new Latency(Percentile(sorted, 0.50), Percentile(sorted, 0.95), sorted.Length == 0 ? 0 : Math.Round(sorted[^1], 1)),
            failed, new SortedDictionary<string, int>(outcomes),
            failures.OrderByDescending(f => f.Value).Take(KeptFailureMessages).Select(f => $"{f.Value} × {f.Key}").ToList());
    }

    /// <summary>Why an exchange that ended does not count: refused, not activated, or (in-process) another answer than the phase's.</summary>
    private string? Problem(RdpClientResult result, BenchPhase phase)
    {
        if (result.Outcome == RdpLicensingOutcome.Refused)
            return $"refused (Set Error Info 0x{result.ErrorInfo ?? 0:X}{(result.LicensingError is { } code ? $", licensing error {code}" : "")})";
        if (!result.ActivationCompleted) return $"{result.Outcome}, but the activation did not complete (Set Error Info 0x{result.ErrorInfo ?? 0:X})";
        if (strictOutcomes && result.Outcome != phase.Expected) return $"{result.Outcome} where {phase.Expected} was expected";
        return null;
    }

    /// <summary>Nearest-rank percentile, in milliseconds.</summary>
    private static double Percentile(double[] sorted, double fraction) =>
        sorted.Length == 0 ? 0 : Math.Round(sorted[Math.Max(0, (int)Math.Ceiling(fraction * sorted.Length) - 1)], 1);
}
