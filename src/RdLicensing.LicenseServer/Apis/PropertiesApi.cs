using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using RdLicensing.Core.Protocol;
using RdLicensing.LicenseServer.Activation;
using RdLicensing.LicenseServer.Auth;
using RdLicensing.Storage;

namespace RdLicensing.LicenseServer.Apis;

/// <summary>The Properties dialog: connection method, telephone country, company information.</summary>
public static class PropertiesApi
{
    public static RouteGroupBuilder MapPropertiesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/admin").WithTags("Activation").RequireAuthorization(TokenAuthenticationHandler.AdminRole);
        api.MapGet("/properties", Get).WithSummary("Connection method, telephone country and company information used for activation.");
        api.MapPut("/properties", Put).WithSummary("Set the connection method (automatic, web, telephone), the telephone country and the company information.");
        return api;
    }

    public static async Task<Ok<PropertiesView>> Get(LicenseStore store, IOptions<LicenseServerOptions> options, CancellationToken cancellationToken) =>
        TypedResults.Ok((await ServerProperties.ReadAsync(store, cancellationToken)).ToView(options.Value.ClearinghouseUrl));

    public static Task<Results<Ok<PropertiesView>, ProblemHttpResult>> Put(PropertiesBody body, LicenseStore store, TimeProvider clock,
        IOptions<LicenseServerOptions> options, CancellationToken cancellationToken) =>
        Refusals.RunAsync(async () =>
        {
            var saved = await PropertiesService.SaveAsync(store, clock, PropertiesService.Validate(body), cancellationToken);
            return TypedResults.Ok(saved.ToView(options.Value.ClearinghouseUrl));
        });
}
