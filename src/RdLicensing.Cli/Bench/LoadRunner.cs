using System.Diagnostics;

namespace RdLicensing.Cli.Bench;

/// <summary>Live figures of the measured window, for the progress display.</summary>
internal readonly record struct LoadProgress(double ElapsedSeconds, double DurationSeconds, long Completed, long Errors, bool WarmingUp);

/// <summary>What a run measured over its window of <see cref="Seconds"/>.</summary>
internal sealed record LoadRun(RunStats Stats, double Seconds);

/// <summary>
/// N workers, each doing one step after another for a warm-up and then the measured duration: a closed loop, as
/// session hosts waiting for each answer are. Only requests that started and ended inside the measured window count,
/// so neither the warm-up (cold caches, connections being opened) nor the drain at the end skews rates or percentiles.
/// A worker whose connection just failed pauses briefly, so a dead server is not hammered by a spinning loop.
/// </summary>
internal static class LoadRunner
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(250);

    public static async Task<LoadRun> RunAsync(int concurrency, TimeSpan warmUp, TimeSpan duration, Func<LoadWorker, Task> step,
        Action<LoadProgress>? progress, CancellationToken ct)
    {
        var start = Stopwatch.GetTimestamp();
        var window = new LoadWindow(start + Ticks(warmUp), start + Ticks(warmUp + duration));
        var workers = Enumerable.Range(0, concurrency).Select(i => new LoadWorker(i, window, new Random(unchecked(Environment.TickCount * 31 + i)))).ToArray();
        var running = workers.Select(w => Task.Run(async () =>
        {
            while (!ct.IsCancellationRequested && Stopwatch.GetTimestamp() < window.End)
            {
                await step(w);
                await w.PauseAfterConnectionFailureAsync();
            }
        }, CancellationToken.None)).ToArray();

        var all = Task.WhenAll(running);
        while (!all.IsCompleted)
        {
            await Task.WhenAny(all, Task.Delay(ProgressInterval, CancellationToken.None));
            progress?.Invoke(window.Progress(duration));
        }
        await all;
        ct.ThrowIfCancellationRequested();

        var total = new RunStats();
        foreach (var worker in workers) total.Add(worker.Measured);
        return new LoadRun(total, duration.TotalSeconds);
    }

    private static long Ticks(TimeSpan span) => (long)(span.TotalSeconds * Stopwatch.Frequency);
}

/// <summary>The measured window, and its live counters (the only state workers share).</summary>
internal sealed class LoadWindow(long start, long end)
{
    private long _completed;
    private long _errors;

    public long Start => start;

    public long End => end;

    public bool Contains(long started, long ended) => started >= start && ended <= end;

    public void Count(bool failed)
    {
        if (failed) Interlocked.Increment(ref _errors);
        else Interlocked.Increment(ref _completed);
    }

    public LoadProgress Progress(TimeSpan duration)
    {
        var now = Stopwatch.GetTimestamp();
        var elapsed = Math.Clamp((now - start) / (double)Stopwatch.Frequency, 0, duration.TotalSeconds);
        return new LoadProgress(elapsed, duration.TotalSeconds, Interlocked.Read(ref _completed), Interlocked.Read(ref _errors), now < start);
    }
}

/// <summary>One simulated client loop: its own random numbers and its own statistics, merged at the end.</summary>
/// <param name="index">0 to concurrency - 1: which session host it speaks as, for one.</param>
internal sealed class LoadWorker(int index, LoadWindow window, Random random)
{
    public int Index { get; } = index;

    private bool _connectionFailed;

    public Random Random { get; } = random;

    public RunStats Measured { get; } = new();

    public static long Now() => Stopwatch.GetTimestamp();

    /// <summary>Records a request that started at <paramref name="started"/> (<see cref="Now"/>) and just ended.</summary>
    /// <param name="outcome">What the server answered (e.g. "valid"), when it succeeded.</param>
    /// <param name="error">Why it failed; null when it succeeded.</param>
    public void Record(RequestKind kind, long started, string? outcome, string? error, bool connectionFailed = false)
    {
        var ended = Stopwatch.GetTimestamp();
        _connectionFailed |= connectionFailed;
        if (!window.Contains(started, ended)) return;
        window.Count(error is not null);
        var stats = Measured[kind];
        if (error is not null)
        {
            stats.Errors++;
            var failure = $"{kind.Name()}: {error}";
            Measured.Failures[failure] = Measured.Failures.GetValueOrDefault(failure) + 1;
            return;
        }
        stats.Latency.RecordMicros((ended - started) * 1_000_000 / Stopwatch.Frequency);
        if (outcome is not null) stats.Outcomes[outcome] = stats.Outcomes.GetValueOrDefault(outcome) + 1;
    }

    /// <summary>After a step whose server could not be reached (it is down, or restarting), waits a moment instead of spinning.</summary>
    public Task PauseAfterConnectionFailureAsync()
    {
        if (!_connectionFailed) return Task.CompletedTask;
        _connectionFailed = false;
        return Task.Delay(PauseAfterConnectionFailure, CancellationToken.None);
    }

    private static readonly TimeSpan PauseAfterConnectionFailure = TimeSpan.FromMilliseconds(50);
}
