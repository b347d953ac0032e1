using Dapper;

namespace RdLicensing.Storage;

/// <summary>A key a license server told this host it retired (DER SubjectPublicKeyInfo), when and why, and when the host learned it.</summary>
public sealed record RetiredLicenseServerKeyRecord(string ProductId, byte[] PublicKey, DateTimeOffset RetiredAt, string Reason, DateTimeOffset LearnedAt);

public sealed partial class SessionHostStore
{
    public Task<IReadOnlyList<RetiredLicenseServerKeyRecord>> RetiredKeysAsync(CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<RetiredLicenseServerKeyRecord>>(async c =>
            (await c.QueryAsync<(string ProductId, string PublicKey, long RetiredAt, string Reason, long LearnedAt)>(
                Query("SELECT product_id, public_key, retired_at, reason, learned_at FROM license_server_retired_keys ORDER BY product_id, retired_at", null,
                    cancellationToken)))
            .Select(r => new RetiredLicenseServerKeyRecord(r.ProductId, Convert.FromBase64String(r.PublicKey), Times.FromDb(r.RetiredAt), r.Reason, Times.FromDb(r.LearnedAt)))
            .ToList(), cancellationToken);
}

public sealed partial class SessionHostWriteSession
{
    /// <summary>Records a retired key; one already recorded stays as first learned. True when it is new.</summary>
    public async Task<bool> AddRetiredKeyAsync(RetiredLicenseServerKeyRecord key) =>
        await _tx.Connection.ExecuteAsync(Cmd(
            """
            INSERT INTO license_server_retired_keys (product_id, public_key, retired_at, reason, learned_at) VALUES (@productId, @key, @retiredAt, @reason, @learnedAt)
            ON CONFLICT (product_id, public_key) DO NOTHING
            """,
            new
            {
                productId = key.ProductId, key = Convert.ToBase64String(key.PublicKey), retiredAt = Times.ToDb(key.RetiredAt), reason = key.Reason,
                learnedAt = Times.ToDb(key.LearnedAt),
            })) == 1;
}
