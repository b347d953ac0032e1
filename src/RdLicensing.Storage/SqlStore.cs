using System.Data.Common;
using Dapper;

namespace RdLicensing.Storage;

/// <summary>
/// What every store of the system does the same way: migrate its own scripts, run reads on their own
/// connections, and run each change as one write transaction that commits all of it or none (a work item
/// that throws rolls back, so a refused request leaves nothing behind).
/// </summary>
public abstract class SqlStore<TSession>(IStoreDialect dialect, Func<WriteTransaction, TSession> openSession)
{
    public IStoreDialect Dialect { get; } = dialect;

    public Task<int> MigrateAsync(CancellationToken cancellationToken = default) => Migrator.MigrateAsync(Dialect, cancellationToken);

    /// <summary>
    /// Why the database cannot serve now — it does not answer a query, or its migrations are not all applied — or null
    /// when it can (the readiness check, /health/ready).
    /// </summary>
    public async Task<string?> ProbeAsync(CancellationToken cancellationToken = default)
    {
        var expected = Migrator.ExpectedVersion(Dialect);
        int? version;
        try
        {
            await using var connection = await Dialect.OpenProbeAsync(cancellationToken);
            version = await connection.ExecuteScalarAsync<int?>(new CommandDefinition("SELECT MAX(version) FROM schema_migrations", cancellationToken: cancellationToken));
        }
        catch (Exception e) when (e is DbException or InvalidOperationException or IOException or TimeoutException)
        {
            return $"the {Dialect.Name} database does not answer: {e.Message}";
        }
        return (version ?? 0) < expected
            ? $"the {Dialect.Name} database's migrations are not all applied (at {version ?? 0}, this build needs {expected}): restart the service to migrate it"
            : null;
    }

    private readonly GroupCommit<TSession> _commits = new(dialect, openSession);

    /// <summary>Runs <paramref name="work"/> in a write transaction; concurrent calls share one commit (see <see cref="GroupCommit{TSession}"/>).</summary>
    public Task<T> WriteAsync<T>(Func<TSession, Task<T>> work, CancellationToken cancellationToken = default) =>
        _commits.WriteAsync(work, cancellationToken);

    /// <summary>Write transactions committed since start, and the work items they held.</summary>
    public (long Commits, long Items) CommitStatistics => _commits.Statistics;

    /// <summary>Told the number of changes of each committed write transaction (the group commit's batch size), e.g. for a histogram.</summary>
    public Action<int>? BatchCommitted { set => _commits.Committed = value; }

    public Task WriteAsync(Func<TSession, Task> work, CancellationToken cancellationToken = default) =>
        WriteAsync(async session => { await work(session); return true; }, cancellationToken);

    public Task<string?> SettingAsync(string name, CancellationToken cancellationToken = default) =>
        ReadAsync(c => c.ExecuteScalarAsync<string?>(new CommandDefinition("SELECT value FROM settings WHERE name = @name", new { name }, cancellationToken: cancellationToken)),
            cancellationToken);

    protected async Task<T> ReadAsync<T>(Func<DbConnection, Task<T>> read, CancellationToken cancellationToken)
    {
        await using var connection = await Dialect.OpenAsync(cancellationToken);
        return await read(connection);
    }

    /// <summary>
    /// A read of fixed <paramref name="sql"/> that runs on every request (authentication, a presented CAL's reads): on SQLite its
    /// statements stay prepared with the kept connection (<see cref="Sqlite.KeptSqliteConnection"/>), on PostgreSQL Npgsql prepares
    /// it once it has seen it a few times (Max Auto Prepare). Parameters are named as in the SQL, '@' included.
    /// </summary>
    protected async Task<T> ReadPreparedAsync<T>(string sql, (string Name, object? Value)[] parameters,
        Func<DbDataReader, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        await using var connection = await Dialect.OpenAsync(cancellationToken);
        return await Sqlite.PreparedCommands.RunAsync(connection, null, sql, parameters, read, static async (command, read, ct) =>
        {
            await using var reader = await command.ExecuteReaderAsync(ct);
            return await read(reader, ct);
        }, cancellationToken);
    }
}
