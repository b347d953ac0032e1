using Dapper;

namespace RdLicensing.Storage;

// Proof of possession: the license servers' identity keys and the single-use nonces of their proofs.
public sealed partial class ClearinghouseWriteSession
{
    /// <summary>The key the clearinghouse trusts for this Product ID now (null: never recorded).</summary>
    public async Task<ServerKeyRecord?> CurrentServerKeyAsync(string productId) =>
        (await _tx.Connection.QuerySingleOrDefaultAsync<ServerKeyRow>(Cmd(
            $"SELECT {ServerKeyRow.Columns} FROM license_server_keys WHERE product_id = @productId AND retired_at IS NULL", new { productId })))?.ToDomain();

    /// <summary>Every key recorded for this Product ID, newest first (retired ones included).</summary>
    public async Task<IReadOnlyList<ServerKeyRecord>> ServerKeysAsync(string productId) =>
        (await _tx.Connection.QueryAsync<ServerKeyRow>(Cmd(
            $"SELECT {ServerKeyRow.Columns} FROM license_server_keys WHERE product_id = @productId ORDER BY id DESC", new { productId })))
        .Select(r => r.ToDomain()).ToList();

    /// <summary>Records <paramref name="key"/> as the current key, retiring the one before (if any) with <paramref name="retiredReason"/>.</summary>
    public async Task RecordServerKeyAsync(string productId, byte[] publicKey, string fingerprint, string? installationId, DateTimeOffset now, string? retiredReason = null)
    {
        await _tx.Connection.ExecuteAsync(Cmd(
            "UPDATE license_server_keys SET retired_at = @now, retired_reason = @retiredReason WHERE product_id = @productId AND retired_at IS NULL",
            new { productId, now = Times.ToDb(now), retiredReason = retiredReason ?? "replaced" }));
        await _tx.Connection.ExecuteAsync(Cmd(
            """
            INSERT INTO license_server_keys (product_id, public_key, fingerprint, installation_id, recorded_at)
            VALUES (@productId, @publicKey, @fingerprint, @installationId, @now)
            """,
            new { productId, publicKey, fingerprint, installationId, now = Times.ToDb(now) }));
    }

    /// <summary>Records which installation (data directory) of the server last proved itself with the current key.</summary>
    public Task SetServerInstallationAsync(string productId, string installationId) => _tx.Connection.ExecuteAsync(Cmd(
        "UPDATE license_server_keys SET installation_id = @installationId WHERE product_id = @productId AND retired_at IS NULL",
        new { productId, installationId }));

    /// <summary>Uses a proof's nonce; false when it was used before (a replayed request or request code).</summary>
    public async Task<bool> TryUseNonceAsync(string nonce, string productId, string purpose, DateTimeOffset now) =>
        await _tx.Connection.ExecuteAsync(Cmd(
            "INSERT INTO used_request_nonces (nonce, product_id, purpose, used_at) VALUES (@nonce, @productId, @purpose, @now) ON CONFLICT (nonce) DO NOTHING",
            new { nonce, productId, purpose, now = Times.ToDb(now) })) == 1;
}

public sealed partial class ClearinghouseWriteSession
{
    /// <summary>
    /// Uses an installation's clearinghouse contact number; false when that installation used it before (another live copy of the
    /// same database). <paramref name="highest"/>: the highest number this installation used so far (before this one).
    /// </summary>
    /// <summary>The highest contact number an installation used, or null when it never numbered its contacts (version 1 proofs only).</summary>
    public Task<long?> HighestContactAsync(string productId, string installationId) =>
        _tx.Connection.ExecuteScalarAsync<long?>(Cmd(
            "SELECT MAX(contact) FROM installation_contacts WHERE product_id = @productId AND installation_id = @installationId", new { productId, installationId }));

    public async Task<(bool Used, long? Highest)> TryUseContactAsync(string productId, string installationId, long contact, DateTimeOffset now)
    {
        var highest = await _tx.Connection.ExecuteScalarAsync<long?>(Cmd(
            "SELECT MAX(contact) FROM installation_contacts WHERE product_id = @productId AND installation_id = @installationId", new { productId, installationId }));
        var used = await _tx.Connection.ExecuteAsync(Cmd(
            """
            INSERT INTO installation_contacts (product_id, installation_id, contact, used_at) VALUES (@productId, @installationId, @contact, @now)
            ON CONFLICT (product_id, installation_id, contact) DO NOTHING
            """,
            new { productId, installationId, contact, now = Times.ToDb(now) })) == 1;
        return (used, highest);
    }
}
