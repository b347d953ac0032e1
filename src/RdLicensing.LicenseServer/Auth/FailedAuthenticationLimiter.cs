using System.Net;
using System.Threading.RateLimiting;

namespace RdLicensing.LicenseServer.Auth;

/// <summary>
/// Counts failed authentications per client address in fixed windows (<see cref="RateLimitOptions"/>). Only failures
/// are counted and only failures are refused, so a valid credential from the same address is never held back.
/// Bearer tokens and console sign-ins are counted apart: a wrong console sign-in also fails the API check the console
/// makes on the client's behalf, and must not cost twice.
/// </summary>
public sealed class FailedAuthenticationLimiter : IDisposable
{
    public const string BearerTokens = "token";
    public const string ConsoleSignIns = "console";

    private readonly PartitionedRateLimiter<string> _failures;
    private readonly TimeSpan _window;

    public FailedAuthenticationLimiter(RateLimitOptions limits)
    {
        if (limits.FailedAuthenticationsPerWindow < 1 || limits.FailedAuthenticationWindow <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(limits), "RateLimits: FailedAuthenticationsPerWindow must be at least 1 and FailedAuthenticationWindow positive.");
        _window = limits.FailedAuthenticationWindow;
        _failures = PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = limits.FailedAuthenticationsPerWindow,
            Window = limits.FailedAuthenticationWindow,
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
    }

    /// <summary>Counts one failure of <paramref name="kind"/> from <paramref name="client"/>: null while within the allowance, else how long until it renews.</summary>
    public TimeSpan? RecordFailure(string kind, IPAddress? client)
    {
        using var lease = _failures.AttemptAcquire($"{kind}:{Normalize(client)}");
        if (lease.IsAcquired) return null;
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : _window;
    }

    // A client reaching a dual-stack listener over IPv4 shows up as ::ffff:a.b.c.d; it is the same client either way.
    private static string Normalize(IPAddress? client) =>
        client is null ? "unknown" : (client.IsIPv4MappedToIPv6 ? client.MapToIPv4() : client).ToString();

    public void Dispose() => _failures.Dispose();
}
