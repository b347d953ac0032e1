using Dapper;

namespace RdLicensing.Storage;

/// <summary>Something the vendor should see: a lock-out of a client address or a Product ID, and why.</summary>
/// <param name="Kind">E.g. "unrecognized-identifiers-address", "unrecognized-identifiers-product".</param>
/// <param name="Route">The request that crossed the limit, e.g. "POST /api/licenses".</param>
public sealed record SecurityEventRecord(long Id, DateTimeOffset OccurredAt, string Kind, string? ClientAddress, string? ProductId, string Route, string Detail);

public sealed partial class ClearinghouseStore
{
    /// <summary>Records one security event in its own transaction.</summary>
    public Task AddSecurityEventAsync(DateTimeOffset occurredAt, string kind, string? clientAddress, string? productId, string route, string detail,
        CancellationToken cancellationToken = default) =>
        WriteAsync(s => s.InsertSecurityEventAsync(occurredAt, kind, clientAddress, productId, route, detail), cancellationToken);

    /// <summary>Security events, newest first.</summary>
    public Task<IReadOnlyList<SecurityEventRecord>> SecurityEventsAsync(int limit = 1000, CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<SecurityEventRecord>>(async c =>
            (await c.QueryAsync<SecurityEventRow>(
                "SELECT id, occurred_at, kind, client_address, product_id, route, detail FROM security_events ORDER BY id DESC LIMIT @limit", new { limit }))
            .Select(r => new SecurityEventRecord(r.id, Times.FromDb(r.occurred_at), r.kind, r.client_address, r.product_id, r.route, r.detail)).ToList(),
            cancellationToken);

    private sealed class SecurityEventRow
    {
        public long id { get; set; }
        public long occurred_at { get; set; }
        public string kind { get; set; } = "";
        public string? client_address { get; set; }
        public string? product_id { get; set; }
        public string route { get; set; } = "";
        public string detail { get; set; } = "";
    }
}

public sealed partial class ClearinghouseWriteSession
{
    public Task InsertSecurityEventAsync(DateTimeOffset occurredAt, string kind, string? clientAddress, string? productId, string route, string detail) =>
        _tx.Connection.ExecuteAsync(Cmd(
            "INSERT INTO security_events (occurred_at, kind, client_address, product_id, route, detail) VALUES (@at, @kind, @clientAddress, @productId, @route, @detail)",
            new { at = Times.ToDb(occurredAt), kind, clientAddress, productId, route, detail }));
}
