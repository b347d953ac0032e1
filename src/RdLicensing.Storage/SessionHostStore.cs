using Dapper;
using RdLicensing.Storage.Sqlite;

namespace RdLicensing.Storage;

/// <summary>
/// The session host's database (its own migrations, sqlite/sessionhost/): local settings, the grace period
/// start, enrollment tokens, learned license server keys, sessions and events. Reads run on their own
/// connections; every change goes through <see cref="WriteAsync{T}"/> as one transaction.
/// </summary>
public sealed partial class SessionHostStore(IStoreDialect dialect) : SqlStore<SessionHostWriteSession>(dialect, tx => new SessionHostWriteSession(tx))
{
    /// <summary>The folder under sqlite/ whose scripts make this database (pass it to <see cref="SqliteDialect"/>).</summary>
    public const string SqliteMigrations = "sessionhost";

    /// <summary>A read's statement, cancelled with its caller.</summary>
    private static CommandDefinition Query(string sql, object? args, CancellationToken cancellationToken) => new(sql, args, cancellationToken: cancellationToken);

    public Task<IReadOnlyDictionary<string, string>> SettingsAsync(CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyDictionary<string, string>>(async c =>
            (await c.QueryAsync<(string name, string value)>(Query("SELECT name, value FROM settings", null, cancellationToken))).ToDictionary(r => r.name, r => r.value, StringComparer.Ordinal),
            cancellationToken);

    public Task<IReadOnlyList<LicenseServerTokenRecord>> TokensAsync(CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<LicenseServerTokenRecord>>(async c =>
            (await c.QueryAsync<LicenseServerTokenRow>(Query("SELECT url, token, enrolled_at FROM license_server_tokens ORDER BY url", null, cancellationToken)))
            .Select(r => r.ToDomain()).ToList(), cancellationToken);

    public Task<LicenseServerTokenRecord?> TokenAsync(string url, CancellationToken cancellationToken = default) =>
        ReadAsync(async c => (await c.QuerySingleOrDefaultAsync<LicenseServerTokenRow>(Query(
            "SELECT url, token, enrolled_at FROM license_server_tokens WHERE url = @url", new { url }, cancellationToken)))?.ToDomain(), cancellationToken);

    public Task<IReadOnlyList<LicenseServerKeyRecord>> KeysAsync(CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<LicenseServerKeyRecord>>(async c =>
            (await c.QueryAsync<LicenseServerKeyRow>(Query($"SELECT {LicenseServerKeyRow.Columns} FROM license_server_keys ORDER BY learned_at", null, cancellationToken)))
            .Select(r => r.ToDomain()).ToList(), cancellationToken);

    public Task<HostSessionRecord?> SessionAsync(string id, CancellationToken cancellationToken = default) =>
        ReadAsync(async c => (await c.QuerySingleOrDefaultAsync<HostSessionRow>(Query(
            $"SELECT {HostSessionRow.Columns} FROM sessions WHERE id = @id", new { id }, cancellationToken)))?.ToDomain(), cancellationToken);

    /// <summary>Open sessions, oldest first.</summary>
    public Task<IReadOnlyList<HostSessionRecord>> OpenSessionsAsync(CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<HostSessionRecord>>(async c =>
            (await c.QueryAsync<HostSessionRow>(Query($"SELECT {HostSessionRow.Columns} FROM sessions WHERE ended_at IS NULL ORDER BY started_at, id", null, cancellationToken)))
            .Select(r => r.ToDomain()).ToList(), cancellationToken);

    public Task<IReadOnlyList<SessionHostEvent>> EventsAsync(SessionHostEventQuery query, CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<SessionHostEvent>>(async c =>
        {
            var where = new List<string>();
            if (query.EventId is not null) where.Add("event_id = @eventId");
            if (query.MinimumLevel is not null) where.Add("level >= @level");
            if (query.AfterSequence is not null) where.Add("seq > @after");
            var filter = where.Count == 0 ? "" : "WHERE " + string.Join(" AND ", where);
            var rows = await c.QueryAsync<SessionHostEventRow>(Query(
                $"SELECT {SessionHostEventRow.Columns} FROM events {filter} ORDER BY seq DESC LIMIT @limit",
                new { eventId = (int?)query.EventId, level = (int?)query.MinimumLevel, after = query.AfterSequence, limit = query.Limit }, cancellationToken));
            return rows.Select(r => r.ToDomain()).ToList();
        }, cancellationToken);
}
