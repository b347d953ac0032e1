namespace RdLicensing.SessionHost.Configuration;

/// <summary>Names of the rows in the session host store's settings table.</summary>
public static class SettingNames
{
    public const string LicensingMode = "licensing_mode";
    public const string LicenseServers = "license_servers";
    public const string ProductVersion = "product_version";
    /// <summary>JSON list of the users who may open an administrative session without a CAL.</summary>
    public const string Administrators = "administrators";
    /// <summary>
    /// Unix milliseconds of the first client connection, or of the start a license server anchored (which replaces a later local one);
    /// never moved later.
    /// </summary>
    public const string GraceStartedAt = "grace_started_at";
    /// <summary>Unix milliseconds of the store's first start: a new grace period needs a new store, and status says when this one began.</summary>
    public const string StoreCreatedAt = "store_created_at";
    public const string SimulatedClockOffset = "simulated_clock_offset_ticks";
    /// <summary>SHA-256 (hex) of the administrator token in admin.token: never the token itself.</summary>
    public const string AdminTokenHash = "admin_token_hash";
}
