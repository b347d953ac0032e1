using System.Data.Common;
using Npgsql;

namespace RdLicensing.Storage.Postgres;

/// <summary>
/// Several license server nodes on one PostgreSQL database. Every write transaction first takes one transaction-scoped
/// advisory lock, so writers on all nodes run one after another exactly as they do on SQLite: each reads, decides by
/// the Core rules and writes without another node's change in between, and the pool counts, the 20% revocation limit
/// and the OverUsed count hold across nodes without any per-rule locking. Readers never wait. Commits are synchronous
/// (PostgreSQL's default), so an acknowledged CAL survives a crash of the node or of the database.
/// </summary>
public sealed class PostgresDialect : IStoreDialect, IAsyncDisposable
{
    // Any constant shared by every node of one database; "RDLW" (RdLicensing writer).
    private const long WriterLockKey = 0x52444C57;

    public const int DefaultMaxPoolSize = 24;

    /// <summary>Statements kept prepared per connection (Npgsql's Max Auto Prepare) unless the connection string says otherwise.</summary>
    public const int DefaultMaxAutoPrepare = 64;

    private readonly NpgsqlDataSource _dataSource;
    private readonly SemaphoreSlim _writer = new(1, 1);

    public PostgresDialect(string connectionString)
    {
        var keywords = PostgresConnectionString.ToKeywords(connectionString);
        var builder = new NpgsqlConnectionStringBuilder(keywords);
        // Several nodes share the server's max_connections (100 by default): a node waits for one of its own connections
        // rather than taking more, unless the administrator sized the pool.
        if (!keywords.Contains("Maximum Pool Size", StringComparison.OrdinalIgnoreCase) && !keywords.Contains("Max Pool Size", StringComparison.OrdinalIgnoreCase))
            builder.MaxPoolSize = DefaultMaxPoolSize;
        // Statements this node runs on every request (authentication, a presented CAL's reads, an issuance's statements) are
        // prepared on each connection once they have run twice, and kept there: the server then only binds and executes them.
        if (!keywords.Contains("Max Auto Prepare", StringComparison.OrdinalIgnoreCase))
        {
            builder.MaxAutoPrepare = DefaultMaxAutoPrepare;
            builder.AutoPrepareMinUsages = 2;
        }
        // A connection goes back to the pool without Npgsql's reset (CLOSE ALL, UNLISTEN *, pg_advisory_unlock_all(), DISCARD
        // SEQUENCES, DISCARD TEMP, sent before its next use): the stores leave no session state to reset — their one lock is
        // transaction-scoped (pg_advisory_xact_lock), and they use no LISTEN, temporary table or session setting — and Npgsql
        // still rolls back a transaction left open. The reset was five statements on every request's connection: about 30% of
        // PostgreSQL's CPU for an authenticated no-op request (PERFORMANCE.md, fifth pass).
        if (!keywords.Contains("No Reset On Close", StringComparison.OrdinalIgnoreCase))
            builder.NoResetOnClose = true;
        Target = $"postgres://{builder.Host}:{builder.Port}/{builder.Database}";
        ConnectionString = builder.ConnectionString;
        _dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
    }

    public string Name => "postgres";

    /// <summary>Host, port and database, without credentials: what status pages show.</summary>
    public string Target { get; }

    /// <summary>Credentials included: never log or show it.</summary>
    public string ConnectionString { get; }

    public string MigrationResourcePrefix => "RdLicensing.Storage.postgres.migrations.";

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) => await _dataSource.OpenConnectionAsync(cancellationToken);

    public async Task<WriteTransaction> BeginWriteAsync(CancellationToken cancellationToken)
    {
        // Writers of this node queue here rather than each holding a connection while it waits for the database lock:
        // a burst of requests would otherwise exhaust the pool and the server's max_connections.
        await _writer.WaitAsync(cancellationToken);
        NpgsqlConnection? connection = null;
        try
        {
            connection = await _dataSource.OpenConnectionAsync(cancellationToken);
            var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction);
            command.Parameters.AddWithValue("key", WriterLockKey);
            await command.ExecuteNonQueryAsync(cancellationToken);
            return new WriteTransaction(connection, transaction, new WriterTurn(_writer));
        }
        catch
        {
            if (connection is not null) await connection.DisposeAsync();
            _writer.Release();
            throw;
        }
    }

    /// <summary>
    /// Npgsql learns the database's types when it first connects, which may be before this node or another one created
    /// the citext extension: without reloading, citext columns could not be read.
    /// </summary>
    public Task SchemaReadyAsync(CancellationToken cancellationToken) => _dataSource.ReloadTypesAsync(cancellationToken);

    public Task BackupToAsync(string path, CancellationToken cancellationToken) =>
        throw new NotSupportedException(
            $"The license server database is PostgreSQL ({Target}): back it up with PostgreSQL's own tools (pg_dump, or the cluster's continuous archiving), which keep every node's writes consistent.");

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
