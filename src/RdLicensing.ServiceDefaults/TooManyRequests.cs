using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace RdLicensing.ServiceDefaults;

/// <summary>The 429 answer of every limit: Retry-After in whole seconds (at least 1) and a ProblemDetails whose detail says how long to wait.</summary>
public static class TooManyRequests
{
    /// <summary>Problem type slug of too many failed authentications from one address.</summary>
    public const string TooManyAttempts = "too-many-attempts";

    /// <summary>Problem type slug of a caller beyond its request rate.</summary>
    public const string TooManyRequestsSlug = "too-many-requests";

    public static int Seconds(TimeSpan retryAfter) => Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));

    public static Task WriteAsync(HttpContext context, TimeSpan retryAfter, string slug, string title, Func<int, string> detail)
    {
        var seconds = Seconds(retryAfter);
        var response = context.Response;
        response.StatusCode = StatusCodes.Status429TooManyRequests;
        response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status429TooManyRequests,
            Type = ProblemTypes.Prefix + slug,
            Title = title,
            Detail = detail(seconds),
            Extensions = { ["retryAfterSeconds"] = seconds },
        };
        return response.WriteAsJsonAsync(problem, options: null, contentType: "application/problem+json");
    }
}
