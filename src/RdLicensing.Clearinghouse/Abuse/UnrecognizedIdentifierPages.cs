namespace RdLicensing.Clearinghouse.Abuse;

/// <summary>
/// The guessing limits for the web site and the operator console, whose forms are Razor components (no endpoint filter runs
/// for them): a form post from a locked-out address is refused before the page runs, and a page that refused an
/// unrecognized identifier (<see cref="UnrecognizedIdentifiers.Note"/>, through the page's refusal log) counts against the
/// address. Product IDs are not counted here: a form names its server only by a signed request code.
/// </summary>
public static class UnrecognizedIdentifierPages
{
    public static IApplicationBuilder UseUnrecognizedIdentifierLimitsOnPages(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (!HttpMethods.IsPost(context.Request.Method) || context.Request.Path.StartsWithSegments("/api"))
        {
            await next(context);
            return;
        }
        var guard = context.RequestServices.GetRequiredService<UnrecognizedIdentifiers>();
        if (guard.LockedOut(context, []) is { } retryAfter)
        {
            await UnrecognizedIdentifiers.LockedOutResult(retryAfter).ExecuteAsync(context);
            return;
        }
        await next(context);
        if (UnrecognizedIdentifiers.WasNoted(context)) await guard.RecordAsync(context, []);
    });
}
