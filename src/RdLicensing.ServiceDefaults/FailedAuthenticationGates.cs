using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace RdLicensing.ServiceDefaults;

/// <summary>What a service says when an address made too many failed authentications: which credential it expects and where it is.</summary>
/// <param name="TokenHint">E.g. "the administrator token rdla_… is in the license server data directory's admin.token".</param>
/// <param name="SignInPaths">Sign-in pages (POST) whose answer is a redirect when they accept and anything else when they refuse.</param>
public sealed record FailedAuthenticationHints(string TokenHint, IReadOnlyList<string> SignInPaths);

public static class FailedAuthenticationGates
{
    /// <summary>The limiter and hints; pair with <see cref="UseFailedAuthenticationLimits"/> right after UseAuthentication.</summary>
    public static IServiceCollection AddFailedAuthenticationLimits(this IServiceCollection services, int failuresPerWindow, TimeSpan window,
        FailedAuthenticationHints hints)
    {
        if (failuresPerWindow < 1 || window <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(failuresPerWindow),
                "RateLimits: FailedAuthenticationsPerWindow must be at least 1 and FailedAuthenticationWindow positive.");
        services.AddSingleton(provider => new FailedAuthenticationLimiter(failuresPerWindow, window, provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton(hints);
        return services;
    }

    /// <summary>After authentication (the bearer handler's result is known), before authorization and the endpoints.</summary>
    public static WebApplication UseFailedAuthenticationLimits(this WebApplication app)
    {
        app.UseMiddleware<FailedBearerTokenGate>();
        app.UseMiddleware<FailedSignInGate>();
        return app;
    }
}

/// <summary>
/// Counts every request whose bearer token was refused (unknown, removed, malformed) against its client address; beyond
/// the allowance such requests get 429 instead of 401. A request with a valid token passes whatever its address did.
/// </summary>
internal sealed class FailedBearerTokenGate(RequestDelegate next, FailedAuthenticationLimiter failures, FailedAuthenticationHints hints)
{
    public async Task InvokeAsync(HttpContext context)
    {
        // The authentication middleware already ran the default handler; the handler keeps its result for the request,
        // so this looks nothing up again. A request without a token is not a failure: it is simply anonymous.
        var result = await context.AuthenticateAsync();
        if (result.Failure is not null && failures.RecordFailure(FailedAuthenticationLimiter.BearerTokens, context.Connection.RemoteIpAddress) is { } retryAfter)
        {
            await TooManyRequests.WriteAsync(context, retryAfter, TooManyRequests.TooManyAttempts, "Too many failed authentications",
                seconds => $"Too many requests with a wrong, unknown or malformed token came from this address. Check the token — {hints.TokenHint} — " +
                           $"and try again after {seconds} s. Requests with a valid token are served meanwhile.");
            return;
        }
        await next(context);
    }
}

/// <summary>
/// Counts refused sign-ins of a service's web pages against the browser's address. A sign-in page answers a refusal by
/// showing itself again and a success with a redirect, so the answer is held until that is known: beyond the allowance
/// a refusal becomes 429, while a right token still signs in.
/// </summary>
internal sealed class FailedSignInGate(RequestDelegate next, FailedAuthenticationLimiter failures, FailedAuthenticationHints hints)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value?.TrimEnd('/');
        if (!HttpMethods.IsPost(context.Request.Method) || !hints.SignInPaths.Any(p => string.Equals(path, p, StringComparison.OrdinalIgnoreCase)))
        {
            await next(context);
            return;
        }

        var body = context.Response.Body;
        await using var page = new MemoryStream();
        context.Response.Body = page;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = body;
        }

        var status = context.Response.StatusCode;
        if (status is < 300 or >= 400
            && failures.RecordFailure(FailedAuthenticationLimiter.SignIns, context.Connection.RemoteIpAddress) is { } retryAfter)
        {
            context.Response.Clear();
            await TooManyRequests.WriteAsync(context, retryAfter, TooManyRequests.TooManyAttempts, "Too many failed sign-ins",
                seconds => $"Too many refused sign-ins came from this address. Check the token — {hints.TokenHint} — and try again after {seconds} s.");
            return;
        }
        page.Position = 0;
        await page.CopyToAsync(body, context.RequestAborted);
    }
}
