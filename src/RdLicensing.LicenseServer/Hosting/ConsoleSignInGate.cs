using RdLicensing.LicenseServer.Auth;

namespace RdLicensing.LicenseServer.Hosting;

/// <summary>
/// Counts refused console sign-ins against the browser's address. The sign-in page answers a refusal by showing
/// itself again (200) and a success with a redirect, so the answer is held until that is known: beyond the allowance
/// a refusal becomes 429, while a right token still signs in.
/// </summary>
internal sealed class ConsoleSignInGate(RequestDelegate next, FailedAuthenticationLimiter failures)
{
    public const string SignInPath = "/console/sign-in";

    public async Task InvokeAsync(HttpContext context)
    {
        if (!HttpMethods.IsPost(context.Request.Method) || !string.Equals(context.Request.Path.Value?.TrimEnd('/'), SignInPath, StringComparison.OrdinalIgnoreCase))
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

        if (context.Response.StatusCode == StatusCodes.Status200OK
            && failures.RecordFailure(FailedAuthenticationLimiter.ConsoleSignIns, context.Connection.RemoteIpAddress) is { } retryAfter)
        {
            context.Response.Clear();
            await RateLimiting.WriteTooManyAsync(context, retryAfter, RateLimiting.TooManyAttempts, "Too many failed sign-ins",
                seconds => "Too many refused sign-ins came from this address. Copy the administrator token from <data>/license-server/admin.token " +
                           $"and try again after {seconds} s.");
            return;
        }
        page.Position = 0;
        await page.CopyToAsync(body, context.RequestAborted);
    }
}
