namespace RdLicensing.LicenseServer;

/// <summary>
/// How far one client may push the license server (<see cref="LicenseServerOptions.RateLimits"/>). Two independent
/// limits: failed authentications per client address, and requests per authenticated caller. Beyond either, the
/// answer is 429 with a Retry-After header and a ProblemDetails that says how long to wait.
/// </summary>
/// <remarks>
/// Why these defaults:
/// <list type="bullet">
/// <item>Failures: 10 per client address per minute stops token guessing and a misconfigured client retrying a stale
/// token in a loop, yet leaves room for a person who mistypes a few times. Only failures are refused: a request with a
/// valid credential from the same address is always served, so one client's mistakes (or an attacker behind the same
/// NAT or proxy) never lock an administrator or a session host out.</item>
/// <item>Session hosts: 10,000 requests per second per host, 20,000 at once. `rdlic bench rdp` drives a few thousand
/// CAL requests per second through one host, and a farm's logon storm is far below that; the limit only keeps one
/// runaway or compromised host from monopolising the database writer that every host shares.</item>
/// <item>Administrators: 100 requests per second per credential, 1,000 at once. `rdlic`, scripts and the console (a
/// page makes a handful of calls) never wait; only a loop hammering the API is slowed.</item>
/// </list>
/// Clients behind one reverse proxy share its address: the failure limit then applies to them together.
/// </remarks>
public sealed class RateLimitOptions
{
    /// <summary>Failed authentications (unknown or malformed bearer tokens, refused console sign-ins) one client address may make per window.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, int.MaxValue, ErrorMessage = "must be a whole number of at least 1")]
    public int FailedAuthenticationsPerWindow { get; set; } = 10;

    public TimeSpan FailedAuthenticationWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Sustained requests per second of one enrolled session host.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, int.MaxValue, ErrorMessage = "must be a whole number of at least 1")]
    public int SessionHostRequestsPerSecond { get; set; } = 10_000;

    /// <summary>Requests one session host may send at once before the sustained rate applies.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, int.MaxValue, ErrorMessage = "must be a whole number of at least 1")]
    public int SessionHostBurst { get; set; } = 20_000;

    /// <summary>Sustained requests per second of one administrator credential.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, int.MaxValue, ErrorMessage = "must be a whole number of at least 1")]
    public int AdminRequestsPerSecond { get; set; } = 100;

    /// <summary>Requests one administrator credential may send at once before the sustained rate applies.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, int.MaxValue, ErrorMessage = "must be a whole number of at least 1")]
    public int AdminBurst { get; set; } = 1_000;
}
