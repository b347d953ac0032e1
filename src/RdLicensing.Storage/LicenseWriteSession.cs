using System.Data.Common;
using Dapper;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Events;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Versions;

namespace RdLicensing.Storage;

/// <summary>
/// The operations of one write transaction. Callers read, decide with the Core policies, and write here;
/// <see cref="LicenseStore.WriteAsync{T}"/> commits all of it or none.
/// </summary>
public sealed partial class LicenseWriteSession : IBatchItem
{
    private readonly WriteTransaction _tx;
    private readonly LicenseBatch _batch;

    // Pool levels for the dashboard: set when this work item changes a pack's total or issued count, and the latest
    // time it was told (every such write also expires due CALs or writes an event, both with the time).
    private bool _poolsChanged;
    private DateTimeOffset? _at;

    // What this work item adds to the batch's writes before the commit, once it has succeeded (see LicenseBatch).
    private List<LicenseBatch.PendingEvent>? _events;
    private Dictionary<string, long>? _lastSeen;

    private readonly CancellationToken _transactionToken;

    internal LicenseWriteSession(WriteTransaction tx, CancellationToken transactionToken = default, PendingTokenDigests? tokenDigests = null)
    {
        _tx = tx;
        _transactionToken = transactionToken;
        _batch = tx.BatchState as LicenseBatch ?? (LicenseBatch)(tx.BatchState = new LicenseBatch(tokenDigests));
    }

    /// <summary>
    /// Every statement of the session, with the transaction's token, never a request's: in a group-commit transaction the
    /// statements of many requests share one connection, and a statement cancelled half-way would take the others' work
    /// with it (SQLite's sqlite3_interrupt rolls back the whole transaction; PostgreSQL aborts it). A request's token only
    /// withdraws its work before the work starts (<see cref="GroupCommit{TSession}"/>). <see cref="CancellationToken.None"/>
    /// under group commit; a transaction of its own may pass its caller's.
    /// </summary>
    private CommandDefinition Cmd(string sql, object? args = null) => new(sql, args, _tx.Transaction, cancellationToken: _transactionToken);

    /// <summary>
    /// A statement every issuance runs (the device's or user's CALs, the new CAL, its update, the license taken): prepared once per
    /// kept SQLite connection instead of parsed again for each work item under the writer lock (PostgreSQL: Npgsql's auto-prepare).
    /// Same transaction and token as <see cref="Cmd"/>.
    /// </summary>
    private Task<T> PreparedAsync<T>(string sql, (string Name, object? Value)[] parameters, Func<DbCommand, CancellationToken, Task<T>> run) =>
        Sqlite.PreparedCommands.RunAsync(_tx.Connection, _tx.Transaction, sql, parameters, run, static (command, run, ct) => run(command, ct), _transactionToken);

    private Task<(List<IssuedCal> Cals, List<byte[]?> TokenDigests)> CalsPreparedAsync(string sql, string name, string value, bool withTokenDigests = false) =>
        PreparedAsync(sql, [(name, value)], async (command, ct) =>
        {
            await using var reader = await command.ExecuteReaderAsync(ct);
            return await CalRow.ReadAllAsync(reader, withTokenDigests, ct);
        });

    void IBatchItem.Succeeded()
    {
        if (_events is not null) _batch.Events.AddRange(_events);
        if (_lastSeen is not null)
            foreach (var (name, at) in _lastSeen)
                _batch.LastSeen[name] = Math.Max(at, _batch.LastSeen.GetValueOrDefault(name));
        if (_poolsChanged && _at is { } at2)
        {
            var day = DashboardDays.Of(at2);
            if (!_batch.PoolDays.TryGetValue(day, out var latest) || at2 > latest) _batch.PoolDays[day] = at2;
        }
        _events = null;
        _lastSeen = null;
        _poolsChanged = false;
    }

    void IBatchItem.Failed()
    {
        _events = null;
        _lastSeen = null;
        _poolsChanged = false;
        _batch.Forget();
    }

