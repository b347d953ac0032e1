using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace RdLicensing.ServiceDefaults;

/// <summary>
/// Headers every answer of every RdLicensing service carries: nosniff always; on HTML pages also X-Frame-Options: DENY
/// and a Content-Security-Policy that allows only the service's own scripts, styles and forms and no framing
/// (clickjacking). Inline styles stay allowed (the clearinghouse pages and htmx's indicator use them); inline scripts do not.
/// </summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; object-src 'none'; " +
        "base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>First in the pipeline, so error pages and early refusals carry the headers too.</summary>
    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        app.Use((context, next) =>
        {
            var response = context.Response;
            response.OnStarting(() =>
            {
                response.Headers.XContentTypeOptions = "nosniff";
                if (response.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true)
                {
                    response.Headers.XFrameOptions = "DENY";
                    response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
                }
                return Task.CompletedTask;
            });
            return next(context);
        });
        return app;
    }
}
