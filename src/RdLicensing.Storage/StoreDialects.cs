using RdLicensing.Storage.Postgres;
using RdLicensing.Storage.Sqlite;

namespace RdLicensing.Storage;

/// <summary>Which database a license server uses: PostgreSQL when one is named (several nodes can share it), else its own SQLite file.</summary>
public static class StoreDialects
{
    /// <param name="database">Null or empty for the embedded SQLite default; a postgres:// address or Npgsql keyword string for PostgreSQL.</param>
    /// <exception cref="FormatException">The database setting is neither.</exception>
    public static IStoreDialect ForLicenseServer(string? database, string sqlitePath)
    {
        if (string.IsNullOrWhiteSpace(database)) return new SqliteDialect(sqlitePath);
        if (PostgresConnectionString.IsPostgres(database)) return new PostgresDialect(database);
        throw new FormatException("The database setting is not a PostgreSQL address: use postgres://user:password@host:port/database, or leave it out for the embedded SQLite database.");
    }

    /// <summary>What status pages show: the SQLite file, or PostgreSQL's host, port and database (never credentials).</summary>
    public static string Describe(IStoreDialect dialect) => dialect switch
    {
        SqliteDialect sqlite => $"sqlite:{sqlite.DatabasePath}",
        PostgresDialect postgres => postgres.Target,
        _ => dialect.Name,
    };
}