    // The CAL columns, then the last token digest recorded for each (see DeviceCalsWithTokenDigestsAsync).
    internal const string DeviceCalsSql = $"SELECT {CalRow.Columns}, token_digest FROM issued_cals WHERE hardware_id = @hardwareId AND cal_type = 0 ORDER BY id";
    internal const string UserCalsSql = $"SELECT {CalRow.Columns} FROM issued_cals WHERE user_name = CAST(@userName AS CITEXT) AND cal_type = 1 ORDER BY id";

    public async Task<IReadOnlyList<IssuedCal>> DeviceCalsAsync(string hardwareId) => (await CalsPreparedAsync(DeviceCalsSql, "@hardwareId", hardwareId)).Cals;

    /// <summary>
    /// A device's CALs, and beside each (same index) the digest of the last token recorded for it, or null
    /// (<see cref="LicenseStore.RecordTokenDigest"/>): a token presented again is known by it without a signature check.
    /// </summary>
    public async Task<(IReadOnlyList<IssuedCal> Cals, IReadOnlyList<byte[]?> TokenDigests)> DeviceCalsWithTokenDigestsAsync(string hardwareId) =>
        await CalsPreparedAsync(DeviceCalsSql, "@hardwareId", hardwareId, withTokenDigests: true);

    public async Task<IReadOnlyList<IssuedCal>> UserCalsAsync(string userName) => (await CalsPreparedAsync(UserCalsSql, "@userName", userName)).Cals;

    public async Task<IssuedCal?> CalAsync(long id) =>
        (await _tx.Connection.QuerySingleOrDefaultAsync<CalRow>(Cmd($"SELECT {CalRow.Columns} FROM issued_cals WHERE id = @id", new { id })))?.ToDomain();

    /// <summary>The key packs of a type, read once per transaction (see <see cref="LicenseBatch"/>); a list later writes never change.</summary>
    public async Task<IReadOnlyList<KeyPack>> KeyPacksAsync(CalType type)
    {
        if (_batch.Packs.TryGetValue(type, out var kept)) return kept;
        var packs = (await _tx.Connection.QueryAsync<KeyPackRow>(Cmd($"SELECT {KeyPackRow.Columns} FROM key_packs WHERE cal_type = @type", new { type = (int)type })))
            .Select(r => r.ToDomain()).ToList();
        _batch.Packs[type] = packs;
        return packs;
    }

    /// <summary>The kept packs with one pack's issued count moved by <paramref name="delta"/> (a new list: callers' snapshots stay as read).</summary>
    private void AdjustKeptPack(Guid id, int delta)
    {
        foreach (var (type, packs) in _batch.Packs)
        {
            var index = packs.ToList().FindIndex(p => p.Id == id);
            if (index < 0) continue;
            var changed = packs.ToList();
            changed[index] = changed[index] with { Issued = changed[index].Issued + delta };
            _batch.Packs[type] = changed;
            return;
        }
    }

    public async Task<bool> KeyPackExistsAsync(Guid id) =>
        await _tx.Connection.ExecuteScalarAsync<long>(Cmd("SELECT COUNT(*) FROM key_packs WHERE id = @id", new { id = id.ToString("D") })) > 0;

    public Task InsertKeyPackAsync(KeyPack pack, string document) => PacksChanged(_tx.Connection.ExecuteAsync(Cmd(
        $"INSERT INTO key_packs ({KeyPackRow.Columns}, document) VALUES (@id, @program, @product_version, @cal_type, @total, 0, @expires_at, @description, @clearinghouse, @license_server, @program_reference, @signed_at, @installed_at, @document)",
        new
        {
            id = pack.Id.ToString("D"), program = pack.Program.ToShortName(), product_version = (int)pack.Version, cal_type = (int)pack.Type,
            total = pack.Total, expires_at = Times.ToDb(pack.ExpiresAt), description = pack.Description,
            clearinghouse = pack.Origin.Clearinghouse, license_server = pack.Origin.LicenseServerProductId,
            program_reference = pack.Origin.ProgramReference, signed_at = Times.ToDb(pack.Origin.SignedAt),
            installed_at = Times.ToDb(pack.InstalledAt), document,
        })));

