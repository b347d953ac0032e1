using Microsoft.AspNetCore.Http.HttpResults;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Signing;
using RdLicensing.LicenseServer.Auth;
using RdLicensing.LicenseServer.Licensing;
using RdLicensing.Storage;

namespace RdLicensing.LicenseServer.Apis;

public static class KeyPacksApi
{
    public static RouteGroupBuilder MapKeyPacksApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/admin").WithTags("Key packs and activation").RequireAuthorization(TokenAuthenticationHandler.AdminRole);
        api.MapGet("/keypacks", ListKeyPacks).WithSummary("Installed key packs with total, issued and available licenses.");
        api.MapPost("/keypacks", InstallKeyPack).WithSummary("Install a key pack file signed by the trusted clearinghouse for this server.");
        api.MapPost("/activation", InstallActivation).WithSummary("Activate the server with the License Server ID the clearinghouse issued for its Product ID.");
        return api;
    }

    public static async Task<Ok<IEnumerable<KeyPackView>>> ListKeyPacks(LicenseStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok((await store.KeyPacksAsync(cancellationToken)).Select(p => p.ToView()));

    public static async Task<Results<Created<KeyPackView>, ProblemHttpResult>> InstallKeyPack(
        SignedFileBody body, KeyPackInstaller installer, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(body.Content))
            return Problems.Invalid("content", "content must be the text of the key pack file the clearinghouse issued.");
        if (body.Content.Length > SignedDocument.MaxFileBytes)
            return Problems.Invalid("content", $"The key pack file is larger than {SignedDocument.MaxFileBytes / 1024} KiB; it is not a key pack.");
        var result = await installer.InstallAsync(body.Content, cancellationToken);
        return result switch
        {
            { Pack: { } pack } => TypedResults.Created($"/api/admin/keypacks/{pack.Id}", pack.ToView()),
            { Error: KeyPackInstallError.AlreadyInstalled } => Problems.Conflict("key-pack-already-installed", "Key pack already installed", result.Message),
            { Error: KeyPackInstallError.NoClearinghouseTrusted } => Problems.Conflict("no-clearinghouse-trusted", "No clearinghouse trusted", result.Message),
            _ => Problems.Unprocessable(RejectionSlug(result.Rejection), "Key pack rejected", result.Message),
        };
    }

    public static async Task<Results<Ok<ActivationView>, ProblemHttpResult>> InstallActivation(
        ActivationCodeBody body, ActivationInstaller installer, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(body.LicenseServerId) || body.LicenseServerId.Length > 400)
            return Problems.Invalid("licenseServerId", "licenseServerId must be the License Server ID the clearinghouse issued for this server's Product ID.");
        var result = await installer.InstallAsync(body.LicenseServerId, cancellationToken);
        return result switch
        {
            { Activation: { } a } => TypedResults.Ok(new ActivationView("activated", a.LicenseServerId, a.IssuedAt, a.ExpiresAt)),
            { Error: ActivationError.Mistyped } => Problems.Create(StatusCodes.Status400BadRequest, "code-mistyped", "License Server ID mistyped", result.Message,
                new Dictionary<string, object?> { ["field"] = "licenseServerId", ["group"] = result.WrongGroup }),
            { Error: ActivationError.NoClearinghouseTrusted } => Problems.Conflict("no-clearinghouse-trusted", "No clearinghouse trusted", result.Message),
            { Error: ActivationError.Retired } => Problems.Unprocessable("license-server-id-retired", "License Server ID no longer valid", result.Message),
            _ => Problems.Unprocessable("activation-rejected", "Activation rejected", result.Message),
        };
    }

    internal static string RejectionSlug(KeyPackRejection? rejection) => rejection switch
    {
        KeyPackRejection.UntrustedSigner => "key-pack-untrusted-signer",
        KeyPackRejection.BadSignature => "key-pack-bad-signature",
        KeyPackRejection.WrongLicenseServer => "key-pack-wrong-license-server",
        KeyPackRejection.Expired => "key-pack-expired",
        KeyPackRejection.VersionNotHostable => "key-pack-version-not-hostable",
        _ => "key-pack-malformed",
    };
}
