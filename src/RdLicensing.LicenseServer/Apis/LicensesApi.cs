using Microsoft.AspNetCore.Http.HttpResults;
using RdLicensing.Core.Protocol;
using RdLicensing.LicenseServer.Auth;
using RdLicensing.LicenseServer.Licensing;

namespace RdLicensing.LicenseServer.Apis;

/// <summary>Install Licenses (through the clearinghouse, or by license key pack ID) and migration between license servers.</summary>
public static class LicensesApi
{
    public const int MaxCodeLength = 400;

    public static RouteGroupBuilder MapLicensesApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/admin").WithTags("Key packs and activation").RequireAuthorization(TokenAuthenticationHandler.AdminRole);
        api.MapPost("/licenses", Install).WithSummary("Install Licenses: the clearinghouse grants a key pack for a retail code, Open License or agreement.");
        api.MapPost("/keypacks/code", InstallCode).WithSummary("Install by license key pack ID (web or telephone install), verified offline.");
        api.MapPost("/licenses/release", Release)
            .WithSummary("Source side of a migration: remove key packs and their issued CALs (event 89) and sign their release to the clearinghouse for the target (put back if it refuses), or answer a release code (method web or telephone).");
        api.MapPost("/licenses/migrate", Migrate).WithSummary("Migrate CALs from another license server (running, or no longer functioning) to this one.");
        return api;
    }

    public static Task<Results<Created<LicenseInstallResponse>, ProblemHttpResult>> Install(LicenseInstallBody body, LicenseInstallService installs,
        CancellationToken cancellationToken) =>
        Refusals.RunAsync(async () =>
        {
            var installed = await installs.InstallAsync(body, cancellationToken);
            return TypedResults.Created($"/api/admin/keypacks/{installed.KeyPack.Id}", installed);
        }, "Install by license key pack ID instead: get it from the clearinghouse's install page or by telephone, then run 'rdlic licenses install --key-pack-id CODE'.");

    public static async Task<Results<Created<LicenseInstallResponse>, ProblemHttpResult>> InstallCode(KeyPackIdCodeBody body, KeyPackInstaller installer,
        CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(body.KeyPackId) || body.KeyPackId.Length > MaxCodeLength)
            return Problems.Invalid("keyPackId", "keyPackId must be the license key pack ID the clearinghouse gave for this server's Product ID.");
        var result = await installer.InstallCodeAsync(body.KeyPackId, cancellationToken);
        return result switch
        {
            { Pack: { } pack } => TypedResults.Created($"/api/admin/keypacks/{pack.Id}",
                new LicenseInstallResponse(pack.ToView(), Core.Codes.GroupedCode.Format(Core.Codes.GroupedCode.Normalize(body.KeyPackId)), result.Message)),
            { Error: KeyPackInstallError.Mistyped } => Problems.Create(StatusCodes.Status400BadRequest, "code-mistyped", "License key pack ID mistyped", result.Message,
                new Dictionary<string, object?> { ["field"] = "keyPackId", ["group"] = result.WrongGroup }),
            { Error: KeyPackInstallError.AlreadyInstalled } => Problems.Conflict("key-pack-already-installed", "Key pack already installed", result.Message),
            { Error: KeyPackInstallError.NoClearinghouseTrusted } => Problems.Conflict("no-clearinghouse-trusted", "No clearinghouse trusted", result.Message),
            _ => Problems.Unprocessable(KeyPacksApi.RejectionSlug(result.Rejection), "Key pack rejected", result.Message),
        };
    }

    public static Task<Results<Ok<KeyPackReleaseResponse>, ProblemHttpResult>> Release(KeyPackReleaseBody body, KeyPackReleaser releaser,
        CancellationToken cancellationToken) =>
        Refusals.RunAsync(async () =>
        {
            var target = body.TargetProductId?.Trim();
            if (string.IsNullOrEmpty(target) || target.Length > 64 || target.Any(char.IsControl))
                throw Refusal.Invalid("targetProductId", "targetProductId must be the Product ID of the license server the CALs move to.");
            if (body.KeyPackIds is { Count: 0 }) throw Refusal.Invalid("keyPackIds", "keyPackIds names the key packs to give up; leave it out to give up every key pack.");
            var method = body.Method?.Trim().ToLowerInvariant();
            return method switch
            {
                null or "" or "automatic" => TypedResults.Ok(await releaser.ReleaseAsync(target, body.KeyPackIds, cancellationToken)),
                "web" or "telephone" => TypedResults.Ok(await releaser.ReleaseWithCodeAsync(target, body.KeyPackIds, method, body.CountryRegion, cancellationToken)),
                _ => throw Refusal.Invalid("method", "method must be automatic (signed to the clearinghouse now), web or telephone (a release code to carry)."),
            };
        });

    public static Task<Results<Ok<MigrationResult>, ProblemHttpResult>> Migrate(MigrationBody body, MigrationService migration, CancellationToken cancellationToken) =>
        Refusals.RunAsync(async () => TypedResults.Ok(await migration.MigrateAsync(body, cancellationToken)));
}
