using System.Globalization;
using Microsoft.Extensions.Options;
using RdLicensing.Core.SessionHost;
using RdLicensing.SessionHost.Configuration;
using RdLicensing.Storage;

namespace RdLicensing.SessionHost.Hosting;

/// <summary>
/// Runs before the host accepts connections: locks the data directory, creates the store owner-only and
/// migrates it, restores the host's own simulated clock, and records when the store was created (the grace
/// period of this store can never restart; only a new store has a new one).
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
}
