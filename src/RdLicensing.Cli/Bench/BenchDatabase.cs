using Microsoft.Data.Sqlite;
using Npgsql;
using RdLicensing.Storage;
using RdLicensing.Storage.Postgres;

namespace RdLicensing.Cli.Bench;

/// <summary>A <see cref="LicenseStore"/> opened by the bench, with what must be released after it (PostgreSQL's connection pool, SQLite's open files).</summary>
internal sealed class StoreHandle(LicenseStore store, IStoreDialect dialect) : IAsyncDisposable
{
    public LicenseStore Store { get; } = store;

    public async ValueTask DisposeAsync()
    {
        if (dialect is IAsyncDisposable disposable) await disposable.DisposeAsync();
        else RdLicensing.Storage.Sqlite.SqliteDialect.ClearPools();
    }
}

/// <summary>
/// The databases of one benchmark: the one its own license server uses — SQLite in the server's data directory, or a
/// PostgreSQL database created for the run (bench_lic_…) in the cluster --db reaches — and the scratch database of the
/// same dialect the database baseline writes to (a SQLite file beside the server's, or bench_raw_… in the same cluster).
/// Databases created here are dropped at the end unless kept.
/// </summary>
internal sealed class BenchDatabase
{
    private readonly string? _cluster;

    private BenchDatabase(string dataDirectory, string tag, string? cluster, string? serverDatabase, string? scratchDatabase)
    {
        DataDirectory = dataDirectory;
        Tag = tag;
        _cluster = cluster;
        ServerDatabase = serverDatabase;
        ScratchDatabase = scratchDatabase;
    }

    public string DataDirectory { get; }

    public string Tag { get; }

    /// <summary>The server's PostgreSQL connection string (credentials included: never print it); null on SQLite.</summary>
    public string? ServerDatabase { get; }

    private string? ScratchDatabase { get; }

    public bool IsPostgres => _cluster is not null;

    public string SqlitePath => Path.Combine(DataDirectory, "licensing.db");

    private string ScratchSqlitePath => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(DataDirectory))!, $".rdlic-bench-raw-{Tag}.db");

    /// <summary>"sqlite:/path/licensing.db" or "postgres://host:port/bench_lic_…": where the server's data is, without credentials.</summary>
    public string Describe => ServerDatabase is not null ? Target(ServerDatabase) : $"sqlite:{SqlitePath}";

    /// <summary>postgres://host:port/database, as the server's status shows it: no credentials.</summary>
    public static string Target(string postgres)
    {
        var builder = new NpgsqlConnectionStringBuilder(PostgresConnectionString.ToKeywords(postgres));
        return $"postgres://{builder.Host}:{builder.Port}/{builder.Database}";
    }

    /// <summary>Where the database baseline writes, without credentials.</summary>
    public string ScratchDescribe => ScratchDatabase is not null ? Target(ScratchDatabase) : $"sqlite:{ScratchSqlitePath}";

    public string Dialect => IsPostgres ? "postgres" : "sqlite";

    /// <param name="cluster">--db: a PostgreSQL cluster the bench may create databases in; null for SQLite.</param>
    /// <param name="forServer">Also a database for the bench's own server (not when it drives a running one).</param>
    public static async Task<BenchDatabase> CreateAsync(string dataDirectory, string? cluster, string tag, bool forServer, CancellationToken ct)
    {
        if (cluster is null) return new BenchDatabase(dataDirectory, tag, null, null, null);
        var server = forServer ? await CreatePostgresAsync(cluster, $"bench_lic_{tag}", ct) : null;
        var scratch = await CreatePostgresAsync(cluster, $"bench_raw_{tag}", ct);
        return new BenchDatabase(dataDirectory, tag, cluster, server, scratch);
    }

    public StoreHandle OpenServerStore() => Open(ServerDatabase, SqlitePath);

    public StoreHandle OpenScratchStore() => Open(ScratchDatabase, ScratchSqlitePath);

    /// <summary>Drops the scratch database; the server's too unless <paramref name="keepServerData"/>.</summary>
    public async Task CleanUpAsync(bool keepServerData)
    {
        foreach (var suffix in new[] { "", "-wal", "-shm" }) File.Delete(ScratchSqlitePath + suffix);
        if (_cluster is null) return;
        await DropPostgresAsync(_cluster, ScratchDatabase!);
        if (ServerDatabase is not null && !keepServerData) await DropPostgresAsync(_cluster, ServerDatabase);
    }

    public static StoreHandle Open(string? postgres, string sqlitePath)
    {
        var dialect = StoreDialects.ForLicenseServer(postgres, sqlitePath);
        return new StoreHandle(new LicenseStore(dialect), dialect);
    }

    private static async Task<string> CreatePostgresAsync(string cluster, string name, CancellationToken ct)
    {
        var admin = AdminBuilder(cluster);
        try
        {
            await using var connection = new NpgsqlConnection(admin.ConnectionString);
            await connection.OpenAsync(ct);
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync(ct);
        }
        catch (NpgsqlException e)
        {
            throw new CliException($"cannot create the database {name} in the PostgreSQL cluster at {admin.Host}:{admin.Port} given by --db ({e.Message.TrimEnd('.')}); the role needs CREATEDB.");
        }
        // The cluster's settings as given (pooling included), only the database changed.
        return new NpgsqlConnectionStringBuilder(PostgresConnectionString.ToKeywords(cluster)) { Database = name }.ConnectionString;
    }

    private static async Task DropPostgresAsync(string cluster, string database)
    {
        var name = new NpgsqlConnectionStringBuilder(database).Database!;
        NpgsqlConnection.ClearAllPools();
        // The clean-up runs to its end even when the bench was cancelled (Ctrl+C): CancellationToken.None, deliberately, so no
        // bench database is left behind in the cluster.
        await using var connection = new NpgsqlConnection(AdminBuilder(cluster).ConnectionString);
        await connection.OpenAsync(CancellationToken.None);
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync(CancellationToken.None);
    }

    /// <summary>The cluster as given, connected to the database it names (or "postgres") to create and drop the bench's own.</summary>
    private static NpgsqlConnectionStringBuilder AdminBuilder(string cluster)
    {
        var builder = new NpgsqlConnectionStringBuilder(PostgresConnectionString.ToKeywords(cluster)) { Pooling = false };
        if (string.IsNullOrEmpty(builder.Database)) builder.Database = "postgres";
        return builder;
    }
}
