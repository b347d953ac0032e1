using RdLicensing.ServiceDefaults;
using Microsoft.Data.Sqlite;
using RdLicensing.Core.Events;
using RdLicensing.Core.Identity;
using RdLicensing.Core.KeyPacks;
using RdLicensing.LicenseServer.Hosting;
using RdLicensing.Storage;
using RdLicensing.Storage.Sqlite;

namespace RdLicensing.LicenseServer.Recovery;

/// <summary>What a restore did, for `rdlic server restore` to print.</summary>
public sealed record RestoreOutcome(string ProductId, string? PreviousProductId, bool IdentityKept, IReadOnlyList<KeyPack> KeyPacks,
    IReadOnlyList<KeyPack> RemovedKeyPacks, int RemovedCals, string? AdminTokenNote);

/// <summary>
/// Restores a backup into a stopped license server's data directory. Plain restore: the backup becomes the
/// database, identity included — the same server again, unissued licenses back in their packs. With
/// <c>keepIdentity</c>: the backup's data under this directory's identity, activation and administrators; key
/// packs bound to another Product ID are removed (event 92), since only the clearinghouse can grant them to
/// this server. The backup is staged and checked first; the database is replaced only at the end.
/// </summary>
public static class DatabaseRestorer
{
    private const string DatabaseFileName = "licensing.db";

    // Settings that describe this machine's server rather than licensing data: kept with the identity.
    private static readonly string[] IdentitySettings =
    [
        SettingNames.IdentityKey, SettingNames.IdentityProductId, SettingNames.RetiredKeys, SettingNames.LicenseServerId, SettingNames.Deactivated, SettingNames.RetiredLicenseServerIds, SettingNames.SimulatedClockOffset,
    ];

