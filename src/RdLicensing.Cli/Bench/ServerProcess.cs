using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using RdLicensing.Cli.Commands;
using RdLicensing.ServiceDefaults;

namespace RdLicensing.Cli.Bench;

/// <summary>
/// A license server the benchmark runs as a child process, `dotnet rdlic.dll server run`, exactly as an administrator
/// would run it: its own process, memory and GC, reached over HTTP on 127.0.0.1. Its output is drained (a full pipe
/// would stall it) and the last lines kept to explain a failed start. Stopped with SIGTERM, as a service manager does,
/// so it shuts down cleanly; killed only if it does not stop in time. The crash test kills it on purpose (SIGKILL) and
/// starts it again on the same URL, data directory and database.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private const int KeptOutputLines = 30;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(20);

    /// <summary>How many times a restart tries again while the port the killed process held is not free yet.</summary>
    private const int RestartAttempts = 5;
    private static readonly TimeSpan PortRetryDelay = TimeSpan.FromMilliseconds(200);

    private readonly Process _process;
    private readonly Launch _launch;
    private readonly Queue<string> _lastLines = new();

    private ServerProcess(Process process, Launch launch, string url)
    {
        _process = process;
        _launch = launch;
        Url = url;
    }

    /// <summary>What a (re)start needs: the same for every process of one server.</summary>
    private sealed record Launch(string DataDirectory, string? Database, string ClearinghouseCertificate, string ClearinghouseUrl);

    public string Url { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <param name="database">A PostgreSQL connection string, or null for SQLite in <paramref name="dataDirectory"/>.</param>
    public static Task<ServerProcess> StartAsync(string dataDirectory, string? database, string clearinghouseCertificate, string clearinghouseUrl,
        CancellationToken ct) =>
        StartOnAsync(new Launch(dataDirectory, database, clearinghouseCertificate, clearinghouseUrl), $"http://127.0.0.1:{FreePort()}", ct);

    /// <summary>
    /// A new process of the same server — same URL, data directory and database — once this one has exited (stopped or
    /// killed), waited for until it answers. Session hosts keep the address they know, as after a real crash.
    /// </summary>
    public async Task<ServerProcess> RestartAsync(CancellationToken ct)
    {
        if (!_process.HasExited) throw new InvalidOperationException("the license server process is still running: stop or kill it before restarting it.");
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnAsync(_launch, Url, ct);
            }
            catch (PortStillHeldException) when (attempt < RestartAttempts)
            {
                // The killed process's listening socket is closed by the kernel, but not always by the time the new one binds.
                await Task.Delay(PortRetryDelay, ct);
            }
        }
    }

    /// <summary>
    /// SIGKILL (Process.Kill sends it on Linux): no shutdown, no "stopped" event — requests in flight are cut off
    /// mid-transaction, as by the OOM killer or kill -9. (What the process had written stays with the operating system:
    /// this is a process crash, not a power loss.) Returns once the process is gone and its locks and port are released.
    /// </summary>
    public async Task KillAsync()
    {
        if (_process.HasExited) return;
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    private static async Task<ServerProcess> StartOnAsync(Launch launch, string url, CancellationToken ct)
    {
        var info = RdlicExecutable.StartInfo(["server", "run", "--data-dir", launch.DataDirectory, "--urls", url,
            "--clearinghouse-cert", launch.ClearinghouseCertificate, "--clearinghouse-url", launch.ClearinghouseUrl]);
        // Through the environment, not --db: a password stays out of the process list.
        info.Environment.Remove(ServerCommands.DatabaseVariable);
        if (launch.Database is not null) info.Environment[ServerCommands.DatabaseVariable] = launch.Database;
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.RedirectStandardInput = true;

        var process = new Process { StartInfo = info };
        var server = new ServerProcess(process, launch, url);
        process.OutputDataReceived += (_, e) => server.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
        try
        {
            process.Start();
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw new CliException($"cannot start the license server process ({info.FileName} {RdlicExecutable.Dll}): {e.Message}.");
        }
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server.WaitUntilServingAsync(ct);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
        return server;
    }

    private async Task WaitUntilServingAsync(CancellationToken ct)
    {
        using var http = SocketErrorsAsHttpErrors.Client(TimeSpan.FromSeconds(5));
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (_process.HasExited)
            {
                // The output is drained asynchronously: let the last lines (the reason) arrive before reading them.
                await _process.WaitForExitAsync(ct);
                var output = LastOutput();
                if (output.Contains("address already in use", StringComparison.OrdinalIgnoreCase)) throw new PortStillHeldException(Url, output);
                throw new CliException($"the license server process exited with code {_process.ExitCode} while starting: {output}");
            }
            try
            {
                using var response = await http.GetAsync($"{Url}/health", ct);
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                // Busy starting (migrating a large database): ask again.
            }
            await Task.Delay(100, ct);
        }
        throw new CliException($"the license server process did not answer at {Url}/health within {StartTimeout.TotalSeconds:0} s: {LastOutput()}");
    }

    /// <summary>SIGTERM, then wait for a clean stop (the server writes its "stopped" event and releases its data directory).</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited) return;
        if (OperatingSystem.IsWindows()) _process.Kill(entireProcessTree: true);
        else _ = SendSignal(_process.Id, SigTerm);
        using var timeout = new CancellationTokenSource(StopTimeout);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public string LastOutput()
    {
        lock (_lastLines) return _lastLines.Count == 0 ? "(no output)" : string.Join(" | ", _lastLines);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }
        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (string.IsNullOrWhiteSpace(line)) return;
        lock (_lastLines)
        {
            _lastLines.Enqueue(line.Trim());
            while (_lastLines.Count > KeptOutputLines) _lastLines.Dequeue();
        }
    }

    /// <summary>A port nobody listens on now; the server binds it a moment later.</summary>
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The server could not bind its URL's port: on a restart, the killed process may still hold it for a moment.</summary>
    private sealed class PortStillHeldException(string url, string output)
        : CliException($"the license server process could not listen at {url}: the port is in use ({output}).");

    private const int SigTerm = 15;

    // DllImport, not LibraryImport: the latter needs unsafe code enabled for the whole project, and two ints need no marshalling.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
}
