using Microsoft.AspNetCore.Http.HttpResults;
using RdLicensing.Core.Protocol;
using RdLicensing.LicenseServer.Auth;
using RdLicensing.LicenseServer.Licensing;

namespace RdLicensing.LicenseServer.Apis;

/// <summary>
/// Convert Licenses, RD Licensing Manager's key pack action: POST /api/admin/keypacks/{id}/convert. Problem types:
/// invalid-request (quantity), key-pack-not-found, conversion-version-too-old, key-pack-expired, nothing-to-convert and
/// too-many-to-convert (with "convertible": how many can be), not-activated, no-clearinghouse-trusted,
/// clearinghouse-not-configured, clearinghouse-unreachable, clearinghouse-refused, conversion-rejected (the answer failed
/// verification).
/// </summary>
public static class KeyPackConversionApi
{
    public static RouteGroupBuilder MapKeyPackConversionApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/admin").WithTags("Key packs and activation").RequireAuthorization(TokenAuthenticationHandler.AdminRole);
        api.MapPost("/keypacks/{id:guid}/convert", Convert)
            .WithSummary("Convert Licenses: unissued licenses of a Windows Server 2012 or later key pack become the other CAL type, through the clearinghouse.");
        return api;
    }

    public static Task<Results<Ok<KeyPackConversionResponse>, ProblemHttpResult>> Convert(Guid id, KeyPackConversionBody? body,
        KeyPackConversionService conversions, CancellationToken cancellationToken) =>
        Refusals.RunAsync(async () => TypedResults.Ok(await conversions.ConvertAsync(id, body, cancellationToken)),
            "Nothing was converted; try again when the clearinghouse answers.");
}
