using Dapper;
using Npgsql;
using NpgsqlTypes;
using RdLicensing.Core.Cals;

namespace RdLicensing.Storage;

/// <summary>Where <see cref="LicenseStore.SeedCalsAsync"/> put its rows: the n-th CAL given (from 0) has id <c>FirstId + n</c>.</summary>
public sealed record SeedResult(long FirstId, long Count);

public sealed partial class LicenseStore
{
    /// <summary>Rows per transaction when seeding: large enough that commits cost nothing, small enough to keep a batch in memory.</summary>
    public const int DefaultSeedBatch = 50_000;

    private const int SeedCacheKiB = 256 * 1024;

    // The columns a seeded row fills, id included: ids are given, not generated, so the caller knows each row's id.
    private const string SeedColumns = "id, cal_type, status, product_version, key_pack_id, is_temporary, over_used, validated, holds_slot, " +
                                       "hardware_id, client_name, user_name, host_name, issued_at, expires_at, revoked_at";

    /// <summary>
    /// Writes CALs that were issued in the past straight into the database, without the licensing rules: a database the
    /// size of a large deployment in seconds, for benchmarks and load tests. Run it while no license server writes to the
    /// database. Each batch is one transaction holding its rows and, for the rows that hold a license, the key pack's
    /// issued count raised by as many (the batch is refused when a pack has not that many left), so the invariant
    /// key_packs.issued = rows holding a slot stays true. <see cref="IssuedCal.Id"/> is ignored: rows get consecutive
    /// ids after the highest one present, in the order given. No events are written.
    /// </summary>
    /// <param name="progress">Told the number of rows committed so far after each batch.</param>
    public async Task<SeedResult> SeedCalsAsync(IEnumerable<IssuedCal> cals, int batchSize = DefaultSeedBatch, IProgress<long>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        long? firstId = null;
        long written = 0;
        var batch = new List<IssuedCal>(batchSize);
        try
        {
            foreach (var cal in cals)
            {
                batch.Add(cal);
                if (batch.Count < batchSize) continue;
                firstId = await SeedBatchAsync(batch, firstId, written, cancellationToken);
                written += batch.Count;
                batch.Clear();
                progress?.Report(written);
            }
            if (batch.Count > 0)
            {
                firstId = await SeedBatchAsync(batch, firstId, written, cancellationToken);
                written += batch.Count;
                progress?.Report(written);
            }
        }
        finally
        {
            // Also after a seed that failed part-way: its committed batches took ids the identity sequence must move past.
            if (written > 0 && Dialect is Postgres.PostgresDialect) await AfterPostgresSeedAsync(CancellationToken.None);
        }
        return new SeedResult(firstId ?? 0, written);
    }

    /// <returns>The first id of the whole seed (read in the first batch's transaction, so no other writer interleaves).</returns>
    private async Task<long> SeedBatchAsync(List<IssuedCal> batch, long? firstId, long written, CancellationToken cancellationToken)
    {
        await using var tx = await Dialect.BeginWriteAsync(cancellationToken);
        firstId ??= await tx.Connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COALESCE(MAX(id), 0) + 1 FROM issued_cals", transaction: tx.Transaction, cancellationToken: cancellationToken));
        var nextId = firstId.Value + written;
        if (tx.Connection is NpgsqlConnection postgres) await CopyAsync(postgres, batch, nextId, cancellationToken);
        else await InsertPreparedAsync(tx, batch, nextId, cancellationToken);

        foreach (var (pack, count) in batch.Where(c => c.HoldsSlot).GroupBy(c => c.KeyPackId!.Value).Select(g => (g.Key, g.Count())))
        {
            var taken = await tx.Connection.ExecuteAsync(new CommandDefinition(
                "UPDATE key_packs SET issued = issued + @count WHERE id = @pack AND issued + @count <= total",
                new { pack = pack.ToString("D"), count }, tx.Transaction, cancellationToken: cancellationToken));
            if (taken != 1)
                throw new InvalidOperationException($"Key pack {pack} does not exist or has fewer than {count} licenses left for the seeded CALs that hold one.");
        }
        await tx.CommitAsync(cancellationToken);
        return firstId.Value;
    }

