namespace RdLicensing.Core.Versions;

/// <summary>
/// The two RDS compatibility matrices. The documentation's prose contradicts its own tables for the
/// license server; the tables are what Windows does, so they are what we do.
/// </summary>
public static class VersionCompatibility
{
    /// <summary>A session host accepts CALs of its own version or newer.</summary>
    public static bool SessionHostAccepts(ProductVersion hostVersion, ProductVersion calVersion) => calVersion >= hostVersion;

    /// <summary>A license server hosts CALs of its own version or older.</summary>
    public static bool LicenseServerHosts(ProductVersion serverVersion, ProductVersion calVersion) => calVersion <= serverVersion;
}
