using Dapper;

namespace RdLicensing.Storage;

public sealed partial class ClearinghouseStore
{
    /// <summary>Every identity key recorded for <paramref name="productId"/>, newest first (retired ones included).</summary>
    public Task<IReadOnlyList<ServerKeyRecord>> ServerKeysAsync(string productId, CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<ServerKeyRecord>>(async c =>
            (await c.QueryAsync<ServerKeyRow>(new CommandDefinition($"SELECT {ServerKeyRow.Columns} FROM license_server_keys WHERE product_id = @productId ORDER BY id DESC", new { productId }, cancellationToken: cancellationToken)))
            .Select(r => r.ToDomain()).ToList(), cancellationToken);
}

/// <summary>An installation of a license server identity that another installation took over.</summary>
public sealed record RetiredInstallation(string ProductId, string InstallationId, DateTimeOffset RetiredAt, string ReplacedBy);

public sealed partial class ClearinghouseWriteSession
{
    /// <summary>When the recorded installation of the current key last proved itself (null: not since it was recorded).</summary>
    public async Task<DateTimeOffset?> ServerLastContactAsync(string productId) =>
        await _tx.Connection.ExecuteScalarAsync<long?>(Cmd(
            "SELECT last_contact_at FROM license_server_keys WHERE product_id = @productId AND retired_at IS NULL", new { productId })) is { } t ? Times.FromDb(t) : null;

    /// <summary>The recorded installation proved itself now.</summary>
    public Task TouchServerInstallationAsync(string productId, string installationId, DateTimeOffset now) => _tx.Connection.ExecuteAsync(Cmd(
        "UPDATE license_server_keys SET installation_id = @installationId, last_contact_at = @now WHERE product_id = @productId AND retired_at IS NULL",
        new { productId, installationId, now = Times.ToDb(now) }));

    public async Task<RetiredInstallation?> RetiredInstallationAsync(string productId, string installationId) =>
        (await _tx.Connection.QuerySingleOrDefaultAsync<RetiredInstallationRow>(Cmd(
            "SELECT product_id, installation_id, retired_at, replaced_by FROM retired_installations WHERE product_id = @productId AND installation_id = @installationId",
            new { productId, installationId }))) is { } r ? new RetiredInstallation(r.product_id, r.installation_id, Times.FromDb(r.retired_at), r.replaced_by) : null;

    public Task RetireInstallationAsync(string productId, string installationId, string replacedBy, DateTimeOffset now) => _tx.Connection.ExecuteAsync(Cmd(
        """
        INSERT INTO retired_installations (product_id, installation_id, retired_at, replaced_by) VALUES (@productId, @installationId, @now, @replacedBy)
        ON CONFLICT (product_id, installation_id) DO UPDATE SET retired_at = excluded.retired_at, replaced_by = excluded.replaced_by
        """,
        new { productId, installationId, replacedBy, now = Times.ToDb(now) }));
}

internal sealed class RetiredInstallationRow
{
    public string product_id { get; set; } = "";
    public string installation_id { get; set; } = "";
    public long retired_at { get; set; }
    public string replaced_by { get; set; } = "";
}
