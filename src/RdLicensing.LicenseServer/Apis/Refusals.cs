using Microsoft.AspNetCore.Http.HttpResults;
using RdLicensing.LicenseServer.Licensing;
using RdLicensing.LicenseServer.Remote;

namespace RdLicensing.LicenseServer.Apis;

/// <summary>Runs a multi-step service call and answers its <see cref="Refusal"/> or clearinghouse failure as ProblemDetails.</summary>
internal static class Refusals
{
    public static async Task<Results<T, ProblemHttpResult>> RunAsync<T>(Func<Task<T>> call, string? whenUnreachable = null) where T : IResult
    {
        try
        {
            return await call();
        }
        catch (Refusal r)
        {
            return Problems.Create(r.Status, r.Slug, r.Title, r.Message, r.Extensions);
        }
        catch (RemoteCallException e)
        {
            return FromClearinghouse(e, whenUnreachable);
        }
    }

    /// <summary>
    /// Not configured → 409, unreachable → 502, both suggesting <paramref name="instead"/>; a refusal → 422
    /// carrying the clearinghouse's own detail, type, field and group.
    /// </summary>
    public static ProblemHttpResult FromClearinghouse(RemoteCallException e, string? instead)
    {
        var suggestion = instead is null ? "" : " " + instead;
        return e.Failure switch
        {
            RemoteFailure.NotConfigured => Problems.Conflict("clearinghouse-not-configured", "No clearinghouse address", e.Message + suggestion),
            RemoteFailure.Unreachable => Problems.Create(StatusCodes.Status502BadGateway, "clearinghouse-unreachable", "Clearinghouse unreachable", e.Message + suggestion),
            _ => Problems.Create(StatusCodes.Status422UnprocessableEntity, "clearinghouse-refused", "The clearinghouse refused the request", e.Message,
                new Dictionary<string, object?>
                {
                    ["clearinghouseStatus"] = e.Status, ["clearinghouseType"] = e.ProblemType, ["field"] = e.Field, ["group"] = e.Group,
                }),
        };
    }
}