    /// <summary>Takes one license of the pack; false when none is left. The guard keeps issued ≤ total under any interleaving.</summary>
    public async Task<bool> TakeLicenseAsync(Guid keyPackId)
    {
        var taken = await PoolsChanged(PreparedAsync("UPDATE key_packs SET issued = issued + 1 WHERE id = @id AND issued < total", [("@id", keyPackId.ToString("D"))],
            (command, ct) => command.ExecuteNonQueryAsync(ct))) == 1;
        if (taken) AdjustKeptPack(keyPackId, +1);
        return taken;
    }

    public async Task ReturnLicenseAsync(Guid keyPackId)
    {
        if (await PoolsChanged(_tx.Connection.ExecuteAsync(Cmd("UPDATE key_packs SET issued = issued - 1 WHERE id = @id AND issued > 0", new { id = keyPackId.ToString("D") }))) == 1)
            AdjustKeptPack(keyPackId, -1);
    }

    public async Task<long> InsertCalAsync(IssuedCal cal)
    {
        if (cal.OverUsed) _poolsChanged = true; // the dashboard's pool level counts OverUsed CALs
        return await InsertCalRowAsync(cal);
    }

    private const string InsertCalSql =
        """
        INSERT INTO issued_cals (cal_type, status, product_version, key_pack_id, is_temporary, over_used, validated, holds_slot,
                                 hardware_id, client_name, user_name, host_name, issued_at, expires_at, revoked_at)
        VALUES (@cal_type, @status, @product_version, @key_pack_id, @is_temporary, @over_used, @validated, @holds_slot,
                @hardware_id, @client_name, @user_name, @host_name, @issued_at, @expires_at, @revoked_at)
        RETURNING id
        """;

    private Task<long> InsertCalRowAsync(IssuedCal cal) =>
        PreparedAsync(InsertCalSql, CalRow.ParameterList(cal, withId: false), async (command, ct) => Convert.ToInt64(await command.ExecuteScalarAsync(ct)));

    public Task UpdateCalAsync(IssuedCal cal)
    {
        if (cal.OverUsed) _poolsChanged = true; // an OverUsed CAL revoked or expired changes its pool's level
        return UpdateCalRowAsync(cal);
    }

    private const string UpdateCalSql =
        """
        UPDATE issued_cals SET status = @status, product_version = @product_version, key_pack_id = @key_pack_id,
               over_used = @over_used, validated = @validated, holds_slot = @holds_slot, client_name = @client_name,
               host_name = @host_name, issued_at = @issued_at, expires_at = @expires_at, revoked_at = @revoked_at
        WHERE id = @id
        """;

    private Task UpdateCalRowAsync(IssuedCal cal) =>
        PreparedAsync(UpdateCalSql, CalRow.ParameterList(cal, withId: true), (command, ct) => command.ExecuteNonQueryAsync(ct));

    /// <summary>
    /// CALs holding a license that is due back: a Per Device CAL once expired, a Per User CAL once expired and past the
    /// reassignment delay from its issue. Each half is a range of its own partial index (migration 0013/0012), so a sweep reads
    /// only the CALs it frees, not every expired Per User CAL still within its delay.
    /// </summary>
    private static string DueSlotsSql(string column) =>
        $"SELECT {column} FROM issued_cals WHERE holds_slot = 1 AND cal_type = 0 AND expires_at <= @nowMs " +
        $"UNION ALL SELECT {column} FROM issued_cals WHERE holds_slot = 1 AND cal_type = 1 AND issued_at <= @reassignableBefore AND expires_at <= @nowMs";

