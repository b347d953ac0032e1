using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Dapper;
using Microsoft.Data.Sqlite;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Versions;

namespace RdLicensing.Storage;

/// <summary>The report reads that scale with the number of CALs: each streams, so none holds a table or a CSV in memory.</summary>
public sealed partial class LicenseStore
{
    // Live: status 1 Temporary or 2 Active (CalStatus). "+status" keeps SQLite off the (status, expires_at) index: through it the
    // rows would come in status order and SQLite would sort them all before giving the first one, where a walk of the
    // id range gives them as it goes. PostgreSQL reads +status as status.
    private const string ReportedCalsSql =
        "SELECT id, cal_type, product_version, status, user_name, client_name, hardware_id, host_name, issued_at, expires_at, over_used, key_pack_id " +
        "FROM issued_cals WHERE +status IN (1, 2) AND id BETWEEN @first AND @last ORDER BY id";

    /// <summary>The lowest and the highest CAL id (of any status); null when there is no CAL. Reports split their read by id with it.</summary>
    public Task<(long First, long Last)?> CalIdSpanAsync(CancellationToken cancellationToken = default) =>
        ReadAsync<(long First, long Last)?>(async c =>
            await c.QuerySingleAsync<(long? First, long? Last)>(new CommandDefinition("SELECT MIN(id), MAX(id) FROM issued_cals", cancellationToken: cancellationToken)) is { First: { } first, Last: { } last }
                ? (first, last)
                : null, cancellationToken);

    /// <summary>
    /// Every CAL with an id from <paramref name="firstId"/> to <paramref name="lastId"/> that is temporary or active now,
    /// oldest first, read a row at a time from an open reader: the body of the CAL Usage report at any size. The read
    /// connection stays open until the enumeration ends.
    /// </summary>
    public async IAsyncEnumerable<ReportedCal> ReportedCalsAsync(long firstId = long.MinValue, long lastId = long.MaxValue,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = await Dialect.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = ReportedCalsSql;
        AddParameter(command, "@first", firstId);
        AddParameter(command, "@last", lastId);
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            // In select-list order: PostgreSQL's sequential access reads each column once, forwards.
            yield return new ReportedCal(
                Id: reader.GetInt64(0),
                Type: (CalType)reader.GetInt64(1),
                Version: (ProductVersion)reader.GetInt64(2),
                Status: (CalStatus)reader.GetInt64(3),
                UserName: reader.IsDBNull(4) ? null : reader.GetString(4),
                ClientName: reader.GetString(5),
                HardwareId: reader.IsDBNull(6) ? null : reader.GetString(6),
                HostName: reader.GetString(7),
                IssuedAt: Times.FromDb(reader.GetInt64(8)),
                ExpiresAt: Times.FromDb(reader.GetInt64(9)),
                OverUsed: reader.GetInt64(10) != 0,
                KeyPackId: reader.IsDBNull(11) ? null : Guid.Parse(reader.GetString(11)));
        }
    }

    /// <summary>
    /// A saved report's CSV, open for copying to a download; null when there is no such report. Dispose it when done:
    /// it holds a read connection (and so, on SQLite, a read snapshot) until then.
    /// </summary>
    public async Task<StoredReportCsv?> OpenReportCsvAsync(string id, CancellationToken cancellationToken = default)
    {
        var connection = await Dialect.OpenAsync(cancellationToken);
        try
        {
            var command = connection.CreateCommand();
            // With the rowid in the row, Microsoft.Data.Sqlite reads the blob through SQLite's incremental blob I/O instead
            // of copying it into memory first; PostgreSQL has no rowid and streams a column under sequential access.
            command.CommandText = connection is SqliteConnection
                ? "SELECT csv_gzip, csv, rowid FROM reports WHERE id = @id"
                : "SELECT csv_gzip, csv FROM reports WHERE id = @id";
            AddParameter(command, "@id", id);
            var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess | CommandBehavior.SingleRow, cancellationToken);
            var csv = new StoredReportCsv(connection, command, reader);
            if (await reader.ReadAsync(cancellationToken)) return csv;
            await csv.DisposeAsync();
            return null;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
