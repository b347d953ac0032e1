using Microsoft.AspNetCore.Http.HttpResults;
using RdLicensing.Clearinghouse.Granting;
using RdLicensing.Core.Protocol;

namespace RdLicensing.Clearinghouse.Apis;

/// <summary>Activation of license servers (automatic connection method). Public, but every request must be signed by the license server it names (<see cref="ServerProofs"/>).</summary>
public static class ActivationApi
{
    public static RouteGroupBuilder MapActivationApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/activations").WithTags("Activation").AllowAnonymous().RequireServerProof();
        api.MapPost("", Activate).WithSummary("Activate (or, with a reason, reactivate) a license server: returns its License Server ID.");
        api.MapPost("/deactivate", Deactivate).WithSummary("Deactivate a license server; it must give its current License Server ID.");
        return api;
    }

    public static async Task<Results<Ok<ActivationResponse>, ProblemHttpResult>> Activate(
        ActivationRequestBody body, SignedServerRequest proof, ActivationService activations, CancellationToken cancellationToken)
    {
        try { return TypedResults.Ok(await activations.ActivateAsync(body, proof, cancellationToken)); }
        catch (ClearinghouseRefusal refusal) { return Problems.From(refusal); }
    }

    public static async Task<Results<Ok<ActivationRecordView>, ProblemHttpResult>> Deactivate(
        DeactivationRequestBody body, SignedServerRequest proof, ActivationService activations, CancellationToken cancellationToken)
    {
        try { return TypedResults.Ok((await activations.DeactivateAsync(body, proof, cancellationToken)).ToView()); }
        catch (ClearinghouseRefusal refusal) { return Problems.From(refusal); }
    }
}
