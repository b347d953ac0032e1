using Dapper;

namespace RdLicensing.Storage;

/// <summary>A refused attempt to act for a license server without its proof (see sqlite/clearinghouse/0004_security_events.sql).</summary>
public sealed record ServerSecurityEvent(long Id, DateTimeOffset OccurredAt, string Kind, string? ProductId, string? InstallationId, string? Address,
    string Path, string Detail);

public sealed partial class ClearinghouseStore
{
    /// <summary>The latest refused attempts, newest first; only those naming <paramref name="productId"/> when given.</summary>
    public Task<IReadOnlyList<ServerSecurityEvent>> ServerSecurityEventsAsync(string? productId = null, int limit = 1000, CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<ServerSecurityEvent>>(async c =>
            (await c.QueryAsync<ServerSecurityEventRow>(
                $"SELECT {ServerSecurityEventRow.Columns} FROM server_security_events WHERE @productId IS NULL OR product_id = @productId ORDER BY id DESC LIMIT @limit",
                new { productId, limit }))
            .Select(r => r.ToDomain()).ToList(), cancellationToken);
}

public sealed partial class ClearinghouseWriteSession
{
    public Task AddServerSecurityEventAsync(DateTimeOffset now, string kind, string? productId, string? installationId, string? address, string path, string detail) =>
        _tx.Connection.ExecuteAsync(Cmd(
            """
            INSERT INTO server_security_events (occurred_at, kind, product_id, installation_id, address, path, detail)
            VALUES (@now, @kind, @productId, @installationId, @address, @path, @detail)
            """,
            new { now = Times.ToDb(now), kind, productId, installationId, address, path, detail }));
}

internal sealed class ServerSecurityEventRow
{
    public const string Columns = "id, occurred_at, kind, product_id, installation_id, address, path, detail";

    public long id { get; set; }
    public long occurred_at { get; set; }
    public string kind { get; set; } = "";
    public string? product_id { get; set; }
    public string? installation_id { get; set; }
    public string? address { get; set; }
    public string path { get; set; } = "";
    public string detail { get; set; } = "";

    public ServerSecurityEvent ToDomain() => new(id, Times.FromDb(occurred_at), kind, product_id, installation_id, address, path, detail);
}
