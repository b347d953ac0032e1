using RdLicensing.Testing;

namespace RdLicensing.LicenseServer.Tests;

/// <summary>A test of several license server nodes on one database: it needs the PostgreSQL cluster ./test.sh starts.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (!ThrowawayPostgres.Available) Skip = $"needs PostgreSQL: ./test.sh starts a throwaway cluster and sets {ThrowawayPostgres.Variable}";
    }
}
