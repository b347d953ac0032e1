using Dapper;
using RdLicensing.Core.Cals;
using RdLicensing.Core.KeyPacks;

namespace RdLicensing.Storage;

/// <summary>An administrator credential as stored: only the token's hash.</summary>
public sealed record AdminCredentialRecord(string Name, string TokenHash, DateTimeOffset CreatedAt);

/// <summary>What removing key packs took away: the packs, and how many of their CALs were live (temporary or active).</summary>
public sealed record KeyPackRemoval(IReadOnlyList<KeyPack> Packs, int LiveCals, int CalRows);

// Whole-database operations of activation, Install Licenses and recovery (rebuild, restore, migration).
public sealed partial class LicenseWriteSession
{
    public async Task<KeyPack?> KeyPackAsync(Guid id) =>
        (await _tx.Connection.QuerySingleOrDefaultAsync<KeyPackRow>(Cmd($"SELECT {KeyPackRow.Columns} FROM key_packs WHERE id = @id", new { id = id.ToString("D") })))?.ToDomain();

    public async Task<IReadOnlyList<KeyPack>> AllKeyPacksAsync() =>
        (await _tx.Connection.QueryAsync<KeyPackRow>(Cmd($"SELECT {KeyPackRow.Columns} FROM key_packs ORDER BY installed_at, id")))
        .Select(r => r.ToDomain()).ToList();

    /// <summary>Rebuild: every key pack and every issued CAL goes. CAL ids are never reused, so tokens of deleted CALs stay invalid.</summary>
    public async Task<KeyPackRemoval> DeleteAllKeyPacksAndCalsAsync()
    {
        var packs = await AllKeyPacksAsync();
        var live = await CountLiveAsync("1 = 1", null);
        var rows = await _tx.Connection.ExecuteAsync(Cmd("DELETE FROM issued_cals"));
        await PacksChanged(_tx.Connection.ExecuteAsync(Cmd("DELETE FROM key_packs")));
        return new KeyPackRemoval(packs, live, rows);
    }

    /// <summary>Removes the packs and every CAL row that points at them (the foreign key allows nothing else).</summary>
    public async Task<KeyPackRemoval> RemoveKeyPacksAsync(IReadOnlyList<KeyPack> packs)
    {
        int live = 0, rows = 0;
        foreach (var pack in packs)
        {
            var id = pack.Id.ToString("D");
            live += await CountLiveAsync("key_pack_id = @id", new { id });
            rows += await _tx.Connection.ExecuteAsync(Cmd("DELETE FROM issued_cals WHERE key_pack_id = @id", new { id }));
            await PacksChanged(_tx.Connection.ExecuteAsync(Cmd("DELETE FROM key_packs WHERE id = @id", new { id })));
        }
        return new KeyPackRemoval(packs, live, rows);
    }

    /// <summary>The signed document a key pack was installed from (a key pack file or license key pack ID), to put the pack back.</summary>
    public Task<string?> KeyPackDocumentAsync(Guid id) =>
        _tx.Connection.QuerySingleOrDefaultAsync<string?>(Cmd("SELECT document FROM key_packs WHERE id = @id", new { id = id.ToString("D") }));

    public Task DeleteSettingAsync(string name)
    {
        _batch.Policies = null;
        return _tx.Connection.ExecuteAsync(Cmd("DELETE FROM settings WHERE name = @name", new { name }));
    }

    public async Task<IReadOnlyList<AdminCredentialRecord>> AdminCredentialsAsync() =>
        (await _tx.Connection.QueryAsync<(string name, string hash, long created)>(Cmd("SELECT name, token_hash, created_at FROM admin_credentials ORDER BY id")))
        .Select(r => new AdminCredentialRecord(r.name, r.hash, Times.FromDb(r.created))).ToList();

    /// <summary>Restore keeping this server's identity keeps its administrators too.</summary>
    public async Task ReplaceAdminCredentialsAsync(IReadOnlyList<AdminCredentialRecord> credentials)
    {
        await _tx.Connection.ExecuteAsync(Cmd("DELETE FROM admin_credentials"));
        foreach (var c in credentials)
            await _tx.Connection.ExecuteAsync(Cmd("INSERT INTO admin_credentials (name, token_hash, created_at) VALUES (@name, @hash, @at)",
                new { name = c.Name, hash = c.TokenHash, at = Times.ToDb(c.CreatedAt) }));
    }

    public async Task<bool> IsAdminTokenAsync(string token) =>
        await _tx.Connection.ExecuteScalarAsync<long>(Cmd("SELECT COUNT(*) FROM admin_credentials WHERE token_hash = @h", new { h = LicenseStore.HashToken(token) })) > 0;

    /// <summary>Adds a credential under a name not yet taken (names are unique): the name, suffixed when needed.</summary>
    public async Task<string> AddAdminCredentialAsync(string name, string token, DateTimeOffset now)
    {
        var unique = name;
        for (var n = 2; await _tx.Connection.ExecuteScalarAsync<long>(Cmd("SELECT COUNT(*) FROM admin_credentials WHERE name = @unique", new { unique })) > 0; n++)
            unique = $"{name} ({n})";
        await _tx.Connection.ExecuteAsync(Cmd("INSERT INTO admin_credentials (name, token_hash, created_at) VALUES (@unique, @h, @at)",
            new { unique, h = LicenseStore.HashToken(token), at = Times.ToDb(now) }));
        return unique;
    }

    private Task<int> CountLiveAsync(string filter, object? args)
    {
        var parameters = new DynamicParameters(args);
        parameters.Add("temporary", (int)CalStatus.Temporary);
        parameters.Add("active", (int)CalStatus.Active);
        return _tx.Connection.ExecuteScalarAsync<int>(Cmd($"SELECT COUNT(*) FROM issued_cals WHERE {filter} AND status IN (@temporary, @active)", parameters));
    }
}
