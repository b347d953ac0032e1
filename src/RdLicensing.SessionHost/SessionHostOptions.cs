using RdLicensing.Core.Versions;

namespace RdLicensing.SessionHost;

/// <summary>How one session host runs; `rdlic sessionhost run` (and `rdlic up`) fill it from their options.</summary>
public sealed class SessionHostOptions
{
    public const string DefaultUrls = "http://127.0.0.1:5082";

    public const string DefaultName = "rdsh-01";

    /// <summary>The host's own version when neither policy nor local settings give one.</summary>
    public const ProductVersion DefaultVersion = ProductVersion.WindowsServer2022;

    /// <summary>Holds the database (sessionhost.db, owner-only: it keeps enrollment tokens), admin.token and the policy file (policy.json).</summary>
    public string DataDirectory { get; set; } = "data/sessionhost";

    public string Urls { get; set; } = DefaultUrls;

    /// <summary>The host's computer name: what license servers know it as (`rdlic hosts enroll NAME`).</summary>
    public string Name { get; set; } = DefaultName;

    /// <summary>
    /// Real, or simulated: a clock tests and demos move forward (its offset is kept in the store). Ignored when
    /// <see cref="Hosting.SessionHostServer.Build"/> is given a clock, e.g. the license server's in `rdlic up`.
    /// </summary>
    public bool SimulatedClock { get; set; }

    public static readonly TimeSpan DefaultLicenseServerTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How long the host waits for one license server before it tries the next (<c>SessionHost:LicenseServerTimeout</c>).</summary>
    public TimeSpan LicenseServerTimeout { get; set; } = DefaultLicenseServerTimeout;

    /// <summary>
    /// Failed authentications (a wrong administrator token) one client address may make per
    /// <see cref="FailedAuthenticationWindow"/>; beyond them 429 with Retry-After. As on the license server: a valid
    /// token from the same address is always served.
    /// </summary>
    public int FailedAuthenticationsPerWindow { get; set; } = 10;

    public TimeSpan FailedAuthenticationWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How often (real time) the host looks whether a license server's revocation list is due: it fetches each one when its last
    /// sync is <see cref="Core.Cals.RevocationList.SyncInterval"/> old by the host's clock (so a simulated clock moved forward
    /// syncs at the next look), and retries a failed fetch at every look.
    /// </summary>
    public TimeSpan RevocationCheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The configuration these options came from (file, environment, flags): the host binds its options classes from it again, ValidateOnStart.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public ServiceDefaults.Configuration.ServiceConfiguration? Configuration { get; set; }

    /// <summary>The xrdp configuration the diagnoser reads for a desktop on this machine (require_credentials in [Globals]).</summary>
    public string XrdpConfigPath { get; set; } = Diagnostics.XrdpLoginScreen.DefaultConfigPath;

    public string DatabasePath => Path.Combine(DataDirectory, "sessionhost.db");

    /// <summary>The administrator token (rdsa_…), created owner-only at the first start; the store keeps only its hash.</summary>
    public string AdminTokenPath => Path.Combine(DataDirectory, ServiceDefaults.AdminTokenFile.FileName);

    /// <summary>The policy file (like Group Policy): values in it override local settings and cannot be changed locally.</summary>
    public string PolicyFilePath => Path.Combine(DataDirectory, "policy.json");
}