    public static async Task<RestoreOutcome> RestoreAsync(string backupFile, string dataDirectory, bool keepIdentity, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (!File.Exists(backupFile)) throw new InvalidOperationException($"The backup file '{backupFile}' does not exist.");
        using var held = DataDirectoryLock.TryAcquire(dataDirectory) ?? throw new InvalidOperationException(DataDirectoryLock.InUseMessage(dataDirectory));
        var database = Path.Combine(dataDirectory, DatabaseFileName);
        var staging = database + ".restoring";
        DeleteDatabaseFiles(staging);
        try
        {
            File.Copy(backupFile, staging);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(staging, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            var restored = new LicenseStore(new SqliteDialect(staging));
            var backupProductId = await ProductIdOfBackupAsync(restored, backupFile, cancellationToken);
            await restored.MigrateAsync(cancellationToken);

            var current = File.Exists(database) ? new LicenseStore(new SqliteDialect(database)) : null;
            var previousProductId = current is null ? null : await ProductIdAsync(current, cancellationToken);
            var outcome = keepIdentity
                ? await KeepIdentityAsync(restored, current, previousProductId, backupProductId, clock, cancellationToken)
                : await ReplaceAsync(restored, backupProductId, previousProductId, clock, cancellationToken);
            // A restored database is another installation, whatever identity it carries: the clearinghouse tells copies apart by it.
            await restored.WriteAsync(s => s.SetSettingAsync(SettingNames.InstallationId, ServerInitializer.NewInstallationId()), cancellationToken);
            var note = await EnsureAdminTokenAsync(restored, Path.Combine(dataDirectory, "admin.token"), clock, cancellationToken);

            // Checkpoint the staged database into one file, then swap it in; the old one's WAL must not outlive it.
            SqliteConnection.ClearAllPools();
            await using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = staging, Pooling = false }.ToString()))
            {
                await connection.OpenAsync(cancellationToken);
                await using var command = connection.CreateCommand();
                command.CommandText = "PRAGMA journal_mode = DELETE;";
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
            DeleteDatabaseFiles(database);
            File.Move(staging, database);
            return outcome with { AdminTokenNote = note };
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            DeleteDatabaseFiles(staging);
        }
    }

    private static Task<RestoreOutcome> ReplaceAsync(LicenseStore restored, string backupProductId, string? previousProductId, TimeProvider clock, CancellationToken cancellationToken) =>
        restored.WriteAsync(async s =>
        {
            var packs = await s.AllKeyPacksAsync();
            await s.AddEventAsync(clock.GetUtcNow(), LicensingEventId.DatabaseRestored,
                $"The database was restored from a backup of license server {backupProductId}: {packs.Count} key pack(s), {packs.Sum(p => p.Available)} license(s) available.");
            return new RestoreOutcome(backupProductId, previousProductId, false, packs, [], 0, null);
        }, cancellationToken);

    private static async Task<RestoreOutcome> KeepIdentityAsync(LicenseStore restored, LicenseStore? current, string? productId, string backupProductId,
        TimeProvider clock, CancellationToken cancellationToken)
    {
        if (current is null || productId is null)
            throw new InvalidOperationException("There is no license server identity in this data directory to keep: restore without --keep-identity, or start the license server here once first.");
        var kept = new Dictionary<string, string?>();
        foreach (var name in IdentitySettings) kept[name] = await current.SettingAsync(name, cancellationToken);
        var administrators = await current.WriteAsync(s => s.AdminCredentialsAsync(), cancellationToken);

        return await restored.WriteAsync(async s =>
        {
            var now = clock.GetUtcNow();
            foreach (var (name, value) in kept)
            {
                if (value is null) await s.DeleteSettingAsync(name);
                else await s.SetSettingAsync(name, value);
            }
            await s.ReplaceAdminCredentialsAsync(administrators);
            var foreign = (await s.AllKeyPacksAsync()).Where(p => p.Origin.LicenseServerProductId != productId).ToList();
            var removal = await s.RemoveKeyPacksAsync(foreign);
            if (foreign.Count > 0)
                await s.AddEventAsync(now, LicensingEventId.ForeignKeyPacksRemoved,
                    $"{foreign.Count} key pack(s) of the backup ({foreign.Sum(p => p.Total)} licenses, {removal.LiveCals} issued CAL(s)) were bound to license server {backupProductId} and were removed: " +
                    "the clearinghouse must reissue them to this server (migration).");
            var packs = await s.AllKeyPacksAsync();
            await s.AddEventAsync(now, LicensingEventId.DatabaseRestored,
                $"The data of a backup of license server {backupProductId} was restored, keeping this server's identity {productId}: {packs.Count} key pack(s) kept, {foreign.Count} removed.");
            return new RestoreOutcome(productId, productId, true, packs, foreign, removal.LiveCals, null);
        }, cancellationToken);
    }

    /// <summary>The restored database must accept this directory's admin.token, or a new one is written: nobody is locked out.</summary>
    private static Task<string?> EnsureAdminTokenAsync(LicenseStore restored, string tokenPath, TimeProvider clock, CancellationToken cancellationToken) =>
        restored.WriteAsync(async s =>
        {
            var token = AdminTokenFile.Read(tokenPath);
            if (token is not null && await s.IsAdminTokenAsync(token)) return (string?)null;
            var now = clock.GetUtcNow();
            if (token is not null)
            {
                await s.AddAdminCredentialAsync("administrator of the restored data directory", token, now);
                return $"The administrator token in {tokenPath} was added to the restored database, so it keeps working.";
            }
            token = LicenseStore.NewToken("rdla");
            await s.AddAdminCredentialAsync("administrator of the restored data directory", token, now);
            await AdminTokenFile.WriteAsync(tokenPath, token, cancellationToken);
            return $"A new administrator token was written to {tokenPath}.";
        }, cancellationToken);

    private static async Task<string> ProductIdOfBackupAsync(LicenseStore store, string backupFile, CancellationToken cancellationToken)
    {
        try
        {
            return await ProductIdAsync(store, cancellationToken)
                   ?? throw new InvalidOperationException($"'{backupFile}' is a database without a license server identity: it is not a license server backup.");
        }
        catch (SqliteException e)
        {
            throw new InvalidOperationException($"'{backupFile}' is not a license server backup ({e.Message.TrimEnd('.')}).", e);
        }
    }

    private static async Task<string?> ProductIdAsync(LicenseStore store, CancellationToken cancellationToken)
    {
        if (await store.SettingAsync(SettingNames.IdentityKey, cancellationToken) is not { } key) return null;
        using var identity = LicenseServerIdentity.FromPkcs8(Convert.FromBase64String(key), await store.SettingAsync(SettingNames.IdentityProductId, cancellationToken));
        return identity.ProductId;
    }

    private static void DeleteDatabaseFiles(string database)
    {
        foreach (var suffix in new[] { "", "-wal", "-shm", "-journal" }) File.Delete(database + suffix);
    }
}
