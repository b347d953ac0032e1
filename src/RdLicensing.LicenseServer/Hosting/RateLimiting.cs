using System.Security.Claims;
using System.Threading.RateLimiting;
using RdLicensing.LicenseServer.Auth;
using RdLicensing.ServiceDefaults;

namespace RdLicensing.LicenseServer.Hosting;

/// <summary>
/// The license server's rate limits (<see cref="RateLimitOptions"/>): failed authentications per client address
/// (bearer tokens and console sign-ins, <see cref="FailedAuthenticationGates"/> shared with the other services) and a
/// token bucket per authenticated caller. Every refusal is a 429 ProblemDetails with Retry-After.
/// </summary>
public static class RateLimiting
{
    /// <summary>Problem type slug of too many failed authentications from one address.</summary>
    public const string TooManyAttempts = ServiceDefaults.TooManyRequests.TooManyAttempts;

    /// <summary>Problem type slug of a caller beyond its request rate.</summary>
    public const string TooManyRequests = ServiceDefaults.TooManyRequests.TooManyRequestsSlug;

    /// <summary>The console's sign-in page: a refused sign-in shows it again, an accepted one redirects.</summary>
    public const string ConsoleSignInPath = "/console/sign-in";

    public static IServiceCollection AddLicenseServerRateLimits(this IServiceCollection services, RateLimitOptions limits)
    {
        if (limits.SessionHostRequestsPerSecond < 1 || limits.SessionHostBurst < 1 || limits.AdminRequestsPerSecond < 1 || limits.AdminBurst < 1)
            throw new ArgumentOutOfRangeException(nameof(limits), "RateLimits: the request rates and bursts of session hosts and administrators must be at least 1.");
        services.AddFailedAuthenticationLimits(limits.FailedAuthenticationsPerWindow, limits.FailedAuthenticationWindow, new FailedAuthenticationHints(
            "the administrator token rdla_… is in the license server data directory's admin.token, a session host's rdlh_… token is given once at enrollment",
            [ConsoleSignInPath]));
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context => PerCaller(context.User, limits));
            o.OnRejected = (rejected, _) =>
            {
                var user = rejected.HttpContext.User;
                var isHost = user.IsInRole(TokenAuthenticationHandler.SessionHostRole);
                var (rate, burst) = isHost ? (limits.SessionHostRequestsPerSecond, limits.SessionHostBurst) : (limits.AdminRequestsPerSecond, limits.AdminBurst);
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromSeconds(1);
                var who = isHost ? $"Session host {user.Identity?.Name}" : "This administrator credential";
                return new ValueTask(ServiceDefaults.TooManyRequests.WriteAsync(rejected.HttpContext, retryAfter, TooManyRequests, "Too many requests",
                    seconds => $"{who} sent more than {rate} requests per second (at most {burst} at once). Slow down and retry after {seconds} s."));
            };
        });
        return services;
    }

    /// <summary>After authentication (the limits need to know the caller), before authorization and the endpoints.</summary>
    public static WebApplication UseLicenseServerRateLimits(this WebApplication app)
    {
        app.UseFailedAuthenticationLimits();
        app.UseRateLimiter();
        return app;
    }

    /// <summary>One bucket per credential the bearer handler recognised; anonymous requests and console pages are not limited here.</summary>
    private static RateLimitPartition<string> PerCaller(ClaimsPrincipal user, RateLimitOptions limits)
    {
        if (user.FindFirst(TokenAuthenticationHandler.CredentialClaim)?.Value is not { } caller) return RateLimitPartition.GetNoLimiter("");
        var (rate, burst) = user.IsInRole(TokenAuthenticationHandler.SessionHostRole)
            ? (limits.SessionHostRequestsPerSecond, limits.SessionHostBurst)
            : (limits.AdminRequestsPerSecond, limits.AdminBurst);
        return RateLimitPartition.GetTokenBucketLimiter(caller, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = burst,
            TokensPerPeriod = rate,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }
}
