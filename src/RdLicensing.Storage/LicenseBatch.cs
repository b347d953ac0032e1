using Dapper;
using RdLicensing.Core.Cals;
using RdLicensing.Core.KeyPacks;

namespace RdLicensing.Storage;

/// <summary>
/// What the work items of one write transaction share (group commit runs many in one, see <see cref="GroupCommit{TSession}"/>),
/// so that an issuance costs fewer statements than a transaction of its own:
/// <list type="bullet">
/// <item>key packs and the policy settings are read once per transaction and kept current by the writes that change them
/// (a license taken or returned adjusts the copy; any other change of a pack, or a settings write, drops it). The transaction
/// holds the writer lock (every node's), so nothing else changes them meanwhile;</item>
/// <item>each host's grace period start, read once per transaction and kept current by the writes that set it (an enrollment
/// or removal drops the host's copy);</item>
/// <item>events, hosts' last-seen times and the day's pool levels are written once, just before the commit: the events of
/// every item in one multi-row insert, each host's latest contact in one update, each day's pool level once;</item>
/// <item>with them, the digests of CAL tokens signed since the last transaction (<see cref="PendingTokenDigests"/>), which no
/// item wrote: a token is signed after its CAL's commit.</item>
/// </list>
/// A work item that fails is rolled back to its savepoint, and what it added is dropped with it (its events, its last-seen
/// times, its pool change), as are the shared copies, which may hold its rolled-back changes.
/// </summary>
internal sealed class LicenseBatch(PendingTokenDigests? tokenDigests) : IBatchState
{
    // Rows per multi-row event insert on PostgreSQL: 9 parameters a row, far below its limit.
    private const int EventRowsPerStatement = 100;

    public readonly Dictionary<CalType, IReadOnlyList<KeyPack>> Packs = [];
    public IReadOnlyDictionary<string, string?>? Policies;
    public readonly Dictionary<string, DateTimeOffset?> GraceStarts = new(StringComparer.OrdinalIgnoreCase);
    public readonly List<PendingEvent> Events = [];
    public readonly Dictionary<string, long> LastSeen = new(StringComparer.OrdinalIgnoreCase);
    public readonly Dictionary<long, DateTimeOffset> PoolDays = [];

    /// <summary>Drops the shared copies: after a rollback they may hold what was undone.</summary>
    public void Forget()
    {
        Packs.Clear();
        Policies = null;
        GraceStarts.Clear();
    }

    /// <summary>
    /// Writes what the items share, in the transaction that holds them all: with no request's token, as no one request may
    /// cancel the others' writes (see <see cref="LicenseWriteSession"/>).
    /// </summary>
    public async Task BeforeCommitAsync(WriteTransaction tx)
    {
        await FlushEventsAsync(tx);
        if (tokenDigests is not null) await RecordTokenDigestsAsync(tx, tokenDigests.Take());
        foreach (var (name, at) in LastSeen) await ExecutePreparedAsync(tx, TouchHostSql, [("@name", name), ("@at", at)]);
        foreach (var (_, at) in PoolDays) await LicenseWriteSession.RecordPoolLevelsAsync(tx, at);
        Events.Clear();
        LastSeen.Clear();
        PoolDays.Clear();
    }

    // The row's device is part of the match: a digest only ever lands on the CAL, and the device, its token was signed for.
    private const string RecordTokenDigestSql = "UPDATE issued_cals SET token_digest = @digest WHERE id = @id AND hardware_id = @hardwareId";

    private const string RecordTokenDigestsPostgresSql =
        "UPDATE issued_cals AS c SET token_digest = d.digest FROM unnest(@ids, @hardwareIds, @digests) AS d(id, hardware_id, digest) " +
        "WHERE c.id = d.id AND c.hardware_id = d.hardware_id";

