using Npgsql;

namespace RdLicensing.Testing;

/// <summary>
/// Fresh PostgreSQL databases for tests, in the cluster ./test.sh starts: RDLIC_TEST_POSTGRES holds a connection string
/// of a role that may create databases (Host=127.0.0.1;Port=55432;Username=postgres). Without it, tests run on SQLite only.
/// </summary>
public static class ThrowawayPostgres
{
    public const string Variable = "RDLIC_TEST_POSTGRES";

    /// <summary>When set to "postgres", every <see cref="TestLicenseServer"/> runs on its own PostgreSQL database instead of SQLite.</summary>
    public const string ServersVariable = "RDLIC_TEST_SERVERS_ON";

    public static string? AdminConnectionString => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value ? value : null;

    public static bool Available => AdminConnectionString is not null;

    public static bool ServersUsePostgres => Available && Environment.GetEnvironmentVariable(ServersVariable) == "postgres";

    /// <summary>Creates an empty database and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync()
    {
        var admin = AdminConnectionString ?? throw new InvalidOperationException($"{Variable} is not set: no PostgreSQL cluster for tests.");
        var name = "rdl_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
    }

    public static async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database!;
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
