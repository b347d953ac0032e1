using System.Globalization;
using Microsoft.Extensions.Options;
using RdLicensing.Core.Codes;
using RdLicensing.Core.Signing;
using RdLicensing.Core.Time;
using RdLicensing.Storage;
using RdLicensing.Storage.Sqlite;

namespace RdLicensing.LicenseServer.Hosting;

/// <summary>
/// Nodes that share one PostgreSQL database each hold the server's activation and simulated clock in memory, and any
/// node may change them (activate, deactivate, advance the clock). Each node reloads them from the database every
/// <see cref="LicenseServerOptions.SharedStateRefreshInterval"/>, so all nodes agree within that interval. A SQLite
/// database has exactly one server (the data directory lock), which already knows everything it changed.
/// </summary>
public sealed class SharedStateRefresher(LicenseStore store, ServerState state, TimeProvider clock, IOptions<LicenseServerOptions> options,
    ILogger<SharedStateRefresher> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (store.Dialect is SqliteDialect) return;
        using var timer = new PeriodicTimer(options.Value.SharedStateRefreshInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await RefreshAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning("Could not reload the shared activation and clock from the database ({Reason}); trying again in {Interval}",
                    e.Message, options.Value.SharedStateRefreshInterval);
            }
        }
    }

    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        if (clock is SimulatedTimeProvider simulated
            && await store.SettingAsync(SettingNames.SimulatedClockOffset, cancellationToken) is { } ticks
            && TimeSpan.FromTicks(long.Parse(ticks, CultureInfo.InvariantCulture)) - simulated.Offset is { } behind && behind > TimeSpan.Zero)
        {
            simulated.Advance(behind);
        }

        // Another node rotated the key: sign with the new one from now on.
        if (await store.SettingAsync(SettingNames.IdentityKey, cancellationToken) is { } storedKey && storedKey != state.StoredKey)
        {
            var identity = Core.Identity.LicenseServerIdentity.FromPkcs8(Convert.FromBase64String(storedKey),
                await store.SettingAsync(SettingNames.IdentityProductId, cancellationToken));
            if (identity.ProductId == state.ProductId)
                state.SetIdentity(identity, storedKey, ServerIdentityStore.Retired(await store.SettingAsync(SettingNames.RetiredKeys, cancellationToken)));
        }

        // Another node was told its database is a copy (clone detection) and renewed the installation id: sign as the new one.
        if (await store.SettingAsync(SettingNames.InstallationId, cancellationToken) is { } installation && installation != state.InstallationId)
            state.SetInstallationId(installation);

        var code = await store.SettingAsync(SettingNames.LicenseServerId, cancellationToken);
        var deactivated = await store.SettingAsync(SettingNames.Deactivated, cancellationToken) == "true";
        if (code is not null && code != state.Activation?.LicenseServerId && state.Clearinghouse is { } clearinghouse)
        {
            try
            {
                state.SetActivation(LicenseServerIdCode.Verify(code, clearinghouse, state.ProductId));
            }
            catch (Exception e) when (e is SignedDocumentException or FormatException)
            {
                log.LogWarning("Another node stored an activation that does not verify here ({Reason}); this node keeps its own", e.Message);
            }
        }
        if (deactivated && !state.IsDeactivated) state.SetDeactivated();
        else if (!deactivated && state.IsDeactivated && state.Activation is { } activation) state.SetActivation(activation);
    }
}
