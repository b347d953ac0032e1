using Microsoft.AspNetCore.Http.HttpResults;
using RdLicensing.Core.Protocol;
using RdLicensing.LicenseServer.Activation;
using RdLicensing.LicenseServer.Auth;
using RdLicensing.LicenseServer.Licensing;

namespace RdLicensing.LicenseServer.Apis;

/// <summary>Activate (automatic, or instructions for web and telephone), reactivate and deactivate the license server.</summary>
public static class ActivationApi
{
    private const string Instead = "Use the web or telephone method instead: rdlic server activate --method web (or --method telephone --country …).";

    public static RouteGroupBuilder MapActivationApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/admin/activation").WithTags("Activation").RequireAuthorization(TokenAuthenticationHandler.AdminRole);
        api.MapGet("/instructions", Instructions).WithSummary("The Product ID and where to take it: the clearinghouse page (web) or telephone number (telephone).");
        api.MapPost("/automatic", Automatic).WithSummary("Activate through the clearinghouse (automatic connection method); the company information is saved as the properties.");
        api.MapPost("/reactivate", Reactivate).WithSummary("Reactivate (new License Server ID) for a reason; issued CALs stay valid.");
        api.MapPost("/deactivate", Deactivate).WithSummary("Deactivate: the server returns to not activated (no permanent Per Device CALs; temporary Per Device and Per User CALs only) until it is reactivated.");
        var key = app.MapGroup("/api/admin/identity/new-key").WithTags("Activation").RequireAuthorization(TokenAuthenticationHandler.AdminRole);
        key.MapGet("", PendingKey).WithSummary("The new identity key prepared for the vendor's key-compromise procedure, if any, with its proof for the vendor's operator.");
        key.MapPost("", PrepareKey).WithSummary("Prepare a new identity key (or return the one prepared) and its proof for the vendor's operator; it signs nothing until a key-rotating reactivation adopts it.");
        key.MapDelete("", DiscardKey).WithSummary("Discard the prepared identity key.");
        return api;
    }

    // An unreadable prepared key is a 409 pending-key-unreadable naming the discard, as for POST (not a 500).
    public static Task<Results<Ok<PendingKeyView>, ProblemHttpResult>> PendingKey(PendingKeyService keys, CancellationToken cancellationToken) =>
        Refusals.RunAsync(async () => await keys.GetAsync(cancellationToken) is { } pending
            ? TypedResults.Ok(pending)
            : throw Refusal.NotFound("no-pending-key", "No new identity key is prepared: prepare one with 'rdlic server new-key --out FILE'."));

    public static Task<Results<Ok<PendingKeyView>, ProblemHttpResult>> PrepareKey(NewKeyRequestBody body, PendingKeyService keys, CancellationToken cancellationToken) =>
        Refusals.RunAsync(async () => TypedResults.Ok(await keys.PrepareAsync(body.Replace, cancellationToken)));

    public static async Task<Results<NoContent, ProblemHttpResult>> DiscardKey(PendingKeyService keys, CancellationToken cancellationToken) =>
        await keys.DiscardAsync(cancellationToken)
            ? TypedResults.NoContent()
            : Problems.NotFound("no-pending-key", "No new identity key is prepared: there is nothing to discard.");

    public static Task<Results<Ok<ActivationInstructionsView>, ProblemHttpResult>> Instructions(string? method, string? country, ActivationService activation,
        CancellationToken cancellationToken) =>
        Refusals.RunAsync(async () => TypedResults.Ok(await activation.InstructionsAsync(method, country, cancellationToken)));

    public static Task<Results<Ok<ActivationChangeResponse>, ProblemHttpResult>> Automatic(AutomaticActivationBody body, ActivationService activation,
        CancellationToken cancellationToken) =>
        Refusals.RunAsync(async () => TypedResults.Ok(await activation.ActivateAutomaticAsync(body.Company, cancellationToken)), Instead);

    public static Task<Results<Ok<ActivationChangeResponse>, ProblemHttpResult>> Reactivate(ReactivationBody body, ActivationService activation,
        CancellationToken cancellationToken) =>
        Refusals.RunAsync(async () => TypedResults.Ok(await activation.ReactivateAsync(body, cancellationToken)),
            "Use the web or telephone method instead: rdlic server reactivate --reason … --method web (or telephone).");

    public static Task<Results<Ok<ActivationChangeResponse>, ProblemHttpResult>> Deactivate(DeactivationBody body, ActivationService activation,
        CancellationToken cancellationToken) =>
        Refusals.RunAsync(async () => TypedResults.Ok(await activation.DeactivateAsync(body, cancellationToken)),
            "Use the web or telephone method instead: rdlic server deactivate --method web (or telephone); nothing was changed.");
}
