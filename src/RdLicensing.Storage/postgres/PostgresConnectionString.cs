using Npgsql;

namespace RdLicensing.Storage.Postgres;

/// <summary>
/// Accepts what administrators paste: a URI (postgres://user:password@host:5432/database?sslmode=require) or Npgsql's
/// keyword form (Host=…;Database=…). Anything else is refused with what is wrong, never echoing the password.
/// </summary>
public static class PostgresConnectionString
{
    public static bool IsPostgres(string database) =>
        database.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || database.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
        || database.Contains("Host=", StringComparison.OrdinalIgnoreCase);

    /// <summary>The value, trimmed, when it is a usable PostgreSQL address; else null (for command-line options to refuse).</summary>
    public static string? Checked(string value)
    {
        var trimmed = value.Trim();
        if (!IsPostgres(trimmed)) return null;
        try
        {
            ToKeywords(trimmed);
            return trimmed;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    public static string ToKeywords(string database)
    {
        if (!database.Contains("://", StringComparison.Ordinal))
        {
            try
            {
                return new NpgsqlConnectionStringBuilder(database).ConnectionString;
            }
            catch (ArgumentException e)
            {
                throw new FormatException($"The PostgreSQL connection string is not valid ({e.Message}). Use Host=…;Port=…;Database=…;Username=… or postgres://user@host:port/database.", e);
            }
        }
        if (!Uri.TryCreate(database, UriKind.Absolute, out var uri) || uri.Scheme is not ("postgres" or "postgresql") || string.IsNullOrEmpty(uri.Host))
            throw new FormatException("The PostgreSQL address is not valid: use postgres://user:password@host:port/database.");
        var builder = new NpgsqlConnectionStringBuilder { Host = uri.Host, Port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port };
        var database_ = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database_.Length == 0) throw new FormatException("The PostgreSQL address names no database: add it after the host, as in postgres://user@host:5432/licensing.");
        builder.Database = database_;
        if (uri.UserInfo.Length > 0)
        {
            var parts = uri.UserInfo.Split(':', 2);
            builder.Username = Uri.UnescapeDataString(parts[0]);
            if (parts.Length == 2) builder.Password = Uri.UnescapeDataString(parts[1]);
        }
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            var key = Uri.UnescapeDataString(kv[0]);
            var value = kv.Length == 2 ? Uri.UnescapeDataString(kv[1]) : "";
            try
            {
                builder[key.Equals("sslmode", StringComparison.OrdinalIgnoreCase) ? "SSL Mode" : key] = value;
            }
            catch (Exception e) when (e is ArgumentException or KeyNotFoundException or FormatException)
            {
                throw new FormatException($"The PostgreSQL address has an option Npgsql does not know or accept: '{key}'.", e);
            }
        }
        return builder.ConnectionString;
    }
}
