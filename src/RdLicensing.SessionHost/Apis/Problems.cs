using Microsoft.AspNetCore.Http.HttpResults;

namespace RdLicensing.SessionHost.Apis;

/// <summary>Every error of the session host API, as ProblemDetails with a stable <c>type</c> (the same prefix as the license server's).</summary>
public static class Problems
{
    public const string TypePrefix = ServiceDefaults.ProblemTypes.Prefix;

    public static ProblemHttpResult Create(int status, string slug, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title, type: TypePrefix + slug, extensions: extensions);

    public static ProblemHttpResult Invalid(string field, string detail) =>
        Create(StatusCodes.Status400BadRequest, "invalid-request", "The request is not valid", detail, new Dictionary<string, object?> { ["field"] = field });

    public static ProblemHttpResult NotFound(string slug, string detail) => Create(StatusCodes.Status404NotFound, slug, "Not found", detail);

    public static ProblemHttpResult Conflict(string slug, string title, string detail) => Create(StatusCodes.Status409Conflict, slug, title, detail);

    public static ProblemHttpResult Unprocessable(string slug, string title, string detail) => Create(StatusCodes.Status422UnprocessableEntity, slug, title, detail);
}