    /// <summary>
    /// Ends what time has ended: permanent Per Device CALs past expiry return their license; Per User CALs
    /// past expiry drop off the list and return their license once the reassignment delay has also passed;
    /// temporary CALs past 90 days become Expired. Returns how many CALs expired and how many licenses returned to their packs.
    /// </summary>
    public async Task<(int Expired, int LicensesReturned)> ExpireDueAsync(DateTimeOffset now)
    {
        Saw(now);
        var nowMs = Times.ToDb(now);
        var reassignableBefore = Times.ToDb(now - CalRules.PerUserReassignmentDelay);
        var released = (await _tx.Connection.QueryAsync<(string pack, long count)>(Cmd(
            $"SELECT key_pack_id, COUNT(*) FROM ({DueSlotsSql("key_pack_id")}) due GROUP BY key_pack_id", new { nowMs, reassignableBefore }))).ToList();
        foreach (var (pack, count) in released)
            await PacksChanged(_tx.Connection.ExecuteAsync(Cmd("UPDATE key_packs SET issued = issued - @count WHERE id = @pack", new { pack, count })));
        var freed = released.Count == 0 ? 0 : await _tx.Connection.ExecuteAsync(Cmd(
            $"UPDATE issued_cals SET holds_slot = 0 WHERE id IN ({DueSlotsSql("id")})", new { nowMs, reassignableBefore }));
        var expired = await _tx.Connection.ExecuteAsync(Cmd(
            "UPDATE issued_cals SET status = @expired WHERE status IN (@temporary, @active) AND expires_at <= @nowMs",
            new { nowMs, expired = (int)CalStatus.Expired, temporary = (int)CalStatus.Temporary, active = (int)CalStatus.Active }));
        return (expired, freed);
    }

    /// <summary>Installed Per Device licenses of a version, and the expiry dates of its CALs still in the revoked state.</summary>
    public async Task<(int Installed, IReadOnlyList<DateTimeOffset> RevokedExpiries)> RevocationStateAsync(ProductVersion version, DateTimeOffset now)
    {
        var installed = await _tx.Connection.ExecuteScalarAsync<long>(Cmd(
            "SELECT COALESCE(SUM(total), 0) FROM key_packs WHERE cal_type = 0 AND product_version = @v", new { v = (int)version }));
        var revoked = await _tx.Connection.QueryAsync<long>(Cmd(
            "SELECT expires_at FROM issued_cals WHERE cal_type = 0 AND status = @revoked AND product_version = @v AND expires_at > @now",
            new { v = (int)version, revoked = (int)CalStatus.Revoked, now = Times.ToDb(now) }));
        return ((int)installed, revoked.Select(Times.FromDb).ToList());
    }

    /// <param name="reason">For a denial, a stable reason name the dashboard counts by ("no-license", "host-not-in-security-group").</param>
    /// <summary>
    /// Records an event. It is written with the events of the transaction's other work items in one multi-row insert just
    /// before the commit (see <see cref="LicenseBatch"/>), in the order they were added, and dropped if this work item fails.
    /// </summary>
    public Task AddEventAsync(DateTimeOffset at, LicensingEventId id, string message, string? host = null, string? device = null, string? user = null, long? calId = null,
        string? reason = null)
    {
        Saw(at);
        (_events ??= []).Add(new LicenseBatch.PendingEvent(Times.ToDb(at), (int)id, (int)LicensingEvents.LevelOf(id), message, host, device, user, calId, reason));
        return Task.CompletedTask;
    }

    public Task<string?> SettingAsync(string name) =>
        _tx.Connection.ExecuteScalarAsync<string?>(Cmd("SELECT value FROM settings WHERE name = @name", new { name }));

    /// <summary>
    /// The named settings (null when unset), read once per transaction for the names asked first (the licensing policies
    /// every CAL request reads); any settings write in the transaction drops the copy.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string?>> PolicySettingsAsync(IReadOnlyList<string> names)
    {
        if (_batch.Policies is { } kept && names.All(kept.ContainsKey)) return kept;
        var read = new Dictionary<string, string?>(StringComparer.Ordinal);
        var args = new DynamicParameters();
        for (var i = 0; i < names.Count; i++)
        {
            args.Add("n" + i, names[i]);
            read[names[i]] = null;
        }
        foreach (var (name, value) in await _tx.Connection.QueryAsync<(string Name, string Value)>(Cmd(
                     $"SELECT name, value FROM settings WHERE name IN ({string.Join(", ", names.Select((_, i) => "@n" + i))})", args)))
            read[name] = value;
        _batch.Policies = read;
        return read;
    }

