using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using RdLicensing.LicenseServer.Console.Components;

namespace RdLicensing.LicenseServer.Console;

public static class ConsoleEndpoints
{
    /// <summary>The console under /console: its pages, its assets (cached, compressed: ConsoleAssets), sign-out.</summary>
    public static WebApplication MapLicensingManager(this WebApplication app)
    {
        ConsoleAssets.Map(app);
        app.MapPost("/console/sign-out", (Delegate)SignOut).AllowAnonymous().ExcludeFromDescription()
            .WithMetadata(new RequireAntiforgeryTokenAttribute());
        app.MapGet("/", () => Results.Redirect("/console")).AllowAnonymous().ExcludeFromDescription();
        app.MapReportDownloads();
        app.MapConsoleCodeChecks();
        app.MapRazorComponents<App>();
        ConsoleNotFound.Map(app);
        return app;
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