    /// <summary>One prepared update per digest on SQLite (no round trips there); one update of them all on PostgreSQL.</summary>
    private static async Task RecordTokenDigestsAsync(WriteTransaction tx, IReadOnlyCollection<(long CalId, string HardwareId, byte[] Digest)> digests)
    {
        if (digests.Count == 0) return;
        if (tx.Connection is Sqlite.IPreparedCommands)
        {
            foreach (var (id, hardwareId, digest) in digests)
                await ExecutePreparedAsync(tx, RecordTokenDigestSql, [("@id", id), ("@hardwareId", hardwareId), ("@digest", digest)]);
            return;
        }
        await using var command = tx.Connection.CreateCommand();
        command.Transaction = tx.Transaction;
        command.CommandText = RecordTokenDigestsPostgresSql;
        AddParameter(command, "ids", digests.Select(d => d.CalId).ToArray());
        AddParameter(command, "hardwareIds", digests.Select(d => d.HardwareId).ToArray());
        AddParameter(command, "digests", digests.Select(d => d.Digest).ToArray());
        await command.ExecuteNonQueryAsync(CancellationToken.None);

        static void AddParameter(System.Data.Common.DbCommand command, string name, object value)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value;
            command.Parameters.Add(parameter);
        }
    }

    private const string EventColumns = "at, event_id, level, message, session_host, device, user_name, cal_id, reason";
    private const string InsertEventSql = $"INSERT INTO events ({EventColumns}) VALUES (@a, @e, @l, @m, @h, @d, @u, @c, @r)";

    private const string TouchHostSql = "UPDATE session_hosts SET last_seen_at = @at WHERE name = CAST(@name AS CITEXT) AND (last_seen_at IS NULL OR last_seen_at < @at)";

    /// <summary>A statement of fixed text run in every batch: prepared once per kept SQLite connection (see PreparedCommands).</summary>
    private static Task<int> ExecutePreparedAsync(WriteTransaction tx, string sql, (string Name, object? Value)[] parameters) =>
        Sqlite.PreparedCommands.RunAsync(tx.Connection, tx.Transaction, sql, parameters, 0, static (command, _, ct) => command.ExecuteNonQueryAsync(ct), CancellationToken.None);

    /// <summary>
    /// On SQLite, one prepared single-row insert stepped once per event: a statement there costs no round trip, and SQLite binds
    /// each named parameter by a linear search of the statement's names, so one insert of many rows cost time quadratic in
    /// its parameters (a hundred rows of nine: most of a batch's binding, about a tenth of an issuance's CPU). On PostgreSQL,
    /// where each statement is a round trip and Npgsql finds parameters by hash, the rows go in multi-row inserts.
    /// </summary>
    private async Task FlushEventsAsync(WriteTransaction tx)
    {
        // A kept SQLite connection: statements run in this process, no round trip each.
        if (tx.Connection is Sqlite.IPreparedCommands)
        {
            foreach (var e in Events)
                await ExecutePreparedAsync(tx, InsertEventSql,
                    [("@a", e.At), ("@e", e.EventId), ("@l", e.Level), ("@m", e.Message), ("@h", e.Host), ("@d", e.Device), ("@u", e.User), ("@c", e.CalId), ("@r", e.Reason)]);
            return;
        }
        for (var start = 0; start < Events.Count; start += EventRowsPerStatement)
        {
            var count = Math.Min(EventRowsPerStatement, Events.Count - start);
            var sql = new System.Text.StringBuilder($"INSERT INTO events ({EventColumns}) VALUES ");
            var args = new DynamicParameters();
            for (var i = 0; i < count; i++)
            {
                var e = Events[start + i];
                if (i > 0) sql.Append(", ");
                sql.Append($"(@a{i}, @e{i}, @l{i}, @m{i}, @h{i}, @d{i}, @u{i}, @c{i}, @r{i})");
                args.Add("a" + i, e.At);
                args.Add("e" + i, e.EventId);
                args.Add("l" + i, e.Level);
                args.Add("m" + i, e.Message);
                args.Add("h" + i, e.Host);
                args.Add("d" + i, e.Device);
                args.Add("u" + i, e.User);
                args.Add("c" + i, e.CalId);
                args.Add("r" + i, e.Reason);
            }
            await tx.Connection.ExecuteAsync(new CommandDefinition(sql.ToString(), args, tx.Transaction, cancellationToken: CancellationToken.None));
        }
    }

    public sealed record PendingEvent(long At, int EventId, int Level, string Message, string? Host, string? Device, string? User, long? CalId, string? Reason);
}