    public Task SetSettingAsync(string name, string value)
    {
        _batch.Policies = null;
        return _tx.Connection.ExecuteAsync(Cmd(
            "INSERT INTO settings (name, value) VALUES (@name, @value) ON CONFLICT (name) DO UPDATE SET value = excluded.value", new { name, value }));
    }

    /// <summary>
    /// Records the host's contact (and the grace period end it reported, when it did). The contact time alone is written once
    /// per transaction for each host, its latest, just before the commit (see <see cref="LicenseBatch"/>).
    /// </summary>
    /// <param name="graceEndsAt">When the host's licensing grace period ends, if it said (kept when it did not).</param>
    public Task TouchSessionHostAsync(string name, DateTimeOffset at, DateTimeOffset? graceEndsAt = null)
    {
        if (graceEndsAt is null)
        {
            var ms = Times.ToDb(at);
            _lastSeen ??= new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
            _lastSeen[name] = Math.Max(ms, _lastSeen.GetValueOrDefault(name));
            return Task.CompletedTask;
        }
        return _tx.Connection.ExecuteAsync(Cmd("UPDATE session_hosts SET last_seen_at = @at, grace_ends_at = COALESCE(@grace, grace_ends_at) WHERE name = CAST(@name AS CITEXT)",
            new { name, at = Times.ToDb(at), grace = Times.ToDb(graceEndsAt) }));
    }

    /// <summary>
    /// Records the day's level of every pool (licenses in unexpired packs, and how many are issued) for the dashboard's
    /// pool chart; done before commit by every transaction that changed one (once for each day its work items changed one
    /// on: see <see cref="LicenseBatch"/>), so the last write of a day is that day's level. Every pool, not only the one
    /// changed: a pack that expired since is then counted out of its pool's level too.
    /// </summary>
    /// <remarks>
    /// A pool's live OverUsed CALs (status Active, over_used) are counted too, also for a pool with no key pack (Per User CALs
    /// issued before any was installed); the partial index ix_issued_cals_overused keeps that part to the OverUsed rows.
    /// <c>+status</c> (unary plus, valid on both databases) keeps SQLite's planner off ix_issued_cals_live_expiry: without it
    /// SQLite searched that index by status, i.e. read every active CAL (90,000 of 100,000 in the bench) in every transaction
    /// that changed a pool, which made this statement most of the writer's time.
    /// Run just before a commit that holds other work items too: no request's token (see <see cref="Cmd"/>).
    /// </remarks>
    internal static Task RecordPoolLevelsAsync(WriteTransaction tx, DateTimeOffset now) => tx.Connection.ExecuteAsync(new CommandDefinition("""
        INSERT INTO pool_levels (day, cal_type, product_version, total, issued, over_used)
        SELECT @day, p.cal_type, p.product_version, SUM(p.total), SUM(p.issued), SUM(p.over_used) FROM (
            SELECT cal_type, product_version, total, issued, 0 AS over_used FROM key_packs
            WHERE expires_at IS NULL OR expires_at > @now
            UNION ALL
            SELECT cal_type, product_version, 0, 0, 1 FROM issued_cals WHERE over_used = 1 AND +status = @active
        ) p
        GROUP BY p.cal_type, p.product_version
        ON CONFLICT (day, cal_type, product_version) DO UPDATE SET total = excluded.total, issued = excluded.issued, over_used = excluded.over_used
        """, new { day = DashboardDays.Of(now), now = Times.ToDb(now), active = (int)CalStatus.Active }, tx.Transaction, cancellationToken: CancellationToken.None));

