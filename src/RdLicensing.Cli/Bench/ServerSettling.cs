using System.Diagnostics;
using System.Globalization;

namespace RdLicensing.Cli.Bench;

/// <summary>How the server was brought to a steady state before anything was measured (null fields: not known).</summary>
/// <param name="Seconds">How long the light load ran.</param>
/// <param name="CompilerCpuSeconds">CPU time the runtime's tiered compiler used meanwhile, when it could be watched.</param>
/// <param name="Settled">Whether the compiler went idle within the limit (null when it could not be watched).</param>
internal sealed record SettleFigures(double Seconds, double? CompilerCpuSeconds, bool? Settled, string Line);

/// <summary>
/// Brings the server to its steady state before the first measurement. A .NET server compiles its code twice: a quick
/// first version, then — on a background thread, once a method has run enough — an optimised one. On two cores shared
/// with 64 connections of load that background compilation starved for 20 s and more, so a measurement taken from a
/// freshly started server measured the compiler as much as the server: the no-op baseline first (it runs first) and
/// then the first seconds of the mix. A light paced load (every request kind the measurement sends, a few at a time)
/// runs until the runtime's tiered-compilation thread has been idle for two windows in a row — watched in
/// /proc/PID/task, so no server change is needed and `--server URL --server-pid PID` works the same — or until the
/// limit (--settle). Without a process to watch the light load runs for <see cref="BlindSeconds"/>.
/// </summary>
internal static class ServerSettling
{
    private const int Workers = 4;
    private static readonly TimeSpan StepInterval = TimeSpan.FromMilliseconds(20); // per worker: at most ~200 requests/s in all
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);
    public const double BlindSeconds = 10;

    /// <summary>--settle's default, for both benches: the most time spent bringing the code to a steady state.</summary>
    public static readonly TimeSpan DefaultLimit = TimeSpan.FromMinutes(1);

    /// <param name="steps">The steps of the measurement to come, taken in turn by each worker.</param>
    public static async Task<SettleFigures> SettleAsync(int? pid, TimeSpan limit, IReadOnlyList<Func<LoadWorker, Task>> steps, BenchProgress progress,
        CancellationToken ct)
    {
        if (limit <= TimeSpan.Zero) return new SettleFigures(0, null, null, "Server not brought to a steady state first (--settle 0s): the first figures include its code being compiled.");
        var watch = pid is { } p ? CompilerWatch.Start(p) : null;
        var phase = progress.Begin("Bringing the server to a steady state", limit.TotalSeconds);
        var started = Stopwatch.GetTimestamp();
        bool? settled = watch is null ? null : false;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var window = new LoadWindow(long.MaxValue, long.MaxValue); // nothing here is measured
        var load = Enumerable.Range(0, Workers).Select(i => Task.Run(async () =>
        {
            var worker = new LoadWorker(i, window, new Random(unchecked(Environment.TickCount * 17 + i)));
            using var pace = new PeriodicTimer(StepInterval);
            var next = i;
            try
            {
                while (!stop.IsCancellationRequested)
                {
                    await steps[next++ % steps.Count](worker);
                    await pace.WaitForNextTickAsync(stop.Token);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // The settling is over (or the bench was cancelled: the caller's token says so below).
            }
        }, CancellationToken.None)).ToArray();
        try
        {
            while (Elapsed(started) < limit)
            {
                await Task.Delay(Window, ct);
                var elapsed = Elapsed(started);
                if (watch is null)
                {
                    phase.Report(elapsed.TotalSeconds, "light load (the server's process cannot be watched)");
                    if (elapsed.TotalSeconds >= BlindSeconds) break;
                    continue;
                }
                var idle = watch.Observe();
                phase.Report(elapsed.TotalSeconds, $"compiler {CompilerWatch.Seconds(watch.UsedSeconds)} s of CPU so far");
                if (idle)
                {
                    settled = true;
                    break;
                }
            }
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAll(load);
        }
        var seconds = Math.Round(Elapsed(started).TotalSeconds, 1);
        var compiler = watch is null ? (double?)null : Math.Round(watch.UsedSeconds, 2);
        var line = settled switch
        {
            true => $"Server brought to a steady state first: {Seconds(seconds)} s of light load (every request kind, {Workers} at a time) until the runtime's tiered compiler " +
                    $"was idle, having used {Seconds(compiler!.Value)} s of CPU.",
            false => $"Server NOT at a steady state: after {Seconds(seconds)} s of light load (--settle) the runtime's tiered compiler was still working " +
                     $"({Seconds(compiler!.Value)} s of CPU so far); the first figures include code being compiled.",
            null => $"Server warmed by {Seconds(seconds)} s of light load; its process could not be watched (no /proc, or --server without --server-pid), " +
                    "so whether its code had finished compiling is not known.",
        };
        phase.Done(settled == true ? $"after {Seconds(seconds)} s (compiler {Seconds(compiler!.Value)} s of CPU)" : $"{Seconds(seconds)} s, {(settled == false ? "not settled" : "not watched")}");
        return new SettleFigures(seconds, compiler, settled, line);
    }

    private static TimeSpan Elapsed(long started) => Stopwatch.GetElapsedTime(started);

    private static string Seconds(double value) => CompilerWatch.Seconds(value);
}

