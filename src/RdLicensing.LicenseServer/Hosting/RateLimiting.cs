using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Mvc;
using RdLicensing.LicenseServer.Auth;
using RdLicensing.ServiceDefaults;

namespace RdLicensing.LicenseServer.Hosting;

/// <summary>
/// The license server's rate limits (<see cref="RateLimitOptions"/>): failed authentications per client address
/// (<see cref="FailedAuthenticationGate"/>, <see cref="ConsoleSignInGate"/>) and a token bucket per authenticated
/// caller. Every refusal is a 429 ProblemDetails with Retry-After.
/// </summary>
public static class RateLimiting
{
    /// <summary>Problem type slug of too many failed authentications from one address.</summary>
    public const string TooManyAttempts = "too-many-attempts";

    /// <summary>Problem type slug of a caller beyond its request rate.</summary>
    public const string TooManyRequests = "too-many-requests";

    public static IServiceCollection AddLicenseServerRateLimits(this IServiceCollection services, RateLimitOptions limits)
    {
        if (limits.SessionHostRequestsPerSecond < 1 || limits.SessionHostBurst < 1 || limits.AdminRequestsPerSecond < 1 || limits.AdminBurst < 1)
            throw new ArgumentOutOfRangeException(nameof(limits), "RateLimits: the request rates and bursts of session hosts and administrators must be at least 1.");
        services.AddSingleton(_ => new FailedAuthenticationLimiter(limits));
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
                return new ValueTask(WriteTooManyAsync(rejected.HttpContext, retryAfter, TooManyRequests, "Too many requests",
                    seconds => $"{who} sent more than {rate} requests per second (at most {burst} at once). Slow down and retry after {seconds} s."));
            };
        });
        return services;
    }

    /// <summary>After authentication (the limits need to know the caller), before authorization and the endpoints.</summary>
    public static WebApplication UseLicenseServerRateLimits(this WebApplication app)
    {
        app.UseMiddleware<FailedAuthenticationGate>();
        app.UseMiddleware<ConsoleSignInGate>();
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

    /// <summary>429 with Retry-After (whole seconds, at least 1) and a ProblemDetails whose detail says how long to wait.</summary>
    internal static Task WriteTooManyAsync(HttpContext context, TimeSpan retryAfter, string slug, string title, Func<int, string> detail)
    {
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        var response = context.Response;
        response.StatusCode = StatusCodes.Status429TooManyRequests;
        response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status429TooManyRequests,
            Type = ProblemTypes.Prefix + slug,
            Title = title,
            Detail = detail(seconds),
            Extensions = { ["retryAfterSeconds"] = seconds },
        };
        return response.WriteAsJsonAsync(problem, options: null, contentType: "application/problem+json");
    }
}
