using Microsoft.AspNetCore.Authentication;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;
using RdLicensing.ServiceDefaults;
using RdLicensing.Storage;

namespace RdLicensing.LicenseServer.Console;

public static class ConsoleServices
{
    /// <summary>
    /// How long a console session lasts at most, however often it is used (the cookie also ends after 8 idle hours). Measured
    /// on the wall clock, not the licensing clock, so advancing a simulated clock does not sign the administrator out.
    /// </summary>
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromDays(7);

    /// <summary>
    /// The Licensing Manager console: Razor components rendered on the server, a sign-in cookie (8 hours, sliding,
    /// HttpOnly, SameSite=Strict) protected by Data Protection keys kept owner-only in &lt;data&gt;/console-keys so a
    /// restart does not sign everyone out, and <see cref="ManagerApi"/> for the signed-in server and token.
    /// </summary>
    public static IServiceCollection AddLicensingManager(this IServiceCollection services, LicenseServerOptions options)
    {
        services.AddRazorComponents();
        services.AddHttpContextAccessor();
        services.AddHttpClient(ManagerApi.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(60));
        services.AddScoped(provider =>
        {
            var user = provider.GetRequiredService<IHttpContextAccessor>().HttpContext?.User;
            var url = user?.FindFirstValue(ConsoleClaims.ServerUrl) ?? throw new InvalidOperationException("The console page needs a signed-in administrator.");
            var token = user.FindFirstValue(ConsoleClaims.Token)!;
            return new ManagerApi(provider.GetRequiredService<IHttpClientFactory>().CreateClient(ManagerApi.HttpClientName), url, token);
        });

        var keys = new DirectoryInfo(Path.Combine(options.DataDirectory, "console-keys"));
        OwnerOnlyDirectory.Ensure(keys.FullName);
        services.AddCookieKeys("RdLicensing Licensing Manager", keys);

        services.AddAuthentication().AddCookie(ConsoleClaims.Scheme, o =>
        {
            o.LoginPath = "/console/sign-in";
            o.LogoutPath = "/console/sign-out";
            o.AccessDeniedPath = "/console/sign-in";
            o.Cookie.Name = "rdlic_console";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.Path = "/console";
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = true;
            // The cookie is only a pointer to a live session of the database: after sign-out (or past the session's end) a
            // copy of it no longer signs anyone in, on this node or any other sharing the database.
            o.Events.OnValidatePrincipal = async context =>
            {
                var store = context.HttpContext.RequestServices.GetRequiredService<RdLicensing.Storage.LicenseStore>();
                if (context.Principal?.FindFirstValue(ConsoleClaims.Session) is { } session
                    && await store.IsConsoleSessionLiveAsync(session, TimeProvider.System.GetUtcNow(), context.HttpContext.RequestAborted))
                    return;
                context.RejectPrincipal();
                await context.HttpContext.SignOutAsync(ConsoleClaims.Scheme);
            };
        });
        services.AddAuthorizationBuilder().AddPolicy(ConsoleClaims.Scheme, p => p.AddAuthenticationSchemes(ConsoleClaims.Scheme).RequireClaim(ConsoleClaims.Token));
        return services;
    }
}
