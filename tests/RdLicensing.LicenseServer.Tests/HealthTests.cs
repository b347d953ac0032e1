using System.Net;
using System.Text.Json;
using Npgsql;
using RdLicensing.Testing;

namespace RdLicensing.LicenseServer.Tests;

/// <summary>
/// Liveness (/health/live: the process answers) against readiness (/health/ready: the database answers a query with
/// its migrations applied, the identity is loaded); /health answers as before.
/// </summary>
public sealed class HealthTests
{
    [Fact]
    public async Task Readiness_fails_with_the_reason_while_the_SQLite_database_is_gone_and_recovers_when_it_is_back()
    {
        if (ThrowawayPostgres.ServersUsePostgres) return; // the SQLite file is this test's subject
        await using var server = await TestLicenseServer.StartAsync();
        var anonymous = server.NewClient(null);
        var (status, body) = await GetAsync(anonymous, "/health/ready");
        Assert.Equal(HttpStatusCode.OK, status); // positive control: ready with its database
        Assert.Equal("healthy", body.GetProperty("status").GetString());
        Assert.Equal(["database", "identity"], body.GetProperty("checks").EnumerateArray().Select(c => c.GetProperty("name").GetString()).Order());

        var database = Path.Combine(server.DataDirectory, "licensing.db");
        var aside = database + ".aside";
        File.Move(database, aside); // the disk holding it gone, the file deleted by mistake…
        try
        {
            (status, body) = await GetAsync(anonymous, "/health/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
            var check = body.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "database");
            Assert.Equal("unhealthy", check.GetProperty("status").GetString());
            Assert.StartsWith("the sqlite database does not answer", check.GetProperty("reason").GetString());
            Assert.False(File.Exists(database)); // the check never creates an empty database in its place

            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live")).StatusCode); // the process still answers
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health")).StatusCode); // as today's callers expect
        }
        finally
        {
            File.Move(aside, database);
        }
        (status, _) = await GetAsync(anonymous, "/health/ready");
        Assert.Equal(HttpStatusCode.OK, status);
    }

    [Fact]
    public async Task Readiness_fails_when_the_schema_is_behind_this_build()
    {
        if (ThrowawayPostgres.ServersUsePostgres) return;
        await using var server = await TestLicenseServer.StartAsync();
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(server.DataDirectory, "licensing.db")};Pooling=false"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "DELETE FROM schema_migrations WHERE version = (SELECT MAX(version) FROM schema_migrations)";
            await command.ExecuteNonQueryAsync();
        }
        var (status, body) = await GetAsync(server.NewClient(null), "/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Contains("migrations are not all applied", body.GetProperty("checks")[0].GetProperty("reason").GetString()
            + body.GetProperty("checks")[1].GetProperty("reason").GetString());
    }

    [PostgresFact]
    public async Task Readiness_fails_while_the_PostgreSQL_database_refuses_connections_and_recovers()
    {
        var database = await ThrowawayPostgres.CreateDatabaseAsync();
        var name = new NpgsqlConnectionStringBuilder(database).Database!;
        try
        {
            await using var server = await TestLicenseServer.StartAsync(database: database);
            var anonymous = server.NewClient(null);
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(anonymous, "/health/ready")).Status);

            await AdminAsync($"ALTER DATABASE {name} ALLOW_CONNECTIONS false; SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'");
            var (status, body) = await GetAsync(anonymous, "/health/ready");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
            var check = body.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "database");
            Assert.StartsWith("the postgres database does not answer", check.GetProperty("reason").GetString());
            Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live")).StatusCode);

            await AdminAsync($"ALTER DATABASE {name} ALLOW_CONNECTIONS true");
            // The pool may still hold a connection the server closed: the first query after the outage can fail once.
            (status, _) = await GetAsync(anonymous, "/health/ready");
            if (status != HttpStatusCode.OK) (status, _) = await GetAsync(anonymous, "/health/ready");
            Assert.Equal(HttpStatusCode.OK, status);
        }
        finally
        {
            await AdminAsync($"ALTER DATABASE {name} ALLOW_CONNECTIONS true");
            await ThrowawayPostgres.DropDatabaseAsync(database);
        }
    }

    private static async Task AdminAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ThrowawayPostgres.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }
}
