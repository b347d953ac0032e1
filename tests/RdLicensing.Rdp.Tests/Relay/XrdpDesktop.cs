using System.Diagnostics;
using RdLicensing.Rdp.Tests.Interop;

namespace RdLicensing.Rdp.Tests.Relay;

/// <summary>
/// A real xrdp 0.9.21 desktop on loopback (scripts/xrdp-desktop.sh: installs xrdp and xorgxrdp when missing, creates
/// the PAM user, its own configuration folder, readiness by port). Its session paints a #3060a0 background. One per
/// test class; stopping it ends its sessions (their window managers) and sesman.
/// </summary>
public class XrdpDesktop : IAsyncLifetime
{
    public const string User = "rdpuser";
    public const string Password = "Secret123";
    public const int DefaultPort = 33891;

    private static readonly string Script = Path.Combine(RepositoryRoot(), "scripts", "xrdp-desktop.sh");

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("rdlic-xrdp-").FullName;

    public int Port { get; private set; }

    public Uri Address => new($"rdp://127.0.0.1:{Port}");

    /// <summary>A second xrdp listener sharing this desktop's sesman (<see cref="TwoXrdpListeners"/>), if any.</summary>
    protected virtual int? SecondPort => null;

    /// <summary>Each xrdp listener's log (its connections: "connected client computer name"), the first or the second.</summary>
    public string ListenerLog(int listener) =>
        File.Exists(Path.Combine(Directory, listener == 1 ? "xrdp.log" : "xrdp-2.log")) ? File.ReadAllText(Path.Combine(Directory, listener == 1 ? "xrdp.log" : "xrdp-2.log")) : "";

    /// <summary>sesman's log: sessions started, PAM failures (AUTHFAIL).</summary>
    public string SesmanLog => File.Exists(Path.Combine(Directory, "xrdp-sesman.log")) ? File.ReadAllText(Path.Combine(Directory, "xrdp-sesman.log")) : "";

    public async Task InitializeAsync()
    {
        if (Environment.UserName != "root")
            throw new InvalidOperationException("The relay tests run a real xrdp desktop, which needs root (PAM, user switching): run them as root, as ./test.sh does in its container.");
        var (code, output) = SecondPort is { } second
            ? await RunAsync("start", DefaultPort.ToString(), second.ToString())
            : await RunAsync("start", DefaultPort.ToString());
        if (code != 0) throw new InvalidOperationException($"xrdp did not start (scripts/xrdp-desktop.sh exited {code}):\n{output}");
        Port = int.Parse(output.Trim().Split('\n')[^1]);
    }

    public async Task DisposeAsync()
    {
        await RunAsync("stop");
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A session's log still being written: the folder stays in /tmp.
        }
    }

    /// <summary>A second PAM account on this machine (root: useradd, chpasswd), for signing in as someone else.</summary>
    public static async Task EnsureUserAsync(string user, string password)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"id {user} >/dev/null 2>&1 || useradd -m -s /bin/bash {user}; echo {user}:{password} | chpasswd");
        using var process = Process.Start(start)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"could not create the account {user}: {error}");
    }

    private async Task<(int Code, string Output)> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Script);
        start.ArgumentList.Add(arguments[0]);
        start.ArgumentList.Add(Directory);
        foreach (var argument in arguments.Skip(1)) start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "RdLicensing.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("RdLicensing.slnx not found above the test's folder.");
    }
}

/// <summary>A real client connected through the gateway, left running until disposed: its display shows the desktop.</summary>
/// <summary>
/// Two desktops on one machine: two xrdp listeners (33891, 33892) sharing one sesman, whose port (3350) xrdp reads from
/// the system file and so is machine-wide. Each listener is its own RDP server with its own log; the sessions are
/// sesman's, so a user's session can be reached through either, which is why the relay's choice shows in each
/// listener's log rather than in which sessions exist.
/// </summary>
public sealed class TwoXrdpListeners : XrdpDesktop
{
    protected override int? SecondPort => DefaultPort + 1;

    public Uri SecondAddress => new($"rdp://127.0.0.1:{SecondPort}");
}

public sealed class RunningClient : IAsyncDisposable
{
    /// <summary>The session's background (#3060a0), as `convert` prints a pixel.</summary>
    public const string DesktopColour = "srgb(48,96,160)";

    private readonly Process _process;
    private readonly System.Text.StringBuilder _output = new();

