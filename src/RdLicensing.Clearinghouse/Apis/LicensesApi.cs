using Microsoft.AspNetCore.Http.HttpResults;
using RdLicensing.Clearinghouse.Granting;
using RdLicensing.Core.Protocol;

namespace RdLicensing.Clearinghouse.Apis;

/// <summary>
/// Install Licenses, reissue after a rebuild, migration between license servers (release by a running source, claim or
/// dead-source migration by the target) and Convert Licenses. Public; every request must be signed by the license server it
/// is for (<see cref="ServerProofs"/>). A source whose packs a dead-source migration took is told at its next request here
/// (<see cref="MigratedAwayNotice"/>).
/// </summary>
public static class LicensesApi
{
    public static IEndpointRouteBuilder MapLicensesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Licenses").AllowAnonymous().AddEndpointFilter(MigratedAwayNotice.FilterAsync);
        api.MapPost("/licenses", Install).RequireServerProof().WithSummary("Install Licenses: grants a key pack for a retail code, an Open License or an agreement.");
        api.MapPost("/reissue", Reissue).RequireServerProof().WithSummary("Signs again every key pack recorded for the license server (after a database rebuild).");
        api.MapPost("/migrations", Migrate).RequireServerProof()
            .WithSummary("MigrateIn, signed by the target: the packs a running source released to it, or a dead source's packs whose purchase identifiers are proven.");
        api.MapPost("/migrations/release", Release).RequireServerProof()
            .WithSummary("MigrateOut, signed by a running source: it gives up these key packs (already removed there) for one target.");
        api.MapPost("/conversions", Convert).RequireServerProof()
            .WithSummary("Convert Licenses: part of a key pack granted to the license server becomes licenses of the other CAL type (Windows Server 2012 and later).");
        return app;
    }

    public static async Task<Results<Ok<GrantedKeyPack>, ProblemHttpResult>> Install(
        LicenseInstallRequestBody body, SignedServerRequest proof, LicenseInstallService installs, CancellationToken cancellationToken)
    {
        try { return TypedResults.Ok(await installs.InstallAsync(body, proof, cancellationToken)); }
        catch (ClearinghouseRefusal refusal) { return Problems.From(refusal); }
    }

    public static async Task<Results<Ok<ReissueResponse>, ProblemHttpResult>> Reissue(
        ReissueRequestBody body, SignedServerRequest proof, ReissueService reissue, CancellationToken cancellationToken)
    {
        try { return TypedResults.Ok(await reissue.ReissueAsync(body, proof, cancellationToken)); }
        catch (ClearinghouseRefusal refusal) { return Problems.From(refusal); }
    }

    public static async Task<Results<Ok<MigrationResponse>, ProblemHttpResult>> Migrate(
        MigrationRequestBody body, SignedServerRequest proof, MigrationService migrations, CancellationToken cancellationToken)
    {
        try { return TypedResults.Ok(await migrations.MigrateAsync(body, proof, cancellationToken)); }
        catch (ClearinghouseRefusal refusal) { return Problems.From(refusal); }
    }

    public static async Task<Results<Ok<MigrationReleaseResponse>, ProblemHttpResult>> Release(
        MigrationReleaseRequestBody body, SignedServerRequest proof, MigrationService migrations, CancellationToken cancellationToken)
    {
        try { return TypedResults.Ok(await migrations.ReleaseAsync(body, proof, cancellationToken)); }
        catch (ClearinghouseRefusal refusal) { return Problems.From(refusal); }
    }

    public static async Task<Results<Ok<ConversionResponse>, ProblemHttpResult>> Convert(
        ConversionRequestBody body, SignedServerRequest proof, ConversionService conversions, CancellationToken cancellationToken)
    {
        try { return TypedResults.Ok(await conversions.ConvertAsync(body, proof, cancellationToken)); }
        catch (ClearinghouseRefusal refusal) { return Problems.From(refusal); }
    }
}
