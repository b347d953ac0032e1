using Dapper;

namespace RdLicensing.Storage;

/// <summary>
/// Something the vendor should see, in one list (sqlite/clearinghouse/0008_one_security_event_list.sql): a refused attempt to act
/// for a license server without its proof (no or a bad signature, another or a retired key, a replayed proof or request code, a
/// second installation of one identity, a migration it could not prove), or a lock-out of a client address or a Product ID after
/// too many unrecognized identifiers.
/// </summary>
/// <param name="Kind">The refusal's problem type (e.g. "proof-not-recognized", "nothing-released") or the lock-out ("unrecognized-identifiers-address", "-product").</param>
/// <param name="ProductId">The license server the request named or tried to act for, when it had one.</param>
/// <param name="InstallationId">The installation (database) that signed, when the request was signed.</param>
/// <param name="Route">The request, e.g. "POST /api/licenses" or "POST /migrate".</param>
public sealed record SecurityEventRecord(long Id, DateTimeOffset OccurredAt, string Kind, string? ClientAddress, string? ProductId, string? InstallationId,
    string Route, string Detail);

public sealed partial class ClearinghouseStore
{
    /// <summary>Records one security event in its own transaction (the refused request's transaction rolled back).</summary>
    public Task AddSecurityEventAsync(DateTimeOffset occurredAt, string kind, string? clientAddress, string? productId, string? installationId, string route,
        string detail, CancellationToken cancellationToken = default) =>
        WriteAsync(s => s.InsertSecurityEventAsync(occurredAt, kind, clientAddress, productId, installationId, route, detail), cancellationToken);

    /// <summary>Security events, newest first; only those naming <paramref name="productId"/> when given.</summary>
    public Task<IReadOnlyList<SecurityEventRecord>> SecurityEventsAsync(string? productId = null, int limit = 1000, CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<SecurityEventRecord>>(async c =>
            (await c.QueryAsync<SecurityEventRow>(new CommandDefinition(
                """
                SELECT id, occurred_at, kind, client_address, product_id, installation_id, route, detail FROM security_events
                WHERE @productId IS NULL OR product_id = @productId ORDER BY occurred_at DESC, id DESC LIMIT @limit
                """, new { productId, limit }, cancellationToken: cancellationToken)))
            .Select(r => new SecurityEventRecord(r.id, Times.FromDb(r.occurred_at), r.kind, r.client_address, r.product_id, r.installation_id, r.route, r.detail))
            .ToList(),
            cancellationToken);

    private sealed class SecurityEventRow
    {
        public long id { get; set; }
        public long occurred_at { get; set; }
        public string kind { get; set; } = "";
        public string? client_address { get; set; }
        public string? product_id { get; set; }
        public string? installation_id { get; set; }
        public string route { get; set; } = "";
        public string detail { get; set; } = "";
    }
}

public sealed partial class ClearinghouseWriteSession
{
    public Task InsertSecurityEventAsync(DateTimeOffset occurredAt, string kind, string? clientAddress, string? productId, string? installationId, string route,
        string detail) =>
        _tx.Connection.ExecuteAsync(Cmd(
            """
            INSERT INTO security_events (occurred_at, kind, client_address, product_id, installation_id, route, detail)
            VALUES (@at, @kind, @clientAddress, @productId, @installationId, @route, @detail)
            """,
            new { at = Times.ToDb(occurredAt), kind, clientAddress, productId, installationId, route, detail }));
}
