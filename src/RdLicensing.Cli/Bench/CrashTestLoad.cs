using System.Diagnostics;

namespace RdLicensing.Cli.Bench;

/// <summary>What the load did between its start and its stop: answers, failures (connection errors apart), outcomes.</summary>
/// <param name="Failed">Requests that got no answer or an error status.</param>
/// <param name="ConnectionErrors">Of those, the ones refused, reset or cut off: the server was dead or not yet started.</param>
/// <param name="Failures">Each distinct failure ("upgrade: HTTP 500 (internal-error)") and how many times it happened.</param>
internal sealed record CrashLoadFigures(long Answered, long Failed, long ConnectionErrors, IReadOnlyDictionary<string, long> Outcomes,
    IReadOnlyDictionary<string, long> Failures)
{
    /// <summary>Whether a failure (a <see cref="Failures"/> key) is a refused, reset or cut connection: the server was dead or starting.</summary>
    public static bool IsConnectionError(string failure) => failure.Contains($": {SessionHostCalls.ConnectionFailure}", StringComparison.Ordinal);
}

/// <summary>
/// The crash test's load: N workers doing <see cref="LicensingLoad"/> steps one after another until stopped — no fixed
/// duration, because the server is killed and started again under it. It knows how many workers are inside a step, so
/// the test can show that the kill cut requests off. A worker whose connection failed pauses briefly, so a dead server is
/// not hammered by a spinning loop, but keeps going: requests arrive while the server starts again, as they would from
/// session hosts.
/// </summary>
internal sealed class CrashTestLoad
{
    private readonly LoadWorker[] _workers;
    private readonly Task[] _running;
    private volatile bool _stopping;
    private int _inFlight;

    /// <param name="seed">Seeds each worker's choices (worker i: seed + i), so a run can be repeated alike.</param>
    private CrashTestLoad(int concurrency, Func<LoadWorker, Task> step, int seed)
    {
        // Every request counts: the window is open from now on and never closes.
        var window = new LoadWindow(Stopwatch.GetTimestamp(), long.MaxValue);
        _workers = Enumerable.Range(0, concurrency).Select(i => new LoadWorker(i, window, new Random(unchecked(seed + i)))).ToArray();
        _running = _workers.Select(w => Task.Run(() => LoopAsync(w, step), CancellationToken.None)).ToArray();
    }

    /// <summary>Workers inside a step now: requests sent and not yet answered (a sign-in and its upgrade count once).</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    public static CrashTestLoad Start(int concurrency, Func<LoadWorker, Task> step, int seed) => new(concurrency, step, seed);

    /// <summary>Lets every worker finish the step it is in, then adds up what they did.</summary>
    public async Task<CrashLoadFigures> StopAsync()
    {
        _stopping = true;
        await Task.WhenAll(_running);
        var total = new RunStats();
        foreach (var worker in _workers) total.Add(worker.Measured);

        var all = new RequestStats();
        foreach (var (_, stats) in total.Kinds) all.Add(stats);
        return new CrashLoadFigures(all.Latency.Count, all.Errors, total.Failures.Where(f => CrashLoadFigures.IsConnectionError(f.Key)).Sum(f => f.Value),
            new SortedDictionary<string, long>(all.Outcomes, StringComparer.Ordinal), new SortedDictionary<string, long>(total.Failures, StringComparer.Ordinal));
    }

    private async Task LoopAsync(LoadWorker worker, Func<LoadWorker, Task> step)
    {
        while (!_stopping)
        {
            Interlocked.Increment(ref _inFlight);
            try
            {
                await step(worker);
            }
            finally
            {
                Interlocked.Decrement(ref _inFlight);
            }
            await worker.PauseAfterConnectionFailureAsync();
        }
    }
}