    /// <summary>Enrolls a host, or gives an enrolled one a new token (the old one stops working). True when it is new.</summary>
    public async Task<bool> EnrollSessionHostAsync(string name, string token, bool inSecurityGroup, DateTimeOffset now)
    {
        var hash = LicenseStore.HashToken(token);
        _batch.GraceStarts.Remove(name);
        if (await _tx.Connection.ExecuteAsync(Cmd("UPDATE session_hosts SET token_hash = @hash WHERE name = CAST(@name AS CITEXT)", new { name, hash })) == 1)
            return false;
        await _tx.Connection.ExecuteAsync(Cmd(
            "INSERT INTO session_hosts (name, token_hash, in_security_group, enrolled_at) VALUES (@name, @hash, @group, @at)",
            new { name, hash, group = Flags.ToDb(inSecurityGroup), at = Times.ToDb(now) }));
        return true;
    }

    public async Task<bool> RemoveSessionHostAsync(string name)
    {
        _batch.GraceStarts.Remove(name);
        return await _tx.Connection.ExecuteAsync(Cmd("DELETE FROM session_hosts WHERE name = CAST(@name AS CITEXT)", new { name })) == 1;
    }

    public async Task<bool> SetSecurityGroupAsync(string name, bool member) =>
        await _tx.Connection.ExecuteAsync(Cmd("UPDATE session_hosts SET in_security_group = @member WHERE name = CAST(@name AS CITEXT)",
            new { name, member = Flags.ToDb(member) })) == 1;

    /// <summary>
    /// Saves a report with its CSV gzip-compressed, read from <paramref name="csvGzip"/>'s position to its end in chunks:
    /// it must be seekable, as the databases take the length before the first byte. csv stays '' (reports saved before
    /// csv_gzip existed keep their text there).
    /// </summary>
    public async Task SaveReportAsync(ReportRecord report, Stream csvGzip)
    {
        var length = csvGzip.Length - csvGzip.Position;
        if (_tx.Connection is Microsoft.Data.Sqlite.SqliteConnection sqlite)
        {
            // SQLite binds no stream: the row gets a zero-filled blob of the right size, which incremental blob I/O then fills.
            var rowid = await sqlite.ExecuteScalarAsync<long>(Cmd(
                "INSERT INTO reports (id, type, created_at, scope, summary, csv, csv_gzip) VALUES (@Id, @Type, @at, @Scope, @Summary, '', zeroblob(@length)) RETURNING rowid",
                new { report.Id, report.Type, at = Times.ToDb(report.CreatedAt), report.Scope, report.Summary, length }));
            await using var blob = new Microsoft.Data.Sqlite.SqliteBlob(sqlite, "reports", "csv_gzip", rowid);
            await csvGzip.CopyToAsync(blob, _transactionToken);
            return;
        }
        // Npgsql sends a stream parameter a buffer at a time as it writes the command.
        var args = new DynamicParameters(new { report.Id, report.Type, at = Times.ToDb(report.CreatedAt), report.Scope, report.Summary });
        args.Add("gzip", csvGzip, System.Data.DbType.Binary);
        await _tx.Connection.ExecuteAsync(Cmd(
            "INSERT INTO reports (id, type, created_at, scope, summary, csv, csv_gzip) VALUES (@Id, @Type, @at, @Scope, @Summary, '', @gzip)", args));
    }

    public async Task<bool> DeleteReportAsync(string id) =>
        await _tx.Connection.ExecuteAsync(Cmd("DELETE FROM reports WHERE id = @id", new { id })) == 1;

    internal WriteTransaction Transaction => _tx;

    /// <summary>Marks this transaction as one that changed a pool (a key pack's total or issued count), once the write has run.</summary>
    private async Task<int> PoolsChanged(Task<int> write)
    {
        var rows = await write;
        _poolsChanged = true;
        return rows;
    }

    /// <summary>A pool change other than one license taken or returned: the batch's copy of the packs is read again.</summary>
    private async Task<int> PacksChanged(Task<int> write)
    {
        var rows = await PoolsChanged(write);
        _batch.Packs.Clear();
        return rows;
    }

    private void Saw(DateTimeOffset at)
    {
        if (_at is null || at > _at) _at = at;
    }
}
