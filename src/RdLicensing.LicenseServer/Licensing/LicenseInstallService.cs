using RdLicensing.Core.Cals;
using RdLicensing.Core.Codes;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using RdLicensing.LicenseServer.Apis;
using RdLicensing.LicenseServer.Hosting;
using RdLicensing.LicenseServer.Remote;

namespace RdLicensing.LicenseServer.Licensing;

/// <summary>
/// The Install Licenses wizard over the automatic connection method: the identifiers of the license program
/// are checked here, then the clearinghouse grants a key pack for this server, which is installed like a
/// key pack file (signature and binding verified).
/// </summary>
public sealed class LicenseInstallService(ServerState server, TimeProvider clock, KeyPackInstaller installer, ClearinghouseClient clearinghouse)
{
    public static readonly string ProgramList = string.Join(", ", Enum.GetValues<LicenseProgram>().Select(p => p.ToShortName()));

    public async Task<LicenseInstallResponse> InstallAsync(LicenseInstallBody body, CancellationToken cancellationToken)
    {
        var request = Validate(body);
        var status = server.ActivationStatusAt(clock.GetUtcNow());
        if (status != "activated") throw Refusal.NotActivated(status, "install licenses");
        // Agreements name the version here; for retail and Open codes the clearinghouse checks ServerVersion.
        if (request.Version is { } named && !VersionCompatibility.LicenseServerHosts(server.Version, ProductVersions.Parse(named)))
            throw VersionNotHostable(ProductVersions.Parse(named));
        if (server.Clearinghouse is null)
            throw Refusal.Conflict("no-clearinghouse-trusted", "No clearinghouse trusted", KeyPackInstaller.NoClearinghouseMessage);

        var granted = await clearinghouse.InstallLicensesAsync(request with
        {
            ProductId = server.ProductId,
            LicenseServerId = server.Activation!.LicenseServerId,
            ServerVersion = server.Version.ToShortName(),
        }, cancellationToken);
        var pack = await InstallGrantAsync(granted, cancellationToken);
        return new LicenseInstallResponse(pack.ToView(), granted.KeyPackIdCode, "The licenses have been successfully installed.");
    }

    /// <summary>Installs a pack the clearinghouse granted; when that fails, the refusal names its key pack ID so support can find it.</summary>
    public async Task<KeyPack> InstallGrantAsync(GrantedKeyPack granted, CancellationToken cancellationToken)
    {
        var result = await installer.InstallAsync(granted.KeyPackFile, cancellationToken);
        if (result.Pack is { } pack) return pack;
        var keep = $" The clearinghouse granted key pack {granted.KeyPackId} (license key pack ID {granted.KeyPackIdCode}); keep it for support.";
        throw result.Error == KeyPackInstallError.AlreadyInstalled
            ? Refusal.Conflict("key-pack-already-installed", "Key pack already installed", result.Message + keep)
            : Refusal.Unprocessable("key-pack-rejected", "Key pack rejected", $"The key pack the clearinghouse sent was not installed: {result.Message}{keep}");
    }

    public Refusal VersionNotHostable(ProductVersion version) => Refusal.Unprocessable("version-not-hostable", "Version not hostable",
        $"The license code is not recognized: {version.ToDisplayName()} CALs cannot be hosted on a {server.Version.ToDisplayName()} license server (a license server hosts CALs of its own version or older).",
        new Dictionary<string, object?> { ["field"] = "version" });

    /// <summary>The identifiers each program needs, in canonical form; every wrong one is named before the clearinghouse is asked.</summary>
    private static LicenseInstallRequestBody Validate(LicenseInstallBody body)
    {
        if (!LicensePrograms.TryParse(body.Program?.Trim(), out var program))
            throw Refusal.Invalid("program", body.Program is null ? $"program is required: one of {ProgramList}." : $"'{body.Program}' is not a license program: use one of {ProgramList}.");
        var request = new LicenseInstallRequestBody(null, null, null, program.ToShortName());
        switch (program)
        {
            case LicenseProgram.Retail:
                if (!LicenseIdentifiers.TryParseRetailCode(body.LicenseCode, out var code, out var error))
                    throw Refusal.Mistyped("licenseCode", null, error);
                return request with { LicenseCode = code };
            case LicenseProgram.Open:
                if (!LicenseIdentifiers.IsOpenLicenseNumber(body.LicenseNumber?.Trim()))
                    throw Refusal.Invalid("licenseNumber", "The Open License number has 8 digits.");
                if (!LicenseIdentifiers.IsAuthorizationNumber(body.AuthorizationNumber?.Trim()))
                    throw Refusal.Invalid("authorizationNumber", "The Open License authorization number has 15 letters or digits.");
                return request with { LicenseNumber = body.LicenseNumber!.Trim(), AuthorizationNumber = body.AuthorizationNumber!.Trim().ToUpperInvariant() };
            default:
                if (!LicenseIdentifiers.IsAgreementNumber(body.AgreementNumber?.Trim()))
                    throw Refusal.Invalid("agreementNumber", $"The {program.ToDisplayName()} number (agreement or enrollment number) has 7 digits.");
                if (!ProductVersions.TryParse(body.Version, out var version))
                    throw Refusal.Invalid("version", $"version is required for agreements: one of {string.Join(", ", ProductVersions.All.Select(x => x.ToShortName()))}.");
                if (!CalTypes.TryParse(body.CalType, out var type))
                    throw Refusal.Invalid("calType", "calType must be 'per-device' or 'per-user'.");
                if (body.Quantity is not (>= 1 and <= KeyPackGrant.MaxQuantity))
                    throw Refusal.Invalid("quantity", $"quantity must be a whole number from 1 to {KeyPackGrant.MaxQuantity}.");
                return request with { AgreementNumber = body.AgreementNumber!.Trim(), Version = version.ToShortName(), CalType = type.ToShortName(), Quantity = body.Quantity };
        }
    }
}
