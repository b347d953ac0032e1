using Microsoft.AspNetCore.Authentication;
using RdLicensing.LicenseServer.Auth;

namespace RdLicensing.LicenseServer.Hosting;

/// <summary>
/// Counts every request whose bearer token was refused (unknown, removed, malformed) against its client address; beyond
/// the allowance such requests get 429 instead of 401. A request with a valid token passes whatever its address did.
/// </summary>
internal sealed class FailedAuthenticationGate(RequestDelegate next, FailedAuthenticationLimiter failures)
{
    public async Task InvokeAsync(HttpContext context)
    {
        // The authentication middleware already ran the bearer handler; the handler keeps its result for the request,
        // so this looks nothing up again. A request without a token is not a failure: it is simply anonymous.
        var result = await context.AuthenticateAsync();
        if (result.Failure is not null && failures.RecordFailure(FailedAuthenticationLimiter.BearerTokens, context.Connection.RemoteIpAddress) is { } retryAfter)
        {
            await RateLimiting.WriteTooManyAsync(context, retryAfter, RateLimiting.TooManyAttempts, "Too many failed authentications",
                seconds => "Too many requests with a wrong, unknown or malformed token came from this address. Check the token — the administrator token " +
                           "rdla_… is in the license server data directory's admin.token, a session host's rdlh_… token is given once at enrollment — " +
                           $"and try again after {seconds} s. Requests with a valid token are served meanwhile.");
            return;
        }
        await next(context);
    }
}
