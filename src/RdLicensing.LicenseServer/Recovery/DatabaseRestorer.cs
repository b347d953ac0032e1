using RdLicensing.ServiceDefaults;
using Microsoft.Data.Sqlite;
using RdLicensing.Core.Events;
using RdLicensing.Core.Identity;
using RdLicensing.Core.KeyPacks;
using RdLicensing.LicenseServer.Hosting;
using RdLicensing.LicenseServer.Licensing;
using RdLicensing.Storage;
using RdLicensing.Storage.Sqlite;

namespace RdLicensing.LicenseServer.Recovery;

/// <summary>Which identity a restore left in the data directory.</summary>
public enum RestoredIdentity
{
    /// <summary>The backed-up server's identity, activation and key packs (<c>--keep-identity</c>, or the directory already was that server).</summary>
    BackedUp,
    /// <summary>The identity this data directory already held (another license server): the backup's data under it.</summary>
    Directory,
    /// <summary>A new key and Product ID, not activated, no key packs: the backup's data under a new server.</summary>
    New,
}

/// <summary>What a restore did, for `rdlic server restore` to print.</summary>
public sealed record RestoreOutcome(string ProductId, string? PreviousProductId, RestoredIdentity Identity, IReadOnlyList<KeyPack> KeyPacks,
    IReadOnlyList<KeyPack> RemovedKeyPacks, int RemovedCals, string? AdminTokenNote, string? BackedUpProductId = null)
{
    /// <summary>True when the directory kept its own identity (not the backup's).</summary>
    public bool IdentityKept => Identity == RestoredIdentity.Directory;
}

/// <summary>
/// Restores a backup into a stopped license server's data directory. A restore never makes a second live copy of
/// the backed-up server by accident:
/// <list type="bullet">
/// <item>With <c>keepIdentity</c> (the same server, after a loss): the backup becomes the database, identity included —
/// the same server again, unissued licenses back in their packs. A directory that already holds the backed-up server's
/// identity gets the same (it is that server, rolled back).</item>
/// <item>Into a directory of another license server: the backup's data under this directory's identity, activation and
/// administrators; key packs bound to another Product ID are removed (event 92).</item>
/// <item>Into a new directory: a NEW identity (new key, new Product ID), not activated, with none of the backup's key
/// packs and none of its issued CALs — the packs and the CALs they signed belong to the backed-up identity; they reach
/// the new server only by a migration through the clearinghouse. Session hosts, administrators, settings and the event
/// log come over.</item>
/// </list>
/// The backup is staged and checked first; the database is replaced only at the end.
/// </summary>
public static class DatabaseRestorer
{
    private const string DatabaseFileName = "licensing.db";

    // Settings that describe this machine's server rather than licensing data: kept with the identity.
    private static readonly string[] IdentitySettings =
    [
        SettingNames.IdentityKey, SettingNames.IdentityProductId, SettingNames.RetiredKeys, SettingNames.PendingIdentityKey, SettingNames.InstallationId, SettingNames.LicenseServerId, SettingNames.Deactivated, SettingNames.RetiredLicenseServerIds, SettingNames.SimulatedClockOffset,
    ];

