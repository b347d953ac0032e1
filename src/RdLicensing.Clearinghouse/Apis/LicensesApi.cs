using Microsoft.AspNetCore.Http.HttpResults;
using RdLicensing.Clearinghouse.Granting;
using RdLicensing.Core.Protocol;

namespace RdLicensing.Clearinghouse.Apis;

/// <summary>Install Licenses, reissue after a rebuild, migration between license servers and Convert Licenses. Public; every request but a migration (helper-owned, see MigrationService) must be signed by the license server it names (<see cref="ServerProofs"/>).</summary>
public static class LicensesApi
{
    public static IEndpointRouteBuilder MapLicensesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api").WithTags("Licenses").AllowAnonymous();
        api.MapPost("/licenses", Install).RequireServerProof().WithSummary("Install Licenses: grants a key pack for a retail code, an Open License or an agreement.");
        api.MapPost("/reissue", Reissue).RequireServerProof().WithSummary("Signs again every key pack recorded for the license server (after a database rebuild).");
        api.MapPost("/migrations", Migrate).WithSummary("Moves the key packs recorded for a source license server to this one.");
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
        MigrationRequestBody body, MigrationService migrations, CancellationToken cancellationToken)
    {
        try { return TypedResults.Ok(await migrations.MigrateAsync(body, cancellationToken)); }
        catch (ClearinghouseRefusal refusal) { return Problems.From(refusal); }
    }

    public static async Task<Results<Ok<ConversionResponse>, ProblemHttpResult>> Convert(
        ConversionRequestBody body, SignedServerRequest proof, ConversionService conversions, CancellationToken cancellationToken)
    {
        try { return TypedResults.Ok(await conversions.ConvertAsync(body, proof, cancellationToken)); }
        catch (ClearinghouseRefusal refusal) { return Problems.From(refusal); }
    }
}
