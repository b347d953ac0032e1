using System.Diagnostics;

namespace RdLicensing.Rdp.Tests.Interop;

/// <summary>
/// One Xvfb X server for the interop tests: both clients need a display even when nothing is looked at. Started once
/// (xvfb-run per client raced on its lock files), on a display number Xvfb picks itself (-displayfd).
/// </summary>
public sealed class XvfbDisplay : IAsyncLifetime
{
    private Process? _xvfb;

    public string Display { get; private set; } = "";

    /// <summary>The clients' home directories live here and go with the display.</summary>
    public string HomesRoot { get; } = Directory.CreateTempSubdirectory("rdlic-clients-").FullName;

    public async Task InitializeAsync()
    {
        var path = RealClient.Find("Xvfb") ?? throw new InvalidOperationException(RealClient.InstallHint("Xvfb"));
        var start = new ProcessStartInfo(path)
        {
            ArgumentList = { "-displayfd", "1", "-nolisten", "tcp", "-screen", "0", "1280x1024x24" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _xvfb = Process.Start(start)!;
        _xvfb.ErrorDataReceived += (_, _) => { };
        _xvfb.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var number = await _xvfb.StandardOutput.ReadLineAsync(timeout.Token);
        if (string.IsNullOrWhiteSpace(number)) throw new InvalidOperationException("Xvfb started but did not say which display it took.");
        Display = ":" + number.Trim();
    }

    public Task DisposeAsync()
    {
        if (_xvfb is { HasExited: false }) _xvfb.Kill(entireProcessTree: true);
        _xvfb?.Dispose();
        Directory.Delete(HomesRoot, recursive: true);
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class RealClientsCollection : ICollectionFixture<XvfbDisplay>
{
    public const string Name = "Real RDP clients";
}
