using RdLicensing.ServiceDefaults;
using System.Globalization;
using Microsoft.Extensions.Options;
using RdLicensing.Core.SessionHost;
using RdLicensing.SessionHost.Auth;
using RdLicensing.SessionHost.Configuration;
using RdLicensing.Storage;

namespace RdLicensing.SessionHost.Hosting;

/// <summary>
/// Runs before the host accepts connections: locks the data directory, creates the store owner-only and
/// migrates it, creates the administrator credential when there is none, restores the host's own simulated
/// clock, and records when the store was created (the grace period of this store can never restart; only a new
/// store has a new one).
/// </summary>
public sealed class SessionHostInitializer(
    SessionHostStore store,
    HostClock hostClock,
    IOptions<SessionHostOptions> options,
    ILogger<SessionHostInitializer> log) : IHostedService, IDisposable
{
    private StoreLock? _lock;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        _lock = StoreLock.Acquire(settings.DataDirectory);
        var applied = await store.MigrateAsync(cancellationToken);
        OwnerOnlyFiles.TightenDatabase(settings.DatabasePath);
        if (applied > 0) log.LogInformation("Applied {Count} migration(s) to {Database}", applied, settings.DatabasePath);
        await EnsureAdminCredentialAsync(settings, cancellationToken);

        if (hostClock.AdvanceableSimulation is { } simulated &&
            await store.SettingAsync(SettingNames.SimulatedClockOffset, cancellationToken) is { } ticks)
        {
            simulated.Advance(TimeSpan.FromTicks(long.Parse(ticks, CultureInfo.InvariantCulture)));
        }

        var now = hostClock.Provider.GetUtcNow();
        await store.WriteAsync(async s =>
        {
            var created = await s.SetSettingOnceAsync(SettingNames.StoreCreatedAt, now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
            await s.AddEventAsync(now, new PendingSessionHostEvent(SessionHostEventId.Started,
                created
                    ? $"Session host {settings.Name} started with a new store ({settings.DatabasePath}); its grace period starts with the first client connection."
                    : $"Session host {settings.Name} started."));
        }, cancellationToken);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_lock is null) return;
        try
        {
            await store.WriteAsync(s => s.AddEventAsync(hostClock.Provider.GetUtcNow(),
                new PendingSessionHostEvent(SessionHostEventId.Stopped, $"Session host {options.Value.Name} stopped.")), cancellationToken);
        }
        finally
        {
            Dispose();
        }
    }

    public void Dispose() => Interlocked.Exchange(ref _lock, null)?.Dispose();

    /// <summary>
    /// Issues the administrator token at the first start, or again when admin.token is gone (only the owner of the
    /// data directory can remove it, and the store holds only a hash, so the token cannot be recovered otherwise).
    /// The file is written before the hash is stored: an interrupted start issues a new one next time.
    /// </summary>
    private async Task EnsureAdminCredentialAsync(SessionHostOptions settings, CancellationToken cancellationToken)
    {
        var path = Path.GetFullPath(settings.AdminTokenPath);
        var issued = await store.SettingAsync(SettingNames.AdminTokenHash, cancellationToken) is not null;
        if (issued && AdminTokenFile.Read(path) is { } existing)
        {
            if (!await AdminCredential.IsAdminTokenAsync(store, existing, cancellationToken))
                log.LogWarning("{Path} does not hold this store's administrator token; delete it and restart the session host to issue a new one", path);
            return;
        }
        var token = AdminCredential.NewToken();
        await AdminTokenFile.WriteAsync(path, token, cancellationToken);
        await store.WriteAsync(s => s.SetSettingAsync(SettingNames.AdminTokenHash, LicenseStore.HashToken(token)), cancellationToken);
        if (issued) log.LogWarning("{Path} was missing: issued a new administrator token there; the previous one no longer works", path);
        else log.LogInformation("Created the session host administrator token in {Path}", path);
    }
}
