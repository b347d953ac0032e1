using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Sockets;
using System.Security.Cryptography;
using RdLicensing.Rdp;
using RdLicensing.Rdp.Client;

namespace RdLicensing.Cli.Bench;

/// <summary>
/// One streaming measurement of `rdlic bench relay`: <see cref="Streams"/> sessions at once read the desktop's output
/// for <see cref="Seconds"/> after all of them completed their connection sequence; <see cref="BytesPerSecond"/> is
/// what they read together in that window, <see cref="CpuMsPerMb"/> the process CPU time spent in it per MB read
/// (desktop, gateway and client all run in this process, so the gateway's cost is the difference to the direct path).
/// </summary>
internal sealed record RelayStreamResult(
    string Path,
    string Target,
    int Streams,
    double Seconds,
    long Bytes,
    double BytesPerSecond,
    double CpuSeconds,
    double CpuMsPerMb,
    int Failures,
    IReadOnlyList<string> FailureReasons);

/// <summary>Many relayed sessions at once: each completes the sequence and reads <see cref="BytesEach"/> of desktop output.</summary>
internal sealed record RelaySessionsResult(int Sessions, int Completed, int Failures, long BytesEach, double Seconds, IReadOnlyList<string> FailureReasons);

/// <summary>
/// Streams and session storms against one RDP target with <see cref="RdpLicensingClient"/>: the connection sequence
/// (licensing included) is not timed, only the desktop's output afterwards, read through <see cref="RdpClientSession"/>
/// (decrypted and MAC-checked under standard RDP security).
/// </summary>
internal sealed class RelayBenchmark(TimeProvider clock)
{
    private const int KeptFailureMessages = 3;

    /// <summary>Device names are TAG-PATH-I: unique per run, so the gateway's licensing sees new devices.</summary>
    private readonly string _runTag = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(2));

    public async Task<RelayStreamResult> StreamAsync(string path, string host, int port, int streams, TimeSpan window, RdpClientOptions template, CancellationToken ct)
    {
        var failures = new ConcurrentDictionary<string, int>();
        var bytes = new long[streams];
        var arrived = 0;
        var allArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var start = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Arrive()
        {
            if (Interlocked.Increment(ref arrived) == streams) allArrived.TrySetResult();
        }

        var tasks = Enumerable.Range(0, streams).Select(i => Task.Run(async () =>
        {
            var ready = false;
            var options = template with
            {
                Host = host,
                Port = port,
                ClientHostname = $"{_runTag}-{path[0]}-{i}",
                Timeout = window + TimeSpan.FromMinutes(2),
                AfterActivation = async (session, token) =>
                {
                    ready = true;
                    Arrive();
                    var end = await start.Task.WaitAsync(token);
                    long read = 0;
                    while (clock.GetTimestamp() < end)
                    {
                        var size = await session.ReadAsync(token);
                        if (size == 0) throw new NoDesktopOutputException(read);
                        read += size;
                    }
                    bytes[i] = read;
                },
            };
            var failure = await ConnectAsync(options, ct);
            if (failure is not null)
            {
                failures.AddOrUpdate(failure, 1, (_, n) => n + 1);
                if (!ready) Arrive();
            }
        }, ct)).ToArray();

        await allArrived.Task.WaitAsync(ct);
        var cpuBefore = ProcessCpu();
        var started = clock.GetTimestamp();
        start.SetResult(started + (long)(window.TotalSeconds * clock.TimestampFrequency));
        await Task.WhenAll(tasks);
        var seconds = clock.GetElapsedTime(started).TotalSeconds;
        var cpu = (ProcessCpu() - cpuBefore).TotalSeconds;
        var total = bytes.Sum();
        var megabytes = total / 1_000_000.0;
        return new RelayStreamResult(path, $"{host}:{port}", streams, Math.Round(seconds, 3), total,
            seconds > 0 ? Math.Round(total / seconds) : 0, Math.Round(cpu, 3), megabytes > 0 ? Math.Round(cpu * 1000 / megabytes, 2) : 0,
            failures.Values.Sum(), Reasons(failures));
    }

    public async Task<RelaySessionsResult> SessionsAsync(string host, int port, int sessions, long bytesEach, RdpClientOptions template, CancellationToken ct)
    {
        var failures = new ConcurrentDictionary<string, int>();
        var completed = 0;
        var started = clock.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, sessions).Select(i => Task.Run(async () =>
        {
            var options = template with
            {
                Host = host,
                Port = port,
                ClientHostname = $"{_runTag}-s-{i}",
                AfterActivation = async (session, token) =>
                {
                    long read = 0;
                    while (read < bytesEach)
                    {
                        var size = await session.ReadAsync(token);
                        if (size == 0) throw new NoDesktopOutputException(read);
                        read += size;
                    }
                },
            };
            if (await ConnectAsync(options, ct) is { } failure) failures.AddOrUpdate(failure, 1, (_, n) => n + 1);
            else Interlocked.Increment(ref completed);
        }, ct)));
        return new RelaySessionsResult(sessions, completed, failures.Values.Sum(), bytesEach, Math.Round(clock.GetElapsedTime(started).TotalSeconds, 3), Reasons(failures));
    }

    /// <summary>One session; null when it went through the activation and its reader, else why not.</summary>
    private static async Task<string?> ConnectAsync(RdpClientOptions options, CancellationToken ct)
    {
        try
        {
            var result = await new RdpLicensingClient(options).ConnectAsync(ct);
            if (result.Outcome == Rdp.Connection.RdpLicensingOutcome.Refused)
                return $"licensing refused (Set Error Info 0x{result.ErrorInfo ?? 0:X})";
            return result.ActivationCompleted ? null : $"the activation did not complete (Set Error Info 0x{result.ErrorInfo ?? 0:X})";
        }
        catch (NoDesktopOutputException e)
        {
            return e.Message;
        }
        catch (SocketException e)
        {
            return $"cannot connect to {options.Host}:{options.Port} ({e.Message})";
        }
        catch (Exception e) when (e is RdpProtocolException or TimeoutException or IOException)
        {
            return e.Message;
        }
    }

    private static IReadOnlyList<string> Reasons(ConcurrentDictionary<string, int> failures) =>
        failures.OrderByDescending(f => f.Value).Take(KeptFailureMessages).Select(f => $"{f.Value} × {f.Key}").ToList();

    private static TimeSpan ProcessCpu()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }
}

/// <summary>The server disconnected after the activation instead of streaming the desktop: an endpoint that does not relay.</summary>
internal sealed class NoDesktopOutputException(long read)
    : Exception($"the server disconnected after the activation with {read} byte(s) of session output: no desktop was relayed");
