using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace RdLicensing.ServiceDefaults;

/// <summary>
/// Every error of every RdLicensing service is a ProblemDetails whose <c>type</c> is this prefix plus a stable
/// slug: scripts match on the type, people read the detail, which says what is wrong and what to do.
/// </summary>
public static class ProblemTypes
{
    public const string Prefix = "https://rdlicensing.dev/problems/";

    /// <summary>Writes a problem outside an endpoint (authentication challenges, where no IResult runs).</summary>
    public static Task WriteAsync(HttpResponse response, int status, string slug, string title, string detail)
    {
        response.StatusCode = status;
        return response.WriteAsJsonAsync(new ProblemDetails { Status = status, Type = Prefix + slug, Title = title, Detail = detail },
            options: null, contentType: "application/problem+json");
    }
}
