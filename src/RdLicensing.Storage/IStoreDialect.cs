using System.Data.Common;

namespace RdLicensing.Storage;

/// <summary>
/// What differs between databases: how a connection is opened and configured, how a write transaction
/// takes its lock, and where the dialect's migrations live. The SQL of the store itself is portable: flags are 0/1
/// integers, and names compared without regard to case are written <c>CAST(@name AS CITEXT)</c>, which PostgreSQL reads
/// as its citext type and SQLite as text under the column's NOCASE collation.
/// </summary>
public interface IStoreDialect
{
    string Name { get; }

    /// <summary>Embedded resource prefix of the numbered migration scripts of this database (each store has its own set).</summary>
    string MigrationResourcePrefix { get; }

    Task<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Begins a transaction that serialises with every other writer before it reads anything.</summary>
    Task<WriteTransaction> BeginWriteAsync(CancellationToken cancellationToken);

    /// <summary>Runs once the schema is current (whether or not this process changed it), e.g. to learn types a migration created.</summary>
    Task SchemaReadyAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// A connection for the readiness check: one that fails when the database is gone or unreadable instead of
    /// creating it or reusing a pooled connection to a file no longer there.
    /// </summary>
    Task<DbConnection> OpenProbeAsync(CancellationToken cancellationToken) => OpenAsync(cancellationToken);

    /// <summary>Copies the database, consistent while the server runs, to a new file.</summary>
    Task BackupToAsync(string path, CancellationToken cancellationToken);
}

/// <summary>An open connection with its write transaction; disposing releases the writer lock.</summary>
public sealed class WriteTransaction(DbConnection connection, DbTransaction transaction, IDisposable? writerLock) : IAsyncDisposable
{
    public DbConnection Connection { get; } = connection;
    public DbTransaction Transaction { get; } = transaction;

    /// <summary>What the work items of this transaction share and write just before the commit (a store's own type); null until one sets it.</summary>
    public IBatchState? BatchState { get; set; }

    public Task CommitAsync(CancellationToken cancellationToken) => Transaction.CommitAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Transaction.DisposeAsync();
            await Connection.DisposeAsync();
        }
        finally
        {
            writerLock?.Dispose();
        }
    }
}
