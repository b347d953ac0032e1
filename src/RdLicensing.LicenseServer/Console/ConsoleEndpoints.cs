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
        // Authorized by the console's cookie, so the antiforgery middleware checks the token against the signed-in console user
        // (the user its form's token was made for); without a live console session, sign-out leads to the sign-in page.
        app.MapPost("/console/sign-out", (Delegate)SignOut).RequireAuthorization(ConsoleClaims.Scheme).ExcludeFromDescription()
            .WithMetadata(new RequireAntiforgeryTokenAttribute());
        app.MapGet("/", () => Results.Redirect("/console")).AllowAnonymous().ExcludeFromDescription();
        app.MapReportDownloads();
        app.MapConsoleCodeChecks();
        app.MapRazorComponents<App>();
        ConsoleNotFound.Map(app);
        return app;
    }

    /// <summary>
    /// Ends the session in the database, so the cookie — and any copy of it — no longer works, then clears the cookie. Only with the
    /// antiforgery token of the console's own form: the antiforgery middleware checks the token, but an endpoint that binds no form
    /// must look at its verdict itself, so a cross-site POST (another site's form, sent with the cookie) is refused and signs nobody out.
    /// </summary>
    private static async Task<IResult> SignOut(HttpContext context, RdLicensing.Storage.LicenseStore store, ILoggerFactory logs)
    {
        if (context.Features.Get<IAntiforgeryValidationFeature>() is not { IsValid: true })
        {
            logs.CreateLogger(typeof(ConsoleEndpoints)).LogWarning(
                "A console sign-out from {Address} without this console's antiforgery token was refused (a cross-site request?); the session stays signed in",
                context.Connection.RemoteIpAddress);
            return Apis.Problems.Create(StatusCodes.Status400BadRequest, "antiforgery-token-invalid", "Sign-out refused",
                "Sign out with the console's Sign out button: this request did not carry the console's antiforgery token, so nothing was signed out.");
        }
        var signedIn = await context.AuthenticateAsync(ConsoleClaims.Scheme);
        if (signedIn.Principal?.FindFirst(ConsoleClaims.Session)?.Value is { } session) await store.EndConsoleSessionAsync(session, context.RequestAborted);
        await context.SignOutAsync(ConsoleClaims.Scheme);
        return Results.Redirect("/console/sign-in");
    }
}
