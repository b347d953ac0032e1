using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace RdLicensing.Storage.Sqlite;

/// <summary>
/// The embedded default. Every connection gets the same pragmas here and nowhere else: WAL so readers
/// never wait for the writer, FULL sync so an acknowledged CAL survives a power cut, foreign keys on, and
/// a busy timeout for other processes. Writers in this process queue on one lock instead of spinning on
/// SQLITE_BUSY, and BEGIN IMMEDIATE takes the database's write lock before the first read.
/// Connections are kept open between uses by this dialect (<see cref="KeptSqliteConnection"/>), so the pragmas run once per
/// connection and hot queries stay prepared; <see cref="ClearPools"/> closes them where a caller needs the files released.
/// </summary>
public sealed class SqliteDialect : IStoreDialect
{
    private readonly string _connectionString;
    private readonly SemaphoreSlim _writer = new(1, 1);

    /// <param name="migrationSet">The folder under sqlite/ whose scripts make this database: "migrations" for the license store, "clearinghouse" for the clearinghouse store.</param>
    public SqliteDialect(string databasePath, string migrationSet = LicenseServerMigrations)
    {
        MigrationResourcePrefix = $"RdLicensing.Storage.sqlite.{migrationSet}.";
        DatabasePath = Path.GetFullPath(databasePath);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            // This dialect keeps its own connections (with their prepared statements); Microsoft.Data.Sqlite's pool would
            // only add a lock per open.
            Pooling = false,
            DefaultTimeout = 30,
        }.ToString();
        lock (Dialects) Dialects.Add(new WeakReference<SqliteDialect>(this));
    }

    /// <summary>Idle connections kept at most; more in use at once are opened as needed and closed when handed back.</summary>
    public const int MaxKeptConnections = 16;

    private readonly ConcurrentQueue<KeptSqliteConnection> _idle = new();
    private int _idleCount;

    private static readonly List<WeakReference<SqliteDialect>> Dialects = [];
    private static int _generation;

    /// <summary>
    /// Closes every connection the dialects of this process keep idle, and makes those in use close when handed back (as
    /// well as Microsoft.Data.Sqlite's own pools): for a caller about to replace, move or delete a database file, or a test
    /// about to delete its directory. The next use opens new connections.
    /// </summary>
    public static void ClearPools()
    {
        Interlocked.Increment(ref _generation);
        List<SqliteDialect> live = [];
        lock (Dialects)
        {
            Dialects.RemoveAll(d => !d.TryGetTarget(out _));
            foreach (var reference in Dialects)
                if (reference.TryGetTarget(out var dialect)) live.Add(dialect);
        }
        foreach (var dialect in live) dialect.CloseIdle();
        SqliteConnection.ClearAllPools();
    }

    private void CloseIdle()
    {
        while (_idle.TryDequeue(out var connection))
        {
            Interlocked.Decrement(ref _idleCount);
            connection.CloseForGood();
        }
    }

    /// <summary>Takes back a connection its user disposed, if it can serve the next one as it is (see <see cref="KeptSqliteConnection"/>).</summary>
    internal bool TryKeep(KeptSqliteConnection connection)
    {
        if (!connection.Reusable || connection.Generation != Volatile.Read(ref _generation)) return false;
        if (Interlocked.Increment(ref _idleCount) > MaxKeptConnections)
        {
            Interlocked.Decrement(ref _idleCount);
            return false;
        }
        _idle.Enqueue(connection);
        return true;
    }

    public string DatabasePath { get; }

    public string Name => "sqlite";

    public const string LicenseServerMigrations = "migrations";

    public const string ClearinghouseMigrations = "clearinghouse";

    public string MigrationResourcePrefix { get; }

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var generation = Volatile.Read(ref _generation);
        while (_idle.TryDequeue(out var kept))
        {
            Interlocked.Decrement(ref _idleCount);
            if (kept.Generation == generation && kept.Reusable) return kept;
            kept.CloseForGood();
        }
        if (!_fileChecked) CreateOwnerOnlyIfMissing();
        var connection = new KeptSqliteConnection(_connectionString, this, generation);
        try
        {
            await connection.OpenAsync(cancellationToken);
            connection.TrackStatements();
            await using var pragmas = connection.CreateCommand();
            pragmas.CommandText = "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 30000;";
            await pragmas.ExecuteNonQueryAsync(cancellationToken);
        }
        catch
        {
            connection.CloseForGood();
            throw;
        }
        return connection;
    }

    /// <summary>Unpooled and without Create: a database file deleted, moved or unreadable fails here instead of being created empty.</summary>
    public async Task<DbConnection> OpenProbeAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder(_connectionString) { Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString());
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private volatile bool _fileChecked;

    /// <summary>
    /// The databases hold private keys (the license server's identity, the clearinghouse's signing key): a new
    /// directory is created 0700 and a new database file 0600 before SQLite opens it, and SQLite gives its
    /// -wal and -shm files the database's mode.
    /// </summary>
    private void CreateOwnerOnlyIfMissing()
    {
        var directory = Path.GetDirectoryName(DatabasePath)!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            // Only a missing directory is created here: the service tightens its own data directory (OwnerOnlyDirectory);
            // a database file elsewhere must not change the mode of the directory it happens to be in.
            if (!Directory.Exists(directory))
                Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            if (!File.Exists(DatabasePath))
            {
                try
                {
                    new FileStream(DatabasePath, new FileStreamOptions
                    {
                        Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
                    }).Dispose();
                }
                catch (IOException) when (File.Exists(DatabasePath))
                {
                    // Another connection created it first: it was created the same way.
                }
            }
        }
        _fileChecked = true;
    }

    public async Task<WriteTransaction> BeginWriteAsync(CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken);
        try
        {
            var connection = (SqliteConnection)await OpenAsync(cancellationToken);
            var transaction = connection.BeginTransaction(deferred: false);
            return new WriteTransaction(connection, transaction, new WriterTurn(_writer));
        }
        catch
        {
            _writer.Release();
            throw;
        }
    }

    public async Task BackupToAsync(string path, CancellationToken cancellationToken)
    {
        await using var source = (SqliteConnection)await OpenAsync(cancellationToken);
        await using var target = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        await target.OpenAsync(cancellationToken);
        source.BackupDatabase(target);
    }
}
