using RdLicensing.Core.Versions;

namespace RdLicensing.LicenseServer;

public enum ClockMode
{
    Real,
    Simulated,
}

/// <summary>How one license server runs; `rdlic up` and `rdlic server run` fill it from their options.</summary>
public sealed class LicenseServerOptions
{
    /// <summary>Holds the database (licensing.db) and the first administrator credential (admin.token).</summary>
    public string DataDirectory { get; set; } = "data/license-server";

    public string Urls { get; set; } = "http://127.0.0.1:5080";

    /// <summary>The Windows Server version this license server acts as: it hosts CALs of this version or older.</summary>
    public ProductVersion ProductVersion { get; set; } = ProductVersions.Latest;

    /// <summary>PEM file of the clearinghouse root certificate whose signatures this server trusts.</summary>
    public string? ClearinghouseCertificatePath { get; set; }

    /// <summary>Base URL of the clearinghouse for the automatic connection method (activation, Install Licenses, reissue).</summary>
    public string? ClearinghouseUrl { get; set; }

    public ClockMode Clock { get; set; } = ClockMode.Real;

    /// <summary>How often expired CALs are swept and their licenses returned to the pool.</summary>
    public TimeSpan ExpirySweepInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often the alert thresholds are evaluated in the background (<see cref="Alerts.AlertMonitorService"/>); infinite: only when
    /// the alerts are read (GET /api/admin/alerts), as the tests do to decide when an alert is raised.</summary>
    public TimeSpan AlertInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// A PostgreSQL database (postgres://user:password@host:port/database or Host=…;Database=…) that several license
    /// server nodes share; null for the embedded SQLite database in the data directory.
    /// </summary>
    public string? Database { get; set; }

    /// <summary>Failed authentications per client address, requests per session host and per administrator credential.</summary>
    public RateLimitOptions RateLimits { get; set; } = new();

    /// <summary>How often a node on a shared database reloads what other nodes may have changed: activation and the simulated clock.</summary>
    public TimeSpan SharedStateRefreshInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The configuration these options came from (file, environment, flags): the host binds its options classes from it again, ValidateOnStart.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public ServiceDefaults.Configuration.ServiceConfiguration? Configuration { get; set; }

    public string DatabasePath => Path.Combine(DataDirectory, "licensing.db");

    public string AdminTokenPath => Path.Combine(DataDirectory, "admin.token");
}
