using System.Reflection;
using Xunit.Sdk;

namespace RdLicensing.Storage.Tests;

/// <summary>
/// Runs a storage test once per database the store supports: SQLite always; further dialects join here
/// when they exist and their server is available to the test run.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AllDatabasesAttribute : DataAttribute
{
    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => TestDatabase.Available.Select(name => new object[] { name });
}

/// <summary>A fresh, migrated store in a throwaway database.</summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public static IReadOnlyList<string> Available { get; } = ["sqlite"];

    private readonly string _directory;

    private TestDatabase(string directory, LicenseStore store)
    {
        _directory = directory;
        Store = store;
    }

    public LicenseStore Store { get; }

    public static async Task<TestDatabase> CreateAsync(string database)
    {
        if (database != "sqlite") throw new ArgumentOutOfRangeException(nameof(database), database, "Unknown test database.");
        var directory = Path.Combine(Path.GetTempPath(), "rdl-store-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(directory);
        var store = new LicenseStore(new Sqlite.SqliteDialect(Path.Combine(directory, "licensing.db")));
        await store.MigrateAsync();
        return new TestDatabase(directory, store);
    }

    public ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return ValueTask.CompletedTask;
    }
}
