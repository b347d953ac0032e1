using System.Reflection;
using RdLicensing.Storage.Postgres;
using RdLicensing.Testing;
using Xunit.Sdk;

namespace RdLicensing.Storage.Tests;

/// <summary>
/// Runs a storage test once per database the store supports: SQLite always, PostgreSQL when the test run has a
/// cluster (./test.sh starts one and sets RDLIC_TEST_POSTGRES).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AllDatabasesAttribute : DataAttribute
{
    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => TestDatabase.Available.Select(name => new object[] { name });
}

/// <summary>A fresh, migrated store in a throwaway database.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public static IReadOnlyList<string> Available { get; } = ThrowawayPostgres.Available ? ["sqlite", "postgres"] : ["sqlite"];

    private readonly Func<Task> _drop;

    private TestDatabase(LicenseStore store, Func<Task> drop)
    {
        Store = store;
        _drop = drop;
    }

    public LicenseStore Store { get; }

    public static async Task<TestDatabase> CreateAsync(string database)
    {
        TestDatabase created;
        switch (database)
        {
            case "sqlite":
                var directory = Path.Combine(Path.GetTempPath(), "rdl-store-" + Guid.NewGuid().ToString("N")[..12]);
                Directory.CreateDirectory(directory);
                created = new TestDatabase(new LicenseStore(new Sqlite.SqliteDialect(Path.Combine(directory, "licensing.db"))), () =>
                {
                    RdLicensing.Storage.Sqlite.SqliteDialect.ClearPools();
                    Directory.Delete(directory, recursive: true);
                    return Task.CompletedTask;
                });
                break;
            case "postgres":
                var connectionString = await ThrowawayPostgres.CreateDatabaseAsync();
                var dialect = new PostgresDialect(connectionString);
                created = new TestDatabase(new LicenseStore(dialect), async () =>
                {
                    await dialect.DisposeAsync();
                    await ThrowawayPostgres.DropDatabaseAsync(connectionString);
                });
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(database), database, "Unknown test database.");
        }
        await created.Store.MigrateAsync();
        return created;
    }

    /// <summary>A second store on the same database, as another license server node sees it.</summary>
    public LicenseStore SecondNode() => Store.Dialect switch
    {
        Sqlite.SqliteDialect sqlite => new LicenseStore(new Sqlite.SqliteDialect(sqlite.DatabasePath)),
        PostgresDialect postgres => new LicenseStore(new PostgresDialect(postgres.ConnectionString)),
        _ => throw new NotSupportedException(),
    };

    public async ValueTask DisposeAsync() => await _drop();
}
