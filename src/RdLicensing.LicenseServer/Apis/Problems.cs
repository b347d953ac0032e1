using Microsoft.AspNetCore.Http.HttpResults;

namespace RdLicensing.LicenseServer.Apis;

/// <summary>
/// Every error the API returns, as ProblemDetails with a stable <c>type</c>: scripts match on the type,
/// people read the detail, which says what is wrong and what to do.
/// </summary>
public static class Problems
{
    public const string TypePrefix = RdLicensing.ServiceDefaults.ProblemTypes.Prefix;

    public static ProblemHttpResult Create(int status, string slug, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title, type: TypePrefix + slug, extensions: extensions);

    public static ProblemHttpResult Invalid(string field, string detail) =>
        Create(StatusCodes.Status400BadRequest, "invalid-request", "The request is not valid", detail, new Dictionary<string, object?> { ["field"] = field });

    public static ProblemHttpResult NotFound(string slug, string detail) =>
        Create(StatusCodes.Status404NotFound, slug, "Not found", detail);

    public static ProblemHttpResult Conflict(string slug, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        Create(StatusCodes.Status409Conflict, slug, title, detail, extensions);

    public static ProblemHttpResult Unprocessable(string slug, string title, string detail) =>
        Create(StatusCodes.Status422UnprocessableEntity, slug, title, detail);
}
