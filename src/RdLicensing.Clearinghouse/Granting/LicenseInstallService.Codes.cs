using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Proof;
using RdLicensing.Core.Protocol;
using RdLicensing.Storage;

namespace RdLicensing.Clearinghouse.Granting;

/// <summary>
/// Install Licenses by web or telephone: the license server's request code for Install says which server asks and its
/// version — what the server signed, never what a form says — so a code or agreement draw is used only when the pack
/// granted is one that server can host. The request code is checked and used in the transaction that grants the pack;
/// a refusal rolls everything back, the request code included, so the administrator can correct a typed identifier and
/// submit the same request code again.
/// </summary>
public sealed partial class LicenseInstallService
{
    /// <param name="requestCode">The license server's request code (purpose Install).</param>
    /// <param name="licenses">The program and its identifiers; its Product ID, License Server ID and server version are ignored.</param>
    public Task<GrantedKeyPack> InstallWithCodeAsync(string? requestCode, LicenseInstallRequestBody licenses, CancellationToken cancellationToken)
    {
        var code = ServerKeyCheck.ReadCode(requestCode);
        var productId = code.ProductId;
        var serverVersion = code.ServerVersion;
        var program = RequestFields.Program(licenses.Program);
        Func<ClearinghouseWriteSession, DateTimeOffset, Task<Granted>> take = program switch
        {
            LicenseProgram.Retail => RetailCode(licenses, productId, serverVersion),
            LicenseProgram.Open => OpenLicense(licenses, productId, serverVersion),
            _ => Agreement(licenses, program, serverVersion),
        };

        return store.WriteAsync(async s =>
        {
            var now = clock.GetUtcNow();
            await ServerKeyCheck.RequireCodeAsync(s, code, ServerRequestPurpose.Install, now);
            var active = await s.ActiveActivationAsync(productId)
                ?? throw ClearinghouseRefusal.Conflict("not-activated", "License server not activated",
                    $"License server {productId} is not activated with this clearinghouse (never activated, or deactivated): activate the license server first.");
            if (active.ExpiresAt <= now)
                throw ClearinghouseRefusal.Conflict("activation-expired", "Activation expired",
                    $"The activation of license server {productId} expired on {active.ExpiresAt:yyyy-MM-dd}: reactivate the license server first.");
            var granted = await take(s, now);
            var install = new InstallRecord(Core.Codes.KeyPackIdCode.NewKeyPackId(), productId, program, granted.Identifier, granted.Version,
                granted.Type, granted.Quantity, GrantSigner.ExpiryOf(program, now), GrantSigner.Describe(granted.Version, granted.Type, program),
                InstallStatus.Active, now);
            await s.InsertInstallAsync(install);
            return signer.Sign(install, now);
        }, cancellationToken);
    }
}
