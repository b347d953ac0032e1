using Microsoft.AspNetCore.Http.HttpResults;
using RdLicensing.Clearinghouse.Granting;

namespace RdLicensing.Clearinghouse.Apis;

/// <summary>
/// Every error of the clearinghouse API, as ProblemDetails with a stable <c>type</c> (same prefix as the
/// license server's): scripts match on the type, people read the detail, the "field" extension names the
/// request field at fault.
/// </summary>
public static class Problems
{
    public const string TypePrefix = RdLicensing.ServiceDefaults.ProblemTypes.Prefix;

    public static ProblemHttpResult From(ClearinghouseRefusal refusal)
    {
        var extensions = new Dictionary<string, object?>(refusal.Extensions);
        if (refusal.Field is not null) extensions["field"] = refusal.Field;
        if (refusal.Group is not null) extensions["group"] = refusal.Group;
        return TypedResults.Problem(detail: refusal.Detail, statusCode: refusal.Status, title: refusal.Title, type: TypePrefix + refusal.Slug,
            extensions: extensions);
    }
}
