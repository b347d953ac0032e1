using Dapper;

namespace RdLicensing.Storage;

/// <summary>A stored revocation list: whose (Product ID), its number and times, and the signed list itself (DER).</summary>
public sealed record StoredRevocationList(string ProductId, long Number, DateTimeOffset ThisUpdate, DateTimeOffset NextUpdate, byte[] List, DateTimeOffset StoredAt);

/// <summary>The last revocation list fetch from one license server URL.</summary>
public sealed record RevocationSyncRecord(string Url, DateTimeOffset AttemptedAt, DateTimeOffset? SyncedAt, long? Number, string? Problem);

public sealed partial class SessionHostStore
{
    public Task<IReadOnlyList<StoredRevocationList>> RevocationListsAsync(CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<StoredRevocationList>>(async c =>
            (await c.QueryAsync<(string ProductId, long Number, long ThisUpdate, long NextUpdate, string List, long StoredAt)>(
                Query("SELECT product_id, number, this_update, next_update, list, stored_at FROM revocation_lists", null, cancellationToken)))
            .Select(r => new StoredRevocationList(r.ProductId, r.Number, Times.FromDb(r.ThisUpdate), Times.FromDb(r.NextUpdate), Convert.FromBase64String(r.List),
                Times.FromDb(r.StoredAt))).ToList(), cancellationToken);

    public Task<IReadOnlyList<RevocationSyncRecord>> RevocationSyncsAsync(CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<RevocationSyncRecord>>(async c =>
            (await c.QueryAsync<(string Url, long AttemptedAt, long? SyncedAt, long? Number, string? Problem)>(
                Query("SELECT url, attempted_at, synced_at, number, problem FROM revocation_syncs ORDER BY url", null, cancellationToken)))
            .Select(r => new RevocationSyncRecord(r.Url, Times.FromDb(r.AttemptedAt), Times.FromDb(r.SyncedAt), r.Number, r.Problem)).ToList(), cancellationToken);
}

public sealed partial class SessionHostWriteSession
{
    /// <summary>Stores a verified list unless a list of a higher number is stored already; true when stored.</summary>
    public async Task<bool> SetRevocationListAsync(StoredRevocationList list) =>
        await _tx.Connection.ExecuteAsync(Cmd(
            """
            INSERT INTO revocation_lists (product_id, number, this_update, next_update, list, stored_at) VALUES (@productId, @number, @thisUpdate, @nextUpdate, @list, @storedAt)
            ON CONFLICT (product_id) DO UPDATE SET number = excluded.number, this_update = excluded.this_update, next_update = excluded.next_update,
                list = excluded.list, stored_at = excluded.stored_at
            WHERE excluded.number >= revocation_lists.number
            """,
            new
            {
                productId = list.ProductId, number = list.Number, thisUpdate = Times.ToDb(list.ThisUpdate), nextUpdate = Times.ToDb(list.NextUpdate),
                list = Convert.ToBase64String(list.List), storedAt = Times.ToDb(list.StoredAt),
            })) == 1;

    /// <summary>Records a fetch: <paramref name="number"/> set when it succeeded (then synced_at moves), else the problem.</summary>
    public Task RecordRevocationSyncAsync(string url, DateTimeOffset at, long? number, string? problem) => _tx.Connection.ExecuteAsync(Cmd(
        """
        INSERT INTO revocation_syncs (url, attempted_at, synced_at, number, problem) VALUES (@url, @at, CASE WHEN @number IS NULL THEN NULL ELSE @at END, @number, @problem)
        ON CONFLICT (url) DO UPDATE SET attempted_at = excluded.attempted_at, problem = excluded.problem,
            synced_at = COALESCE(excluded.synced_at, revocation_syncs.synced_at), number = COALESCE(excluded.number, revocation_syncs.number)
        """,
        new { url, at = Times.ToDb(at), number, problem }));
}
