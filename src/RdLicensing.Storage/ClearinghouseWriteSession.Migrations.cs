using Dapper;

namespace RdLicensing.Storage;

// Migration moves, never copies: releases signed by a running source, claims signed by the target, dead-source migrations
// proven by purchase identifiers, and the refusals the vendor reviews.
public sealed partial class ClearinghouseWriteSession
{
    /// <summary>A running source gives up an active install: it becomes 'moved' (no target pack yet). False when it was no longer active.</summary>
    public async Task<bool> ReleaseInstallAsync(Guid keyPackId) =>
        await _tx.Connection.ExecuteAsync(Cmd(
            "UPDATE installs SET status = 'moved' WHERE key_pack_id = @id AND status = 'active'", new { id = keyPackId.ToString("D") })) == 1;

    /// <summary>The source install names the pack that replaced it, once the target claimed it.</summary>
    public Task SetInstallMovedToAsync(Guid keyPackId, Guid movedTo) => _tx.Connection.ExecuteAsync(Cmd(
        "UPDATE installs SET moved_to = @movedTo WHERE key_pack_id = @id AND status = 'moved'",
        new { id = keyPackId.ToString("D"), movedTo = movedTo.ToString("D") }));

    public Task InsertMigrationAsync(MigrationRecord m) => _tx.Connection.ExecuteAsync(Cmd(
        $"""
        INSERT INTO migrations ({MigrationRow.Columns})
        VALUES (@source_key_pack_id, @kind, @source_product_id, @target_product_id, @quantity, @recorded_at, @new_key_pack_id, @claimed_at, @notified_at)
        """,
        new
        {
            source_key_pack_id = m.SourceKeyPackId.ToString("D"), kind = m.Kind, source_product_id = m.SourceProductId, target_product_id = m.TargetProductId,
            quantity = m.Quantity, recorded_at = Times.ToDb(m.RecordedAt), new_key_pack_id = m.NewKeyPackId?.ToString("D"), claimed_at = Times.ToDb(m.ClaimedAt),
            notified_at = Times.ToDb(m.NotifiedAt),
        }));

    public async Task<MigrationRecord?> MigrationAsync(Guid sourceKeyPackId) =>
        (await _tx.Connection.QuerySingleOrDefaultAsync<MigrationRow>(Cmd(
            $"SELECT {MigrationRow.Columns} FROM migrations WHERE source_key_pack_id = @id", new { id = sourceKeyPackId.ToString("D") })))?.ToDomain();

    /// <summary>What a source released to a target and the target has not claimed yet.</summary>
    public async Task<IReadOnlyList<MigrationRecord>> UnclaimedReleasesAsync(string sourceProductId, string targetProductId) =>
        (await _tx.Connection.QueryAsync<MigrationRow>(Cmd(
            $"""
            SELECT {MigrationRow.Columns} FROM migrations
            WHERE source_product_id = @sourceProductId AND target_product_id = @targetProductId AND kind = 'live' AND claimed_at IS NULL
            ORDER BY recorded_at, source_key_pack_id
            """, new { sourceProductId, targetProductId }))).Select(r => r.ToDomain()).ToList();

    /// <summary>Claims a release once; false when another claim won.</summary>
    public async Task<bool> ClaimReleaseAsync(Guid sourceKeyPackId, Guid newKeyPackId, DateTimeOffset now) =>
        await _tx.Connection.ExecuteAsync(Cmd(
            "UPDATE migrations SET new_key_pack_id = @newId, claimed_at = @now WHERE source_key_pack_id = @id AND claimed_at IS NULL",
            new { id = sourceKeyPackId.ToString("D"), newId = newKeyPackId.ToString("D"), now = Times.ToDb(now) })) == 1;

    /// <summary>Dead-source migrations of this source it has not been told of yet.</summary>
    public async Task<IReadOnlyList<MigrationRecord>> UnnotifiedDeadMigrationsAsync(string sourceProductId) =>
        (await _tx.Connection.QueryAsync<MigrationRow>(Cmd(
            $"SELECT {MigrationRow.Columns} FROM migrations WHERE source_product_id = @sourceProductId AND kind = 'dead' AND notified_at IS NULL ORDER BY recorded_at",
            new { sourceProductId }))).Select(r => r.ToDomain()).ToList();

    public Task MarkMigrationsNotifiedAsync(IEnumerable<Guid> sourceKeyPackIds, DateTimeOffset now) => _tx.Connection.ExecuteAsync(Cmd(
        "UPDATE migrations SET notified_at = @now WHERE source_key_pack_id = @id AND notified_at IS NULL",
        sourceKeyPackIds.Select(id => new { id = id.ToString("D"), now = Times.ToDb(now) }).ToArray()));

}