    private RunningClient(Process process, string display, string name)
    {
        _process = process;
        Display = display;
        Name = name;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string Name { get; }
    public string Display { get; }
    public bool Exited => _process.HasExited;
    public int ExitCode => _process.ExitCode;

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <param name="tls">xfreerdp: /sec:tls or /sec:rdp; rdesktop follows what the endpoint selects.</param>
    /// <param name="administrative">An administrative (console) connection: xfreerdp /admin, rdesktop -0.</param>
    /// <param name="password">rdesktop: empty sends none (no -p, so no INFO_AUTOLOGON).</param>
    public static RunningClient Start(string client, XvfbDisplay display, string home, int port, string hostname, bool tls, string user, string password, bool administrative = false)
    {
        var running = StartOnce(client, display, home, port, hostname, tls, user, password, administrative);
        // Seen once under load: xfreerdp could not open the shared Xvfb display at its start. That is no relay matter: once more.
        if (running._process.WaitForExit(300) && running.Output.Contains("failed to open display"))
        {
            running._process.Dispose();
            running = StartOnce(client, display, home, port, hostname, tls, user, password, administrative);
        }
        return running;
    }

    private static RunningClient StartOnce(string client, XvfbDisplay display, string home, int port, string hostname, bool tls, string user, string password, bool administrative)
    {
        var program = RealClient.Find(client) ?? throw new InvalidOperationException(RealClient.InstallHint(client));
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        string[] arguments = client == "xfreerdp"
            ? [$"/v:127.0.0.1:{port}", $"/u:{user}", $"/p:{password}", tls ? "/sec:tls" : "/sec:rdp", "/cert:ignore", $"/client-hostname:{hostname}", "/size:1024x768", "/log-level:INFO", .. administrative ? new[] { "/admin" } : []]
            : ["-u", user, .. password.Length == 0 ? Array.Empty<string>() : ["-p", password], "-n", hostname, "-g", "1024x768", .. administrative ? new[] { "-0" } : [], $"127.0.0.1:{port}"];
        foreach (var argument in arguments) start.ArgumentList.Add(argument);
        start.Environment["HOME"] = home;
        start.Environment["DISPLAY"] = display.Display;
        start.Environment.Remove("XDG_CONFIG_HOME");
        start.Environment.Remove("XDG_DATA_HOME");
        var process = Process.Start(start)!;
        process.StandardInput.WriteLine("yes");
        process.StandardInput.Close();
        return new RunningClient(process, display.Display, client);
    }

    /// <summary>Polls a pixel of the client's window (900,600: outside the session's windows) until it shows the desktop's colour.</summary>
    public async Task<string> WaitForDesktopAsync(TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        var pixel = "";
        while (DateTime.UtcNow < deadline && !_process.HasExited)
        {
            pixel = await PixelAsync(900, 600);
            if (pixel == DesktopColour) return pixel;
            await Task.Delay(200);
        }
        return pixel;
    }

    public async Task<string> PixelAsync(int x, int y) =>
        (await ShellAsync($"xwd -root -display {Display} | convert xwd:- -format '%[pixel:p{{{x},{y}}}]' info:")).Trim();

    /// <summary>
    /// What a person at xrdp's login screen (after the credentials sent with the connection failed) does to sign in as
    /// another account, typed into the client's window with xdotool: clear the password field (where the focus is), go
    /// back to the user name field, replace it, then the password and Enter.
    /// </summary>
    public async Task TypeAtLoginScreenAsync(string user, string password)
    {
        var keys = $"xdotool key --delay 40 {string.Join(' ', Enumerable.Repeat("BackSpace", 16))} shift+Tab {string.Join(' ', Enumerable.Repeat("BackSpace", 16))}"
                   + $" && xdotool type --delay 60 '{user}' && xdotool key Tab && xdotool type --delay 60 '{password}' && xdotool key Return";
        var output = await ShellAsync($"export DISPLAY={Display}; {keys} 2>&1; echo rc=$?");
        if (!output.Contains("rc=0")) throw new InvalidOperationException($"xdotool failed (apt-get install xdotool): {output}");
    }

    /// <summary>Keeps a PNG of the client's display in $RDLIC_SCREENSHOTS (when set) for the closing note.</summary>
    public async Task ScreenshotAsync(string name)
    {
        var folder = Environment.GetEnvironmentVariable("RDLIC_SCREENSHOTS");
        if (string.IsNullOrEmpty(folder)) return;
        System.IO.Directory.CreateDirectory(folder);
        await ShellAsync($"xwd -root -display {Display} | convert xwd:- '{Path.Combine(folder, name + ".png")}'");
    }

    private static async Task<string> ShellAsync(string command)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command);
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output;
    }

    /// <summary>Waits for the client to exit by itself (a refusal, a disconnect).</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            _process.WaitForExit();
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public override string ToString() => $"{Name}{(_process.HasExited ? $" exited {_process.ExitCode}" : " running")}:\n{Output}";

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}
