using RdLicensing.Core.Cals;
using RdLicensing.Core.Codes;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Proof;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using RdLicensing.Storage;

namespace RdLicensing.Clearinghouse.Granting;

/// <summary>
/// Install Licenses: checks the license server, then the program's identifiers, and grants a key pack.
/// Everything — the version check, using the code or drawing the entitlement, recording the install — is
/// one transaction, and every refusal comes before anything is consumed.
/// </summary>
public sealed partial class LicenseInstallService(ClearinghouseStore store, LicenseServerVerifier verifier, GrantSigner signer, TimeProvider clock)
{
    private sealed record Granted(string Identifier, ProductVersion Version, CalType Type, int Quantity);

    public Task<GrantedKeyPack> InstallAsync(LicenseInstallRequestBody body, ServerProof proof, CancellationToken cancellationToken)
    {
        var server = verifier.Verify(body.ProductId, body.LicenseServerId);
        var serverVersion = RequestFields.Version(body.ServerVersion, "serverVersion");
        var program = RequestFields.Program(body.Program);
        // Each program checks its identifiers' format here (a typing mistake costs no write lock) and returns
        // the lookup-and-use step that runs inside the transaction.
        Func<ClearinghouseWriteSession, DateTimeOffset, Task<Granted>> take = program switch
        {
            LicenseProgram.Retail => RetailCode(body, server.LicenseServerProductId, serverVersion),
            LicenseProgram.Open => OpenLicense(body, server.LicenseServerProductId, serverVersion),
            _ => Agreement(body, program, serverVersion),
        };

        return store.WriteAsync(async s =>
        {
            var now = clock.GetUtcNow();
            await proof.RequireAsync(s, server.LicenseServerProductId, ServerRequestPurpose.Install, now);
            await LicenseServerVerifier.RequireActiveAsync(s, server, now);
            var granted = await take(s, now);
            var install = new InstallRecord(KeyPackIdCode.NewKeyPackId(), server.LicenseServerProductId, program, granted.Identifier, granted.Version,
                granted.Type, granted.Quantity, GrantSigner.ExpiryOf(program, now), GrantSigner.Describe(granted.Version, granted.Type, program),
                InstallStatus.Active, now);
            await s.InsertInstallAsync(install);
            return signer.Sign(install, now);
        }, cancellationToken);
    }

    private static Func<ClearinghouseWriteSession, DateTimeOffset, Task<Granted>> RetailCode(LicenseInstallRequestBody body, string productId, ProductVersion serverVersion)
    {
        if (!LicenseIdentifiers.TryParseRetailCode(body.LicenseCode, out var code, out var error))
            throw ClearinghouseRefusal.Invalid("licenseCode", error);
        return async (s, now) =>
        {
            var record = await s.RetailCodeAsync(code)
                ?? throw ClearinghouseRefusal.NotRecognized("The license code is not recognized. Check it against your purchase and type it again.", "licenseCode");
            if (record.UsedAt is { } usedAt)
                throw AlreadyUsed("license-code-already-used", "The license code", usedAt, record.UsedByProductId, productId);
            RequireHostable(serverVersion, record.Version, "licenseCode");
            if (!await s.UseRetailCodeAsync(code, productId, now))
                throw AlreadyUsed("license-code-already-used", "The license code", now, null, productId);
            return new Granted(code, record.Version, record.Type, record.Quantity);
        };
    }

