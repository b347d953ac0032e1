using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;
using RdLicensing.Core.SessionHost;
using RdLicensing.Storage;

namespace RdLicensing.SessionHost.Configuration;

/// <summary>
/// policy.json through a reloading JSON configuration source: an edit takes effect without a restart — the file watcher
/// reloads it, and every read also looks at the file's size and time, so the next decision after an edit uses it even
/// before the watcher's notice arrives. A malformed edit (not JSON, larger than <see cref="PolicyFile.MaxBytes"/>, unreadable)
/// keeps the last good policy in force: one warning in the log and one event 5042 per bad edit, and the problem shown by
/// status and the diagnoser until the file is corrected.
/// </summary>
public sealed partial class PolicySource(IOptions<SessionHostOptions> options, SessionHostStore store, TimeProvider clock, ILogger<PolicySource> logger)
    : IDisposable
{
    private readonly Lock _gate = new();
    private readonly string _path = Path.GetFullPath(options.Value.PolicyFilePath);
    private IConfigurationRoot? _root;
    private IDisposable? _watch;
    private Exception? _loadError;
    private (bool Exists, DateTime Written, long Length)? _stamp;
    private PolicySettings? _lastGood;
    private PolicySettings _current = new(Path.GetFullPath(options.Value.PolicyFilePath), false, null, null, null, []);
    private string? _reported;

    /// <summary>The policy in force now (the file read again first when it changed).</summary>
    public async Task<PolicySettings> CurrentAsync(CancellationToken cancellationToken = default)
    {
        string? report;
        PolicySettings current;
        lock (_gate)
        {
            report = RefreshIfChanged(force: false);
            current = _current;
        }
        if (report is not null) await ReportAsync(report, cancellationToken);
        return current;
    }

    /// <returns>A new problem to report (log and event), or null.</returns>
    private string? RefreshIfChanged(bool force)
    {
        var stamp = Stamp();
        if (!force && stamp == _stamp) return null;
        _stamp = stamp;
        if (!stamp.Exists)
        {
            _current = new PolicySettings(_path, false, null, null, null, []);
            _lastGood = _current;
            _reported = null;
            return null;
        }
        string? error = null;
        if (stamp.Length > PolicyFile.MaxBytes) error = $"the file is larger than {PolicyFile.MaxBytes / 1024} KB";
        else
        {
            EnsureSource();
            _loadError = null;
            _root!.Reload();
            if (_loadError is { } e) error = (e.InnerException ?? e).Message;
        }
        if (error is null)
        {
            _current = _lastGood = PolicyFile.From(_path, _root!);
            _reported = null;
            return null;
        }
        var problem = _lastGood is { Exists: true }
            ? $"{_path} cannot be read ({error}); the last good policy stays in force until the file is corrected."
            : $"{_path} cannot be read and is ignored: {error}";
        _current = (_lastGood ?? new PolicySettings(_path, true, null, null, null, [])) with { Exists = true, Problems = [problem] };
        if (problem == _reported) return null;
        _reported = problem;
        return problem;
    }

    private void EnsureSource()
    {
        if (_root is not null) return;
        var source = new JsonConfigurationSource
        {
            Path = Path.GetFileName(_path),
            Optional = true,
            ReloadOnChange = true,
            ReloadDelay = 100,
            FileProvider = new PhysicalFileProvider(Path.GetDirectoryName(_path)!),
            OnLoadException = context =>
            {
                _loadError = context.Exception;
                context.Ignore = true;
            },
        };
        try
        {
            _root = new ConfigurationBuilder().Add(source).Build();
            // The watcher's reload: read it now, so a malformed edit is logged even while no client connects.
            _watch = ChangeToken.OnChange(_root.GetReloadToken, () => _ = RefreshFromWatcherAsync());
        }
        catch (IOException e)
        {
            // No file watcher to be had (e.g. the inotify instance limit): every read still looks at the file's size and time.
            LogNoWatcher(e.Message);
            source.ReloadOnChange = false;
            _root = new ConfigurationBuilder().Add(source).Build();
        }
    }

    private async Task RefreshFromWatcherAsync()
    {
        try
        {
            await CurrentAsync(CancellationToken.None);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or ObjectDisposedException)
        {
            LogRefreshFailed(e.Message);
        }
    }

    private (bool Exists, DateTime Written, long Length) Stamp()
    {
        var file = new FileInfo(_path);
        return file.Exists ? (true, file.LastWriteTimeUtc, file.Length) : (false, default, 0);
    }

    private async Task ReportAsync(string problem, CancellationToken cancellationToken)
    {
        LogPolicyProblem(problem);
        await store.WriteAsync(s => s.AddEventAsync(clock.GetUtcNow(), new PendingSessionHostEvent(SessionHostEventId.PolicyFileProblem, problem)),
            cancellationToken);
    }

    public void Dispose()
    {
        _watch?.Dispose();
        (_root as IDisposable)?.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Problem}")]
    private partial void LogPolicyProblem(string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No file watcher for policy.json ({Reason}): it is read again when a decision finds it changed.")]
    private partial void LogNoWatcher(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "policy.json was changed but could not be read again: {Reason}")]
    private partial void LogRefreshFailed(string reason);
}
