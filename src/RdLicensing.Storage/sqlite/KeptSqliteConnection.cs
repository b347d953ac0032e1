using System.Data.Common;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace RdLicensing.Storage.Sqlite;

/// <summary>
/// A connection its <see cref="SqliteDialect"/> keeps open between uses, with the statements it has prepared: disposing it
/// hands it back instead of closing it. Opening a pooled connection cost a lock on Microsoft.Data.Sqlite's pool and four
/// pragma statements every time, and every query was parsed and planned again; a kept connection is configured once
/// and a hot query (<see cref="IPreparedCommands"/>) is prepared once per connection.
/// </summary>
/// <remarks>
/// Invariants: a connection is handed back only open, outside any transaction and from the dialect's current
/// generation (<see cref="SqliteDialect.ClearPools"/> starts a new one); anything else is closed for good. While rented it
/// belongs to one caller, so its prepared commands are never used by two callers at once.
/// </remarks>
internal sealed class KeptSqliteConnection(string connectionString, SqliteDialect owner, int generation)
    : SqliteConnection(connectionString), IPreparedCommands
{
    /// <summary>Distinct hot statements kept per connection; a statement past this many is prepared for one use only.</summary>
    public const int MaxPrepared = 32;

    private readonly Dictionary<string, SqliteCommand> _prepared = new(StringComparer.Ordinal);

    public int Generation { get; } = generation;

    /// <summary>Whether this connection can be handed to the next caller as it is.</summary>
    public bool Reusable => State == System.Data.ConnectionState.Open && Transaction is null && Handle is { } handle
                            && raw.sqlite3_get_autocommit(handle) != 0 && !HasStatementInProgress(handle);

    /// <summary>Lets <see cref="HasStatementInProgress"/> see this connection's statements: SQLitePCL tracks them only when asked, right after opening.</summary>
    public void TrackStatements() => Handle!.enable_sqlite3_next_stmt(true);

    /// <summary>A statement stepped but not reset (a reader left open) would hold its read snapshot into the next caller's work.</summary>
    private static bool HasStatementInProgress(sqlite3 handle)
    {
        for (var statement = raw.sqlite3_next_stmt(handle, null); statement is not null; statement = raw.sqlite3_next_stmt(handle, statement))
            if (raw.sqlite3_stmt_busy(statement) != 0) return true;
        return false;
    }

    public DbCommand Prepared(string sql, out bool owned)
    {
        if (_prepared.TryGetValue(sql, out var kept))
        {
            kept.Parameters.Clear();
            owned = false;
            return kept;
        }
        var command = CreateCommand();
        command.CommandText = sql;
        if (_prepared.Count >= MaxPrepared)
        {
            owned = true;
            return command;
        }
        try
        {
            command.Prepare();
        }
        catch
        {
            command.Dispose();
            throw;
        }
        _prepared.Add(sql, command);
        owned = false;
        return command;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && owner.TryKeep(this)) return;
        CloseForGood(disposing);
    }

    public override ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Finalizes the prepared statements and closes the database handle.</summary>
    public void CloseForGood(bool disposing = true)
    {
        if (disposing)
        {
            foreach (var command in _prepared.Values) command.Dispose();
            _prepared.Clear();
        }
        base.Dispose(disposing);
    }
}

/// <summary>
/// A connection that keeps prepared statements: <see cref="SqlStore{TSession}.ReadPreparedAsync{T}"/> uses it for queries of fixed
/// text run on every request (authentication, a presented CAL's reads). PostgreSQL needs none of this: Npgsql prepares
/// statements it sees often itself (Max Auto Prepare).
/// </summary>
internal interface IPreparedCommands
{
    /// <summary>The command for <paramref name="sql"/>, its parameters cleared, prepared once and kept with the connection (not to be disposed) unless <paramref name="owned"/>.</summary>
    DbCommand Prepared(string sql, out bool owned);
}

/// <summary>Commands of fixed text on any store connection: the kept, prepared one of a <see cref="IPreparedCommands"/> connection, else a new one.</summary>
internal static class PreparedCommands
{
    /// <summary>
    /// The command for <paramref name="sql"/> with <paramref name="parameters"/> (named with '@') bound: the connection's kept one,
    /// not to be disposed (<paramref name="owned"/> false), or a new one the caller disposes.
    /// </summary>
    public static DbCommand For(DbConnection connection, DbTransaction? transaction, string sql, (string Name, object? Value)[] parameters, out bool owned)
    {
        owned = true;
        var command = connection is IPreparedCommands prepared ? prepared.Prepared(sql, out owned) : connection.CreateCommand();
        if (owned) command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }
        return command;
    }

    /// <summary>
    /// Runs <paramref name="run"/> (given <paramref name="state"/>, so a static lambda allocates nothing per call) on the command for
    /// <paramref name="sql"/> (<see cref="For"/>) and disposes the command if it was not a kept one: the one way the stores run a
    /// statement of fixed text that runs often.
    /// </summary>
    public static async Task<T> RunAsync<TState, T>(DbConnection connection, DbTransaction? transaction, string sql, (string Name, object? Value)[] parameters,
        TState state, Func<DbCommand, TState, CancellationToken, Task<T>> run, CancellationToken cancellationToken)
    {
        var command = For(connection, transaction, sql, parameters, out var owned);
        try
        {
            return await run(command, state, cancellationToken);
        }
        finally
        {
            if (owned) await command.DisposeAsync();
        }
    }
}