    private static Func<ClearinghouseWriteSession, DateTimeOffset, Task<Granted>> OpenLicense(LicenseInstallRequestBody body, string productId, ProductVersion serverVersion)
    {
        var number = body.LicenseNumber?.Trim();
        var authorization = body.AuthorizationNumber?.Trim().ToUpperInvariant();
        if (!LicenseIdentifiers.IsOpenLicenseNumber(number))
            throw ClearinghouseRefusal.Invalid("licenseNumber", "The Open License number has 8 digits: copy it from your Open License confirmation.");
        if (!LicenseIdentifiers.IsAuthorizationNumber(authorization))
            throw ClearinghouseRefusal.Invalid("authorizationNumber", "The authorization number has 15 letters or digits: copy it from your Open License confirmation.");
        return async (s, now) =>
        {
            var record = await s.OpenLicenseAsync(number!);
            if (record is null || record.AuthorizationNumber != authorization)
                throw ClearinghouseRefusal.NotRecognized(
                    "The license number and authorization number are not recognized. Check both against your Open License confirmation.", "licenseNumber");
            if (record.UsedAt is { } usedAt)
                throw AlreadyUsed("open-license-already-used", "The Open License", usedAt, record.UsedByProductId, productId);
            RequireHostable(serverVersion, record.Version, "licenseNumber");
            if (!await s.UseOpenLicenseAsync(number!, productId, now))
                throw AlreadyUsed("open-license-already-used", "The Open License", now, null, productId);
            return new Granted(number!, record.Version, record.Type, record.Quantity);
        };
    }

    private static Func<ClearinghouseWriteSession, DateTimeOffset, Task<Granted>> Agreement(LicenseInstallRequestBody body, LicenseProgram program, ProductVersion serverVersion)
    {
        var number = body.AgreementNumber?.Trim();
        if (!LicenseIdentifiers.IsAgreementNumber(number))
            throw ClearinghouseRefusal.Invalid("agreementNumber", $"The {program.ToDisplayName()} number (agreement or enrollment number) has 7 digits.");
        var version = RequestFields.Version(body.Version, "version");
        var type = RequestFields.CalType(body.CalType, "calType");
        var quantity = RequestFields.Quantity(body.Quantity, "quantity");
        RequireHostable(serverVersion, version, "version");
        return async (s, _) =>
        {
            // Until the number is proven the customer's, every refusal is the same: an unknown number, another program, an
            // entitlement it lacks or one drawn dry all read "not recognized", so guessing reveals neither what an
            // agreement holds nor what remains (the vendor's administrator sees that in /api/admin/agreements).
            var agreement = await s.AgreementAsync(number!);
            if (agreement is null || agreement.Program != program
                || !agreement.Entitlements.Any(e => e.Version == version && e.Type == type)
                || !await s.DrawEntitlementAsync(agreement.Id, version, type, quantity))
                throw ClearinghouseRefusal.NotRecognized(
                    $"{program.ToDisplayName()} number {number} is not recognized for {quantity} {version.ToDisplayName()} {type.ToDisplayName()}(s). " +
                    "Check the agreement number, the license program, the version, the CAL type and the quantity against your agreement " +
                    "(at most what it has left); your reseller or the vendor can tell you what it holds.", "agreementNumber");
            return new Granted(number!, version, type, quantity);
        };
    }

    /// <summary>A license server hosts CALs of its own version or older: refuse before anything is used up.</summary>
    private static void RequireHostable(ProductVersion serverVersion, ProductVersion calVersion, string field)
    {
        if (!VersionCompatibility.LicenseServerHosts(serverVersion, calVersion))
            throw ClearinghouseRefusal.Unprocessable("version-not-hostable", "CAL version not hostable",
                $"The license code is not recognized: {calVersion.ToDisplayName()} CALs cannot be hosted on a {serverVersion.ToDisplayName()} license server. " +
                $"Install them on a license server of {calVersion.ToDisplayName()} or later.", field);
    }

    private static ClearinghouseRefusal AlreadyUsed(string slug, string what, DateTimeOffset usedAt, string? usedBy, string productId) =>
        ClearinghouseRefusal.Conflict(slug, "Already used",
            $"{what} was already used on {usedAt:yyyy-MM-dd HH:mm} UTC{(usedBy is null ? "" : $" by license server {usedBy}")}; each installs once. " +
            (usedBy == productId
                // Granted is not installed: a web or telephone grant may never have reached the server, so say only what the record shows.
                ? "The clearinghouse granted its key pack to this license server then: if the license server does not list it, install it with the license key pack ID given then, or ask the clearinghouse to reissue the server's key packs."
                : "To move the licenses to this license server, migrate them from the other one."),
            new Dictionary<string, object?> { ["usedAt"] = usedAt });
}
