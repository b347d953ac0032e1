using System.Reflection;
using Dapper;

namespace RdLicensing.Storage;

/// <summary>Applies the dialect's numbered scripts (NNNN_name.sql) that the database has not seen, each in its own transaction.</summary>
public static class Migrator
{
    public static async Task<int> MigrateAsync(IStoreDialect dialect, CancellationToken cancellationToken)
    {
        var assembly = typeof(Migrator).Assembly;
        var scripts = assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(dialect.MigrationResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n => (Name: n, Version: int.Parse(n[dialect.MigrationResourcePrefix.Length..].Split('_')[0])))
            .OrderBy(s => s.Version)
            .ToList();

        // Waiting for the writer may be cancelled: nothing has started. Once the transaction is open the migration runs to its
        // commit, deliberately with CancellationToken.None: it is short, and a service told to stop mid-migration should leave
        // its database migrated rather than have the next start find it interrupted.
        await using var write = await dialect.BeginWriteAsync(cancellationToken);
        var toTheEnd = CancellationToken.None;
        await write.Connection.ExecuteAsync(new CommandDefinition(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
            transaction: write.Transaction, cancellationToken: toTheEnd));
        var applied = (await write.Connection.QueryAsync<int>(new CommandDefinition("SELECT version FROM schema_migrations",
            transaction: write.Transaction, cancellationToken: toTheEnd))).ToHashSet();
        var count = 0;
        foreach (var script in scripts.Where(s => !applied.Contains(s.Version)))
        {
            await write.Connection.ExecuteAsync(new CommandDefinition(Read(assembly, script.Name), transaction: write.Transaction, cancellationToken: toTheEnd));
            await write.Connection.ExecuteAsync(new CommandDefinition("INSERT INTO schema_migrations (version, applied_at) VALUES (@v, @at)",
                new { v = script.Version, at = DateTime.UtcNow.ToString("O") }, write.Transaction, cancellationToken: toTheEnd));
            count++;
        }
        await write.CommitAsync(toTheEnd);
        await dialect.SchemaReadyAsync(cancellationToken);
        return count;
    }

    /// <summary>The highest script version of the dialect's set: what a database migrated by this build is at.</summary>
    public static int ExpectedVersion(IStoreDialect dialect) =>
        typeof(Migrator).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(dialect.MigrationResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n => int.Parse(n[dialect.MigrationResourcePrefix.Length..].Split('_')[0]))
            .DefaultIfEmpty(0)
            .Max();

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
