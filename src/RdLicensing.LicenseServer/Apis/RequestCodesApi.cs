using Microsoft.AspNetCore.Http.HttpResults;
using RdLicensing.Core.Protocol;
using RdLicensing.LicenseServer.Activation;
using RdLicensing.LicenseServer.Auth;

namespace RdLicensing.LicenseServer.Apis;

/// <summary>Request codes for the web and telephone methods: made and signed by this server, carried by the administrator to the clearinghouse.</summary>
public static class RequestCodesApi
{
    public static RouteGroupBuilder MapRequestCodesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/admin/request-codes").WithTags("Activation").RequireAuthorization(TokenAuthenticationHandler.AdminRole);
        api.MapPost("", Create).WithSummary("A request code for the web or telephone method (activate, reactivate, install, deactivate…), and where to take it.");
        return api;
    }

    public static Task<Results<Ok<RequestCodeView>, ProblemHttpResult>> Create(RequestCodeBody body, RequestCodeService codes, CancellationToken cancellationToken) =>
        Refusals.RunAsync(async () => TypedResults.Ok(await codes.CreateViewAsync(body, cancellationToken)));
}
