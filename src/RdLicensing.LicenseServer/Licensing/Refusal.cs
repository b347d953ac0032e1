namespace RdLicensing.LicenseServer.Licensing;

/// <summary>
/// A request the server will not carry out, with the ProblemDetails the API answers: thrown by the
/// multi-step services (activation, Install Licenses, recovery, migration) before or instead of a change.
/// </summary>
public sealed class Refusal(int status, string slug, string title, string detail, IDictionary<string, object?>? extensions = null) : Exception(detail)
{
    public int Status { get; } = status;

    public string Slug { get; } = slug;

    public string Title { get; } = title;

    public IDictionary<string, object?> Extensions { get; } = extensions ?? new Dictionary<string, object?>();

    public static Refusal Invalid(string field, string detail) =>
        new(StatusCodes.Status400BadRequest, "invalid-request", "The request is not valid", detail, new Dictionary<string, object?> { ["field"] = field });

    public static Refusal Mistyped(string field, int? group, string detail) =>
        new(StatusCodes.Status400BadRequest, "code-mistyped", "Code mistyped", detail, new Dictionary<string, object?> { ["field"] = field, ["group"] = group });

    public static Refusal Conflict(string slug, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        new(StatusCodes.Status409Conflict, slug, title, detail, extensions);

    public static Refusal Unprocessable(string slug, string title, string detail, IDictionary<string, object?>? extensions = null) =>
        new(StatusCodes.Status422UnprocessableEntity, slug, title, detail, extensions);

    public static Refusal NotFound(string slug, string detail) => new(StatusCodes.Status404NotFound, slug, "Not found", detail);

    public static Refusal NotActivated(string status, string what) => Conflict("not-activated", "License server not activated",
        status switch
        {
            "deactivated" => $"The license server is deactivated, so it cannot {what}. Reactivate it first: rdlic server reactivate --reason redeployed.",
            "expired" => $"The license server's activation expired, so it cannot {what}. Renew it first: rdlic server reactivate --reason expired.",
            _ => $"The license server is not activated, so it cannot {what}. Activate it first: rdlic server activate.",
        });
}
