using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;

namespace RdLicensing.Rdp.Tests.Interop;

/// <summary>What one run of a real client showed: its exit code, everything it printed, and the CAL file it keeps.</summary>
public sealed record ClientRun(string Client, int ExitCode, string Output, byte[]? StoredLicense)
{
    public override string ToString() => $"{Client} exited {ExitCode}:\n{Output}";
}

/// <summary>
/// An unmodified Debian RDP client run as a user would run it, with its own HOME (so its license store starts empty
/// and belongs to this test) on the shared Xvfb display. Its output and exit code are what the user sees; the file it
/// stores is the CAL it was handed, byte for byte.
/// </summary>
public abstract class RealClient
{
    private static readonly TimeSpan RunTimeout = TimeSpan.FromSeconds(60);

    protected RealClient(XvfbDisplay display)
    {
        Display = display.Display;
        Home = Directory.CreateDirectory(Path.Combine(display.HomesRoot, Guid.NewGuid().ToString("N"))).FullName;
    }

    public string Display { get; }

    /// <summary>The user's home directory: the client's license store is under it.</summary>
    public string Home { get; }

    public abstract string Name { get; }

    /// <summary>Where the client stores the CAL of a client named <paramref name="hostname"/>.</summary>
    public abstract string LicensePath(string hostname);

    public byte[]? StoredLicense(string hostname) => File.Exists(LicensePath(hostname)) ? File.ReadAllBytes(LicensePath(hostname)) : null;

    /// <param name="administrative">An administrative (console) connection: xfreerdp /admin, rdesktop -0.</param>
    public async Task<ClientRun> ConnectAsync(int port, string hostname, bool tls, string user = "alice", bool administrative = false)
    {
        var program = Find(Name) ?? throw new InvalidOperationException(InstallHint(Name));
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in Arguments(port, hostname, tls, user, administrative)) start.ArgumentList.Add(argument);
        start.Environment["HOME"] = Home;
        start.Environment["DISPLAY"] = Display;
        start.Environment.Remove("XDG_CONFIG_HOME");
        start.Environment.Remove("XDG_DATA_HOME");

        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        // rdesktop asks on stdin whether to trust the server's TLS certificate; xfreerdp reads nothing.
        await process.StandardInput.WriteLineAsync("yes");
        process.StandardInput.Close();

        using var timeout = new CancellationTokenSource(RunTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Name} did not exit within {RunTimeout.TotalSeconds:0} s. It printed:\n{output}");
        }
        process.WaitForExit();
        lock (output) return new ClientRun(Name, process.ExitCode, output.ToString(), StoredLicense(hostname));
    }

    protected abstract IEnumerable<string> Arguments(int port, string hostname, bool tls, string user, bool administrative);

    public static string? Find(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin").Split(':').Append("/usr/bin")
            .Select(dir => Path.Combine(dir, program)).FirstOrDefault(File.Exists);

    public static string InstallHint(string program) =>
        $"{program} is not installed: the RDP interop tests drive the real clients. Run ./test.sh (it installs freerdp2-x11 rdesktop xvfb xauth), " +
        "or apt-get install -y freerdp2-x11 rdesktop xvfb xauth.";

    protected static string Sha1Hex(byte[] bytes) => Convert.ToHexStringLower(SHA1.HashData(bytes));
}

/// <summary>xfreerdp 2.11 (Debian freerdp2-x11): the security layer is chosen with /sec.</summary>
public sealed class Xfreerdp(XvfbDisplay display) : RealClient(display)
{
    public override string Name => "xfreerdp";

    /// <summary>$XDG_CONFIG_HOME/freerdp/licenses/&lt;sha1hex(client hostname)&gt;.cal.</summary>
    public override string LicensePath(string hostname) =>
        Path.Combine(Home, ".config", "freerdp", "licenses", Sha1Hex(Encoding.ASCII.GetBytes(hostname)) + ".cal");

    protected override IEnumerable<string> Arguments(int port, string hostname, bool tls, string user, bool administrative) =>
        [$"/v:127.0.0.1:{port}", $"/u:{user}", "/p:secret", tls ? "/sec:tls" : "/sec:rdp", "/cert:ignore", $"/client-hostname:{hostname}", "/log-level:INFO",
            .. administrative ? new[] { "/admin" } : []];
}

/// <summary>
/// rdesktop 1.9 (Debian rdesktop): it offers TLS and uses what the server selects, so the endpoint's security layer
/// decides (rdp: standard RDP security; negotiate or tls: TLS, after "Do you trust this certificate" is answered yes).
/// </summary>
public sealed class Rdesktop(XvfbDisplay display) : RealClient(display)
{
    private static readonly byte[] StoreSalt = Convert.FromHexString("b8822931c539d94454155e147138d54d");

    public override string Name => "rdesktop";

    /// <summary>~/.local/share/rdesktop/licenses/&lt;sha1hex(hostname zero-padded to 16 bytes ‖ a fixed salt)&gt;.cal.</summary>
    public override string LicensePath(string hostname)
    {
        var padded = new byte[16];
        Encoding.ASCII.GetBytes(hostname.Length > 16 ? hostname[..16] : hostname).CopyTo(padded, 0);
        return Path.Combine(Home, ".local", "share", "rdesktop", "licenses", Sha1Hex([.. padded, .. StoreSalt]) + ".cal");
    }

    protected override IEnumerable<string> Arguments(int port, string hostname, bool tls, string user, bool administrative) =>
        ["-u", user, "-p", "secret", "-n", hostname, .. administrative ? new[] { "-0" } : [], $"127.0.0.1:{port}"];
}
