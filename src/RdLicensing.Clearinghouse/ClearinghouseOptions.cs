namespace RdLicensing.Clearinghouse;

/// <summary>How one clearinghouse runs; `rdlic clearinghouse run`, `rdlic up` and the tests fill it.</summary>
public sealed class ClearinghouseOptions
{
    /// <summary>Holds the database (clearinghouse.db), the exported certificate (clearinghouse.pem) and admin.token.</summary>
    public string DataDirectory { get; set; } = "data/clearinghouse";

    public string Urls { get; set; } = "http://127.0.0.1:5081";

    /// <summary>How long a License Server ID is valid; the license server reactivates before then.</summary>
    public TimeSpan LicenseServerIdValidity { get; set; } = TimeSpan.FromDays(730);

    /// <summary>Failed authentications and unrecognized identifiers one client may make (<see cref="ClearinghouseRateLimits"/>).</summary>
    public ClearinghouseRateLimits RateLimits { get; set; } = new();

    /// <summary>The configuration these options came from (file, environment, flags): the host binds its options classes from it again, ValidateOnStart.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public ServiceDefaults.Configuration.ServiceConfiguration? Configuration { get; set; }

    public string DatabasePath => Path.Combine(DataDirectory, "clearinghouse.db");

    /// <summary>The root certificate license servers trust (--clearinghouse-cert), rewritten at every start.</summary>
    public string CertificatePath => Path.Combine(DataDirectory, "clearinghouse.pem");

    public string AdminTokenPath => Path.Combine(DataDirectory, "admin.token");
}

/// <summary>
/// How far one client may push the clearinghouse. Beyond either limit the answer is 429 with Retry-After.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Failed authentications (a wrong vendor administrator token, a refused operator sign-in): 10 per client address
/// per minute, as on the license server. A valid token from the same address is always served.</item>
/// <item>Unrecognized identifiers (agreement, Open License or retail numbers, Product IDs and License Server IDs that are
/// not recognized, on every anonymous or per-server route): 10 per 15 minutes per client address and, apart, per Product
/// ID named. Once used up, every such request from that address, or for that Product ID, is refused until the window
/// ends — a right guess included, so guessing 7-digit agreement numbers gains nothing. A customer who mistypes a few
/// times is not held back; the lock-out is recorded as a security event the vendor lists.</item>
/// </list>
/// </remarks>
public sealed class ClearinghouseRateLimits
{
    public int FailedAuthenticationsPerWindow { get; set; } = 10;

    public TimeSpan FailedAuthenticationWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Unrecognized identifiers one client address may send per window.</summary>
    public int UnrecognizedIdentifiersPerWindow { get; set; } = 10;

    /// <summary>Unrecognized identifiers naming one Product ID (from any address) per window.</summary>
    public int UnrecognizedIdentifiersPerProductId { get; set; } = 10;

    public TimeSpan UnrecognizedIdentifierWindow { get; set; } = TimeSpan.FromMinutes(15);
}
