using Dapper;
using Microsoft.Data.Sqlite;
using RdLicensing.Storage.Sqlite;

namespace RdLicensing.Storage.Tests;

/// <summary>Migration 0008 makes the clearinghouse's two lists of security events one, keeping every row already recorded.</summary>
public sealed class ClearinghouseSecurityEventMigrationTests
{
    [Fact]
    public async Task Refused_proofs_recorded_before_0008_join_the_lock_outs_in_one_list_newest_first()
    {
        var directory = Directory.CreateTempSubdirectory("rdlic-ch-events-");
        try
        {
            var path = Path.Combine(directory.FullName, "clearinghouse.db");
            // A clearinghouse database as it was before 0008: the scripts up to 0007, one row in each table.
            await using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
            {
                await connection.OpenAsync();
                await connection.ExecuteAsync("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)");
                var assembly = typeof(ClearinghouseStore).Assembly;
                const string prefix = "RdLicensing.Storage.sqlite.clearinghouse.";
                foreach (var (name, version) in assembly.GetManifestResourceNames().Where(n => n.StartsWith(prefix, StringComparison.Ordinal))
                             .Select(n => (n, int.Parse(n[prefix.Length..].Split('_')[0]))).Where(s => s.Item2 <= 7).OrderBy(s => s.Item2))
                {
                    using var reader = new StreamReader(assembly.GetManifestResourceStream(name)!);
                    await connection.ExecuteAsync(await reader.ReadToEndAsync());
                    await connection.ExecuteAsync("INSERT INTO schema_migrations (version, applied_at) VALUES (@version, 'then')", new { version });
                }
                await connection.ExecuteAsync("""
                    INSERT INTO server_security_events (occurred_at, kind, product_id, installation_id, address, path, detail)
                    VALUES (@t1, 'proof-not-recognized', '11111-22222-33333-44444', 'inst-1', '10.0.0.9', '/api/activations', 'signed by another key');
                    INSERT INTO security_events (occurred_at, kind, client_address, product_id, route, detail)
                    VALUES (@t2, 'unrecognized-identifiers-address', '10.0.0.9', NULL, 'POST /api/licenses', 'locked out');
                    """, new { t1 = T0.AddMinutes(1).ToUnixTimeMilliseconds(), t2 = T0.ToUnixTimeMilliseconds() });
            }

            var store = new ClearinghouseStore(new SqliteDialect(path, SqliteDialect.ClearinghouseMigrations));
            await store.MigrateAsync();
            await store.AddSecurityEventAsync(T0.AddMinutes(2), "proof-replayed", null, "11111-22222-33333-44444", null, "POST /migrate", "code used before");

            var all = await store.SecurityEventsAsync();
            var forServer = await store.SecurityEventsAsync("11111-22222-33333-44444");

            Assert.Equal(["proof-replayed", "proof-not-recognized", "unrecognized-identifiers-address"], all.Select(e => e.Kind));
            var moved = all[1];
            Assert.Equal((T0.AddMinutes(1), "10.0.0.9", "inst-1", "POST /api/activations", "signed by another key"),
                (moved.OccurredAt, moved.ClientAddress, moved.InstallationId, moved.Route, moved.Detail));
            Assert.Equal(["proof-replayed", "proof-not-recognized"], forServer.Select(e => e.Kind));
        }
        finally
        {
            RdLicensing.Storage.Sqlite.SqliteDialect.ClearPools();
            directory.Delete(recursive: true);
        }
    }

    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 4, 0, 0, TimeSpan.Zero);
}