    // What belongs to the backed-up identity and does not come to a new one (the key is replaced).
    private static readonly string[] NewIdentityDropsSettings =
    [
        SettingNames.IdentityProductId, SettingNames.RetiredKeys, SettingNames.PendingIdentityKey, SettingNames.InstallationRetiredNotice,
        SettingNames.LicenseServerId, SettingNames.Deactivated, SettingNames.RetiredLicenseServerIds, MigratedAwayRecorder.Setting,
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
            var outcome = keepIdentity || previousProductId == backupProductId
                ? await ReplaceAsync(restored, backupProductId, previousProductId, clock, cancellationToken)
                : current is not null && previousProductId is not null
                    ? await KeepIdentityAsync(restored, current, previousProductId, backupProductId, clock, cancellationToken)
                    : await NewIdentityAsync(restored, backupProductId, clock, cancellationToken);
            // A restored database is another installation of the identity it carries (the clearinghouse tells copies apart by it) —
            // except where this directory's own server goes on under its identity: it is still that installation.
            if (outcome.Identity != RestoredIdentity.Directory)
                await restored.WriteAsync(s => s.SetSettingAsync(SettingNames.InstallationId, ServerInitializer.NewInstallationId()), cancellationToken);
            // From here the restore runs to its end, deliberately with CancellationToken.None: a new admin.token may be written
            // next, and it must not be left beside the database it does not belong to (nobody could sign in). Up to here a
            // cancellation leaves the data directory as it was (only the staged copy is deleted).
            var toTheEnd = CancellationToken.None;
            var note = await EnsureAdminTokenAsync(restored, Path.Combine(dataDirectory, "admin.token"), clock, toTheEnd);

            // Checkpoint the staged database into one file, then swap it in; the old one's WAL must not outlive it.
            RdLicensing.Storage.Sqlite.SqliteDialect.ClearPools();
            await using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = staging, Pooling = false }.ToString()))
            {
                await connection.OpenAsync(toTheEnd);
                await using var command = connection.CreateCommand();
                command.CommandText = "PRAGMA journal_mode = DELETE;";
                await command.ExecuteNonQueryAsync(toTheEnd);
            }
            DeleteDatabaseFiles(database);
            File.Move(staging, database);
            return outcome with { AdminTokenNote = note };
        }
        finally
        {
            RdLicensing.Storage.Sqlite.SqliteDialect.ClearPools();
            DeleteDatabaseFiles(staging);
        }
    }

    private static Task<RestoreOutcome> ReplaceAsync(LicenseStore restored, string backupProductId, string? previousProductId, TimeProvider clock, CancellationToken cancellationToken) =>
        restored.WriteAsync(async s =>
        {
            var packs = await s.AllKeyPacksAsync();
            await s.AddEventAsync(clock.GetUtcNow(), LicensingEventId.DatabaseRestored,
                $"The database was restored from a backup of license server {backupProductId}: {packs.Count} key pack(s), {packs.Sum(p => p.Available)} license(s) available.");
            return new RestoreOutcome(backupProductId, previousProductId, RestoredIdentity.BackedUp, packs, [], 0, null, backupProductId);
        }, cancellationToken);

    /// <summary>
    /// A new data directory without --keep-identity: a new key (so a new Product ID), no activation, and none of the backup's
    /// key packs or issued CALs (event 92): they were granted to, and signed by, the backed-up identity.
    /// </summary>
    private static Task<RestoreOutcome> NewIdentityAsync(LicenseStore restored, string backupProductId, TimeProvider clock, CancellationToken cancellationToken) =>
        restored.WriteAsync(async s =>
        {
            var now = clock.GetUtcNow();
            using var identity = LicenseServerIdentity.Create();
            await s.SetSettingAsync(SettingNames.IdentityKey, Convert.ToBase64String(identity.ExportPkcs8()));
            foreach (var name in NewIdentityDropsSettings) await s.DeleteSettingAsync(name);
            var removal = await s.DeleteAllKeyPacksAndCalsAsync();
            var packs = removal.Packs;
            if (packs.Count > 0)
                await s.AddEventAsync(now, LicensingEventId.ForeignKeyPacksRemoved,
                    $"{packs.Count} key pack(s) of the backup ({packs.Sum(p => p.Total)} licenses, {removal.LiveCals} issued CAL(s)) belong to license server {backupProductId} and were not restored: " +
                    $"this is a new license server, {identity.ProductId}. Activate it, then migrate the licenses from {backupProductId} through the clearinghouse.");
            await s.AddEventAsync(now, LicensingEventId.DatabaseRestored,
                $"The data of a backup of license server {backupProductId} was restored under a new identity {identity.ProductId} (not activated, no key packs).");
            return new RestoreOutcome(identity.ProductId, null, RestoredIdentity.New, [], packs, removal.LiveCals, null, backupProductId);
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
            return new RestoreOutcome(productId, productId, RestoredIdentity.Directory, packs, foreign, removal.LiveCals, null, backupProductId);
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
