using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.HttpResults;
using RdLicensing.Storage;
using RdLicensing.ServiceDefaults;

namespace RdLicensing.Clearinghouse.Web;

/// <summary>
/// Signed-in telephone operators. The operator signs in with the vendor token (rdca_…, checked against the store); the
/// browser then holds an ASP.NET Core authentication cookie (rdch_operator: HttpOnly, SameSite=Strict, path /operator,
/// 8 hours, protected by Data Protection keys kept owner-only in &lt;data&gt;/web-keys) carrying only a random session id,
/// never the token. The ids of live sessions are kept here, in memory: every request's cookie must name one, so signing
/// out (which forgets the id) makes a copied or replayed cookie worthless, and a restart signs operators out.
/// Every operator form also carries the framework's antiforgery token.
/// </summary>
public sealed class OperatorSessions(TimeProvider clock)
{
    public const string Scheme = "ClearinghouseOperator";
    public const string CookieName = "rdch_operator";
    public const string SessionClaim = "rdch:session";
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(8);

    private readonly ConcurrentDictionary<string, DateTimeOffset> _sessions = new(StringComparer.Ordinal);

    /// <summary>The principal of a new session when <paramref name="token"/> is the vendor token; null otherwise.</summary>
    public async Task<ClaimsPrincipal?> StartAsync(ClearinghouseStore store, string? token, CancellationToken cancellationToken)
    {
        token = token?.Trim() ?? "";
        if (token.Length is 0 or > BearerCredential.MaxTokenLength || !await Auth.AdminTokenAuthenticationHandler.IsAdminTokenAsync(store, token, cancellationToken)) return null;
        var now = clock.GetUtcNow();
        foreach (var old in _sessions.Where(s => s.Value <= now)) _sessions.TryRemove(old.Key, out _);
        var id = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        _sessions[id] = now + Lifetime;
        return new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "operator"), new Claim(SessionClaim, id)], Scheme));
    }

    public bool IsLive(ClaimsPrincipal? principal) =>
        principal?.FindFirstValue(SessionClaim) is { } id && _sessions.TryGetValue(id, out var expiresAt) && expiresAt > clock.GetUtcNow();

    /// <summary>Forgets the session: its cookie no longer signs anyone in, even replayed.</summary>
    public void End(ClaimsPrincipal? principal)
    {
        if (principal?.FindFirstValue(SessionClaim) is { } id) _sessions.TryRemove(id, out _);
    }
}

public static class OperatorAuthentication
{
    /// <summary>The operator cookie scheme, its policy (<see cref="OperatorSessions.Scheme"/>) and the Data Protection keys.</summary>
    public static IServiceCollection AddOperatorAuthentication(this IServiceCollection services, ClearinghouseOptions options)
    {
        services.AddSingleton<OperatorSessions>();
        var keys = new DirectoryInfo(Path.Combine(options.DataDirectory, "web-keys"));
        OwnerOnlyDirectory.Ensure(keys.FullName);
        services.AddCookieKeys("RdLicensing Clearinghouse", keys);
        services.AddAuthentication().AddCookie(OperatorSessions.Scheme, o =>
        {
            o.LoginPath = "/operator/login";
            o.LogoutPath = "/operator/logout";
            o.AccessDeniedPath = "/operator/login";
            o.Cookie.Name = OperatorSessions.CookieName;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.Path = "/operator";
            o.ExpireTimeSpan = OperatorSessions.Lifetime;
            o.SlidingExpiration = false;
            o.Events.OnValidatePrincipal = async context =>
            {
                if (context.HttpContext.RequestServices.GetRequiredService<OperatorSessions>().IsLive(context.Principal)) return;
                context.RejectPrincipal();
                await context.HttpContext.SignOutAsync(OperatorSessions.Scheme);
            };
        });
        services.AddAuthorizationBuilder().AddPolicy(OperatorSessions.Scheme, p => p.AddAuthenticationSchemes(OperatorSessions.Scheme).RequireClaim(OperatorSessions.SessionClaim));
        return services;
    }

    /// <summary>POST /operator/logout (antiforgery token required): forgets the session server-side, then deletes the cookie.</summary>
    public static IEndpointRouteBuilder MapOperatorSignOut(this IEndpointRouteBuilder app)
    {
        app.MapPost("/operator/logout", async Task<Results<BadRequest, RedirectHttpResult>> (HttpContext context, OperatorSessions sessions) =>
        {
            // The antiforgery middleware checks the token; an endpoint that binds no form must look at its verdict itself.
            if (context.Features.Get<IAntiforgeryValidationFeature>() is not { IsValid: true }) return TypedResults.BadRequest();
            sessions.End(context.User);
            await context.SignOutAsync(OperatorSessions.Scheme);
            return TypedResults.Redirect("/operator/login");
        }).RequireAuthorization(OperatorSessions.Scheme).ExcludeFromDescription()
            .WithMetadata(new RequireAntiforgeryTokenAttribute());
        return app;
    }
}
