using System.Security.Cryptography;
using System.Text;
using Dapper;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Events;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Versions;

namespace RdLicensing.Storage;

/// <summary>
/// The license server's database. Reads run on their own connections; every change that touches
/// several rows goes through <see cref="WriteAsync{T}"/> as one transaction.
/// </summary>
public sealed partial class LicenseStore : SqlStore<LicenseWriteSession>
{
    private readonly PendingTokenDigests _tokenDigests;

    public LicenseStore(IStoreDialect dialect) : this(dialect, new PendingTokenDigests())
    {
    }

    private LicenseStore(IStoreDialect dialect, PendingTokenDigests tokenDigests)
        : base(dialect, tx => new LicenseWriteSession(tx, tokenDigests: tokenDigests)) => _tokenDigests = tokenDigests;

    /// <summary>
    /// Records the digest of a CAL token this server signed (or verified) for CAL <paramref name="calId"/> of device
    /// <paramref name="hardwareId"/>, so that the device presenting it again is known without a signature check — after a
    /// restart and on every node. Queued: it goes in with the next write transaction (<see cref="PendingTokenDigests"/>),
    /// started here when none is coming; nothing waits for it, and one lost costs one signature check later.
    /// </summary>
    public void RecordTokenDigest(long calId, string hardwareId, CalTokenDigest digest)
    {
        if (!_tokenDigests.Add(calId, hardwareId, digest.ToArray()) || !_tokenDigests.ClaimFlush()) return;
        _ = TakeTokenDigestsAsync();
    }

    /// <summary>
    /// Told when the write a queued digest started failed (the database refused it): the digests it held are lost, each a
    /// signature check later. The license server logs it as a warning.
    /// </summary>
    public Action<Exception>? TokenDigestsNotWritten { private get; set; }

    /// <summary>Writes the token digests waiting now, and returns once they are committed (the bench's seeding; tests).</summary>
    public Task FlushTokenDigestsAsync(CancellationToken cancellationToken = default) => WriteAsync(static _ => Task.FromResult(0), cancellationToken);

    private async Task TakeTokenDigestsAsync()
    {
        try
        {
            await WriteAsync(static _ => Task.FromResult(0), CancellationToken.None);
        }
        catch (Exception e) when (e is System.Data.Common.DbException or InvalidOperationException or IOException or TimeoutException or OperationCanceledException)
        {
            // The database refused the write (it is closing, or failing): the digests wait for the next transaction, or are lost
            // with this one — each a signature check later. The next digest queued starts another write.
            _tokenDigests.ReleaseFlush();
            TokenDigestsNotWritten?.Invoke(e);
        }
    }

