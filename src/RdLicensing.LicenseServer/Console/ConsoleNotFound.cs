using System.Net;

namespace RdLicensing.LicenseServer.Console;

/// <summary>
/// Any /console address no page, asset or download answers: a page a person can read, in the console's look, with the 404
/// status — not the API's ProblemDetails JSON. Anonymous on purpose: it names no data, only the console's own pages.
/// </summary>
public static class ConsoleNotFound
{
    /// <summary>A fallback: every route with literal segments (the pages, assets, downloads) wins over it.</summary>
    public static void Map(WebApplication app) =>
        app.MapFallback("/console/{**path}", Page).AllowAnonymous().ExcludeFromDescription();

    private static IResult Page(HttpContext context)
    {
        var address = WebUtility.HtmlEncode(context.Request.Path.Value ?? "/console");
        var html = $"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <title>Page not found — RD Licensing Manager</title>
                <link rel="stylesheet" href="{ConsoleAssets.Url("manager.css")}" />
            </head>
            <body>
            <a class="skip" href="#content">Skip to content</a>
            <header class="server"><h1>RD Licensing Manager</h1><span class="muted">RdLicensing</span></header>
            <main id="content">
            <h2>Page not found</h2>
            <p class="notice warn" id="not-found">The Licensing Manager has no page at <code>{address}</code>. The address may be mistyped, or the page was renamed.</p>
            <p>Go to:</p>
            <ul>
                <li><a href="/console">Dashboard</a> — what needs attention, pools, session hosts</li>
                <li><a href="/console/keypacks">Key packs</a> and <a href="/console/cals">Issued CALs</a></li>
                <li><a href="/console/review">Review Configuration</a></li>
            </ul>
            </main>
            </body>
            </html>
            """;
        return Results.Content(html, "text/html; charset=utf-8", statusCode: StatusCodes.Status404NotFound);
    }
}