/// <summary>
/// Whether a process's tiered compiler has gone idle, observed at the end of each stretch of load (a window, a round). The
/// compiler starts only once methods have run a while, and waits while new ones keep appearing, so a quiet stretch early
/// proves nothing: idle means <see cref="IdleStretches"/> quiet stretches in a row, at least <see cref="AtLeast"/> after the
/// start. Quiet is at most two clock ticks of its CPU (/proc counts in hundredths of a second).
/// </summary>
internal sealed class CompilerWatch
{
    public static readonly TimeSpan AtLeast = TimeSpan.FromSeconds(3);
    public const int IdleStretches = 2;
    private const double QuietCpuSeconds = 0.02;

    private readonly int _pid;
    private readonly double _first;
    private readonly long _started = Stopwatch.GetTimestamp();
    private double _last;
    private int _quiet;

    private CompilerWatch(int pid, double first)
    {
        _pid = pid;
        _first = _last = first;
    }

    /// <summary>A watch on <paramref name="pid"/>; null where its compiler cannot be watched (no /proc, no such process).</summary>
    public static CompilerWatch? Start(int pid) => TieredCompiler.CpuSeconds(pid) is { } first ? new CompilerWatch(pid, first) : null;

    /// <summary>CPU the compiler has used since the watch started.</summary>
    public double UsedSeconds => _last - _first;

    /// <summary>Takes the compiler's CPU now, at the end of a stretch of load; true once it counts as idle.</summary>
    public bool Observe()
    {
        var now = TieredCompiler.CpuSeconds(_pid) ?? _last;
        _quiet = now - _last <= QuietCpuSeconds ? _quiet + 1 : 0;
        _last = now;
        return _quiet >= IdleStretches && Stopwatch.GetElapsedTime(_started) >= AtLeast;
    }

    public static string Seconds(double value) => value.ToString("0.0", CultureInfo.InvariantCulture);
}

/// <summary>
/// The CPU time of a .NET process's tiered-compilation thread(s), from /proc/PID/task/TID/stat: the runtime names the thread
/// ".NET Tiered Compilation Worker", which Linux keeps as ".NET Tiered Com". The runtime ends the thread when it has been
/// idle a few seconds and starts another when work comes, so the time of every such thread ever seen is kept.
/// </summary>
internal static class TieredCompiler
{
    private const string ThreadName = ".NET Tiered Com";

    private static readonly Dictionary<(int Pid, int Tid), double> Seen = [];

    /// <summary>Seconds of CPU the process's tiered compiler has used (the threads seen so far); null where there is no /proc or no such process.</summary>
    public static double? CpuSeconds(int pid)
    {
        var tasks = $"/proc/{pid}/task";
        try
        {
            if (!Directory.Exists(tasks)) return null;
            lock (Seen)
            {
                foreach (var directory in Directory.EnumerateDirectories(tasks))
                {
                    if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var tid)) continue;
                    if (ThreadCpu(directory) is { } cpu) Seen[(pid, tid)] = cpu;
                }
                return Seen.Where(s => s.Key.Pid == pid).Sum(s => s.Value);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>utime + stime of a compiler thread; null for any other thread, or one that just ended.</summary>
    private static double? ThreadCpu(string directory)
    {
        try
        {
            if (File.ReadAllText(Path.Combine(directory, "comm")).TrimEnd('\n') != ThreadName) return null;
            return CpuTicks(File.ReadAllText(Path.Combine(directory, "stat"))) is { } ticks ? ticks / (double)ClockTicksPerSecond : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>utime + stime (fields 14 and 15) of a /proc stat line, in clock ticks; null when the line is not one.</summary>
    /// <remarks>The command, field 2, is in parentheses and may itself hold spaces and ')': the fields after it start after the last ')'.</remarks>
    internal static long? CpuTicks(string stat)
    {
        var close = stat.LastIndexOf(')');
        if (close < 0 || close + 2 > stat.Length) return null;
        var fields = stat[(close + 2)..].Split(' ');
        return fields.Length > 12
               && long.TryParse(fields[11], NumberStyles.None, CultureInfo.InvariantCulture, out var user)
               && long.TryParse(fields[12], NumberStyles.None, CultureInfo.InvariantCulture, out var system)
            ? user + system
            : null;
    }

    /// <summary>USER_HZ: 100 on every Linux architecture .NET runs on.</summary>
    private const int ClockTicksPerSecond = 100;
}
