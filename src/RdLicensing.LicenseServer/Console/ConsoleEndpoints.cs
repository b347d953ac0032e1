using System.Reflection;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using RdLicensing.LicenseServer.Console.Components;

namespace RdLicensing.LicenseServer.Console;

public static class ConsoleEndpoints
{
    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.Ordinal)
    {
        [".css"] = "text/css; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".svg"] = "image/svg+xml",
    };

    /// <summary>The console under /console: its pages, its two assets, sign-out.</summary>
    public static WebApplication MapLicensingManager(this WebApplication app)
    {
        app.MapGet("/console/assets/{name}", Asset).AllowAnonymous().ExcludeFromDescription();
        app.MapPost("/console/sign-out", (Delegate)SignOut).AllowAnonymous().ExcludeFromDescription()
            .WithMetadata(new RequireAntiforgeryTokenAttribute());
        app.MapGet("/", () => Results.Redirect("/console")).AllowAnonymous().ExcludeFromDescription();
        app.MapReportDownloads();
        app.MapConsoleCodeChecks();
        app.MapRazorComponents<App>();
        return app;
    }

    private static IResult Asset(string name)
    {
        var extension = Path.GetExtension(name);
        var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("console/" + name);
        if (stream is null || !ContentTypes.TryGetValue(extension, out var type)) return Results.NotFound();
        return Results.Stream(stream, type);
    }

    /// <summary>Ends the session in the database, so the cookie — and any copy of it — no longer works, then clears the cookie.</summary>
    private static async Task<IResult> SignOut(HttpContext context, RdLicensing.Storage.LicenseStore store)
    {
        var signedIn = await context.AuthenticateAsync(ConsoleClaims.Scheme);
        if (signedIn.Principal?.FindFirst(ConsoleClaims.Session)?.Value is { } session) await store.EndConsoleSessionAsync(session, context.RequestAborted);
        await context.SignOutAsync(ConsoleClaims.Scheme);
        return Results.Redirect("/console/sign-in");
    }
}
