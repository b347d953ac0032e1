using System.Text;
using Microsoft.Net.Http.Headers;
using RdLicensing.ServiceDefaults;

namespace RdLicensing.LicenseServer.Hosting;

/// <summary>
/// Refuses a request body in a character set this server cannot decode (utf-7 is disabled in .NET, a made-up name
/// names nothing) with 415 before any endpoint reads it: the framework's JSON reader throws InvalidOperationException
/// for it, which would otherwise be a 500.
/// </summary>
internal sealed class RequestCharsetGate(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var type) && type.Charset.HasValue && !IsReadable(type.Charset.Value!))
        {
            await ProblemTypes.WriteAsync(context.Response, StatusCodes.Status415UnsupportedMediaType, "unsupported-media-type", "Unsupported character set",
                $"The request body's charset '{type.Charset.Value}' cannot be read. Send the body as UTF-8 (Content-Type: application/json; charset=utf-8).");
            return;
        }
        await next(context);
    }

    private static bool IsReadable(string charset)
    {
        try
        {
            // As the framework will read it, quotes included: a quoted charset it cannot read must not pass.
            Encoding.GetEncoding(charset);
            return true;
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            return false;
        }
    }
}