    /// <summary>One prepared INSERT, its parameters rebound per row: SQLite parses the statement once per batch.</summary>
    private static async Task InsertPreparedAsync(WriteTransaction tx, List<IssuedCal> batch, long nextId, CancellationToken cancellationToken)
    {
        var names = SeedColumns.Split(", ");
        await using var command = tx.Connection.CreateCommand();
        command.Transaction = tx.Transaction;
        // Six B-trees grow at random places: a page cache larger than SQLite's default 2 MB keeps their inner pages at hand.
        // It lasts as long as this pooled connection, which only the seeding process uses.
        command.CommandText = $"PRAGMA cache_size = -{SeedCacheKiB}";
        await command.ExecuteNonQueryAsync(cancellationToken);
        command.CommandText = $"INSERT INTO issued_cals ({SeedColumns}) VALUES ({string.Join(", ", names.Select(n => "@" + n))})";
        var parameters = names.Select(n =>
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@" + n;
            command.Parameters.Add(parameter);
            return parameter;
        }).ToArray();
        await command.PrepareAsync(cancellationToken);
        foreach (var cal in batch)
        {
            var values = SeedValues(cal, nextId++);
            for (var i = 0; i < values.Length; i++) parameters[i].Value = values[i] ?? DBNull.Value;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>
    /// PostgreSQL's binary COPY: rows stream to the server without a statement per row. The values are written with the
    /// synchronous calls, which only fill Npgsql's buffer (sending it when full): an await per value would cost more than the value.
    /// </summary>
    private static async Task CopyAsync(NpgsqlConnection connection, List<IssuedCal> batch, long nextId, CancellationToken cancellationToken)
    {
        await using var importer = await connection.BeginBinaryImportAsync($"COPY issued_cals ({SeedColumns}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var cal in batch)
        {
            cancellationToken.ThrowIfCancellationRequested();
            importer.StartRow();
            foreach (var value in SeedValues(cal, nextId++))
            {
                switch (value)
                {
                    case null: importer.WriteNull(); break;
                    case long number: importer.Write(number, NpgsqlDbType.Bigint); break;
                    // citext columns take the same bytes as text in a binary COPY.
                    case string text: importer.Write(text, NpgsqlDbType.Text); break;
                    default: throw new InvalidOperationException($"Unexpected seed value type {value.GetType().Name}.");
                }
            }
        }
        await importer.CompleteAsync(cancellationToken);
    }

    /// <summary>The row's values in <see cref="SeedColumns"/> order, each a long, a string or null.</summary>
    private static object?[] SeedValues(IssuedCal c, long id) =>
    [
        id, (long)c.Type, (long)c.Status, (long)c.Version, c.KeyPackId?.ToString("D"),
        Flags.ToDb(c.IsTemporary), Flags.ToDb(c.OverUsed), Flags.ToDb(c.Validated), Flags.ToDb(c.HoldsSlot),
        c.HardwareId, c.ClientName, c.UserName, c.HostName, Times.ToDb(c.IssuedAt), Times.ToDb(c.ExpiresAt), Times.ToDb(c.RevokedAt),
    ];

    /// <summary>
    /// Given ids do not move PostgreSQL's identity sequence, so the next CAL the server issues would collide: move it past
    /// them. And a long-running database has planner statistics (autovacuum gathers them), so gather them now.
    /// </summary>
    private async Task AfterPostgresSeedAsync(CancellationToken cancellationToken)
    {
        await using var connection = await Dialect.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "SELECT setval(pg_get_serial_sequence('issued_cals', 'id'), (SELECT MAX(id) FROM issued_cals))", cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition("ANALYZE issued_cals", cancellationToken: cancellationToken));
    }
}