    public Task<IReadOnlyList<KeyPack>> KeyPacksAsync(CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<KeyPack>>(async c =>
            (await c.QueryAsync<KeyPackRow>(new CommandDefinition($"SELECT {KeyPackRow.Columns} FROM key_packs ORDER BY installed_at, id", cancellationToken: cancellationToken)))
            .Select(r => r.ToDomain()).ToList(), cancellationToken);

    public Task<IssuedCal?> CalAsync(long id, CancellationToken cancellationToken = default) =>
        ReadAsync(async c => (await c.QuerySingleOrDefaultAsync<CalRow>(new CommandDefinition($"SELECT {CalRow.Columns} FROM issued_cals WHERE id = @id", new { id },
                cancellationToken: cancellationToken)))?.ToDomain(),
            cancellationToken);

    public Task<PagedResult<IssuedCal>> CalsAsync(CalQuery query, CancellationToken cancellationToken = default) => ReadAsync(async c =>
    {
        var where = new List<string>();
        var args = new DynamicParameters();
        if (query.Type is { } type) { where.Add("cal_type = @type"); args.Add("type", (int)type); }
        if (query.Status is { } status) { where.Add("status = @status"); args.Add("status", (int)status); }
        if (query.Version is { } version) { where.Add("product_version = @version"); args.Add("version", (int)version); }
        if (query.OverUsed is { } overUsed) { where.Add("over_used = @overUsed"); args.Add("overUsed", Flags.ToDb(overUsed)); }
        if (query.KeyPackId is { } pack) { where.Add("key_pack_id = @pack"); args.Add("pack", pack.ToString("D")); }
        if (!string.IsNullOrEmpty(query.User)) { where.Add("user_name LIKE @user ESCAPE '\\'"); args.Add("user", Like(query.User)); }
        if (!string.IsNullOrEmpty(query.Device)) { where.Add("(client_name LIKE @device ESCAPE '\\' OR hardware_id = @deviceExact)"); args.Add("device", Like(query.Device)); args.Add("deviceExact", query.Device); }
        var filter = where.Count == 0 ? "" : "WHERE " + string.Join(" AND ", where);
        args.Add("limit", query.PageSize);
        args.Add("offset", (long)(query.Page - 1) * query.PageSize);
        var total = await c.ExecuteScalarAsync<long>(new CommandDefinition($"SELECT COUNT(*) FROM issued_cals {filter}", args, cancellationToken: cancellationToken));
        var direction = query.Descending ? "DESC" : "ASC";
        // The column from a fixed list (never text from the request), then the ID so a page boundary never moves.
        var column = query.SortBy switch
        {
            CalSortColumn.Client => "client_name",
            CalSortColumn.User => "user_name",
            CalSortColumn.Type => "cal_type",
            CalSortColumn.Status => "status",
            CalSortColumn.Issued => "issued_at",
            CalSortColumn.Expires => "expires_at",
            CalSortColumn.Version => "product_version",
            CalSortColumn.Host => "host_name",
            _ => null,
        };
        var order = column is null ? $"id {direction}" : $"{column} {direction}, id {direction}";
        var rows = await c.QueryAsync<CalRow>(new CommandDefinition($"SELECT {CalRow.Columns} FROM issued_cals {filter} ORDER BY {order} LIMIT @limit OFFSET @offset", args,
            cancellationToken: cancellationToken));
        return new PagedResult<IssuedCal>(rows.Select(r => r.ToDomain()).ToList(), query.Page, query.PageSize, total);
    }, cancellationToken);

    /// <summary>Every CAL that is temporary or active now, oldest first, all in memory: for small sets (the CAL Usage report streams them with <see cref="ReportedCalsAsync"/>).</summary>
    public Task<IReadOnlyList<IssuedCal>> LiveCalsAsync(CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<IssuedCal>>(async c =>
            (await c.QueryAsync<CalRow>(new CommandDefinition($"SELECT {CalRow.Columns} FROM issued_cals WHERE status IN (@temporary, @active) ORDER BY id",
                new { temporary = (int)CalStatus.Temporary, active = (int)CalStatus.Active }, cancellationToken: cancellationToken)))
            .Select(r => r.ToDomain()).ToList(), cancellationToken);

    private static string Like(string text) => "%" + text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";

    public Task<IReadOnlyList<CalCounts>> CalCountsAsync(CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<CalCounts>>(async c =>
            (await c.QueryAsync<(long type, long version, long temporary, long permanent, long overUsed, long revoked)>(new CommandDefinition(
                """
                -- status 1 Temporary, 2 Active, 4 Revoked (CalStatus)
                SELECT cal_type, product_version,
                       SUM(CASE WHEN status = 1 THEN 1 ELSE 0 END),
                       SUM(CASE WHEN status = 2 AND is_temporary = 0 AND over_used = 0 THEN 1 ELSE 0 END),
                       SUM(CASE WHEN status = 2 AND over_used = 1 THEN 1 ELSE 0 END),
                       SUM(CASE WHEN status = 4 THEN 1 ELSE 0 END)
                FROM issued_cals GROUP BY cal_type, product_version ORDER BY cal_type, product_version
                """, cancellationToken: cancellationToken)))
            .Select(r => new CalCounts((CalType)r.type, (ProductVersion)r.version, (int)r.temporary, (int)r.permanent, (int)r.overUsed, (int)r.revoked))
            .ToList(), cancellationToken);

    /// <summary>Rows that hold a license, per key pack: equals key_packs.issued when the store is consistent.</summary>
    public Task<IReadOnlyDictionary<Guid, int>> LicensesHeldPerPackAsync(CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyDictionary<Guid, int>>(async c =>
            (await c.QueryAsync<(string pack, long count)>(new CommandDefinition("SELECT key_pack_id, COUNT(*) FROM issued_cals WHERE holds_slot = 1 GROUP BY key_pack_id",
                cancellationToken: cancellationToken)))
            .ToDictionary(r => Guid.Parse(r.pack), r => (int)r.count), cancellationToken);

    public Task<IReadOnlyList<LicensingEvent>> EventsAsync(EventQuery query, CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<LicensingEvent>>(async c =>
        {
            var where = new List<string>();
            if (query.EventId is not null) where.Add("event_id = @eventId");
            if (query.MinimumLevel is not null) where.Add("level >= @level");
            if (query.AfterSequence is not null) where.Add("seq > @after");
            if (query.BeforeSequence is not null) where.Add("seq < @before");
            var filter = where.Count == 0 ? "" : "WHERE " + string.Join(" AND ", where);
            var rows = await c.QueryAsync<EventRow>(new CommandDefinition(
                $"SELECT seq, at, event_id, level, message, session_host, device, user_name, cal_id FROM events {filter} ORDER BY seq DESC LIMIT @limit",
                new { eventId = (int?)query.EventId, level = (int?)query.MinimumLevel, after = query.AfterSequence, before = query.BeforeSequence, limit = query.Limit },
                cancellationToken: cancellationToken));
            return rows.Select(r => r.ToDomain()).ToList();
        }, cancellationToken);

    // Credentials are random 256-bit tokens; only their SHA-256 is stored, so the database never holds a usable secret.
    public static string HashToken(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public static string NewToken(string prefix) => prefix + "_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private const string AdminTokenSql = "SELECT COUNT(*) FROM admin_credentials WHERE token_hash = @h";

    public Task<bool> IsAdminTokenAsync(string token, CancellationToken cancellationToken = default) =>
        ReadPreparedAsync(AdminTokenSql, [("@h", HashToken(token))],
            async (reader, ct) => await reader.ReadAsync(ct) && reader.GetInt64(0) > 0, cancellationToken);

    private const string HostByTokenSql = "SELECT name, in_security_group, enrolled_at, last_seen_at FROM session_hosts WHERE token_hash = @h";

    /// <summary>The host a session host token belongs to: run on every request a host makes, so its statement stays prepared.</summary>
    public Task<SessionHostRecord?> SessionHostByTokenAsync(string token, CancellationToken cancellationToken = default) =>
        ReadPreparedAsync(HostByTokenSql, [("@h", HashToken(token))], async (reader, ct) =>
            await reader.ReadAsync(ct)
                ? new SessionHostRecord(reader.GetString(0), reader.GetInt64(1) != 0, Times.FromDb(reader.GetInt64(2)),
                    Times.FromDb(await reader.IsDBNullAsync(3, ct) ? null : reader.GetInt64(3)))
                : null, cancellationToken);

    public Task<IReadOnlyList<SessionHostRecord>> SessionHostsAsync(CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<SessionHostRecord>>(async c =>
            (await c.QueryAsync<(string name, bool group, long enrolled, long? seen)>(new CommandDefinition(
                "SELECT name, in_security_group, enrolled_at, last_seen_at FROM session_hosts ORDER BY name", cancellationToken: cancellationToken)))
            .Select(r => new SessionHostRecord(r.name, r.group, Times.FromDb(r.enrolled), Times.FromDb(r.seen))).ToList(), cancellationToken);

    public Task<IReadOnlyList<ReportRecord>> ReportsAsync(CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<ReportRecord>>(async c =>
            (await c.QueryAsync<(string id, string type, long at, string scope, string summary)>(new CommandDefinition(
                "SELECT id, type, created_at, scope, summary FROM reports ORDER BY created_at DESC, id", cancellationToken: cancellationToken)))
            .Select(r => new ReportRecord(r.id, r.type, Times.FromDb(r.at), r.scope, r.summary)).ToList(), cancellationToken);

    /// <summary>A saved report's whole CSV as one string; null when there is none. Downloads stream it with <see cref="OpenReportCsvAsync"/> instead.</summary>
    public async Task<string?> ReportCsvAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var csv = await OpenReportCsvAsync(id, cancellationToken);
        if (csv is null) return null;
        using var text = new MemoryStream();
        await csv.CopyToAsync(text, cancellationToken);
        return Encoding.UTF8.GetString(text.GetBuffer(), 0, (int)text.Length);
    }

}
