using RdLicensing.Core.Cals;
using RdLicensing.Core.Versions;
using RdLicensing.Core.Events;
using RdLicensing.Core.KeyPacks;
using RdLicensing.LicenseServer.Hosting;
using RdLicensing.Storage;

namespace RdLicensing.LicenseServer.Licensing;

public enum KeyPackInstallError
{
    NoClearinghouseTrusted,
    Rejected,
    AlreadyInstalled,
}

public sealed record KeyPackInstallResult(KeyPack? Pack, KeyPackInstallError? Error, KeyPackRejection? Rejection, string Message);

/// <summary>Installs a signed key pack file after verifying it; a rejected file changes nothing but the event log.</summary>
public sealed class KeyPackInstaller(LicenseStore store, ServerState server, TimeProvider clock)
{
    public Task<KeyPackInstallResult> InstallAsync(string fileText, CancellationToken cancellationToken) =>
        store.WriteAsync(async s =>
        {
            var now = clock.GetUtcNow();
            if (server.Clearinghouse is not { } clearinghouse)
                return new KeyPackInstallResult(null, KeyPackInstallError.NoClearinghouseTrusted, null,
                    "This license server trusts no clearinghouse, so it cannot verify key packs. Start it with the clearinghouse certificate (--clearinghouse-cert FILE).");

            KeyPackGrant grant;
            try
            {
                grant = KeyPackVerifier.Verify(fileText, clearinghouse, server.ProductId, server.Version, now);
            }
            catch (KeyPackRejectedException e)
            {
                await s.AddEventAsync(now, LicensingEventId.KeyPackRejected, e.Message);
                return new KeyPackInstallResult(null, KeyPackInstallError.Rejected, e.Reason, e.Message);
            }

            if (await s.KeyPackExistsAsync(grant.KeyPackId))
            {
                var message = $"Key pack {grant.KeyPackId} is already installed on this license server; a key pack installs once.";
                await s.AddEventAsync(now, LicensingEventId.KeyPackRejected, message);
                return new KeyPackInstallResult(null, KeyPackInstallError.AlreadyInstalled, null, message);
            }

            var pack = grant.ToKeyPack(clearinghouse.Thumbprint, now);
            await s.InsertKeyPackAsync(pack, fileText);
            await s.AddEventAsync(now, LicensingEventId.KeyPackInstalled,
                $"Installed key pack {pack.Id}: {pack.Total} {pack.Version.ToDisplayName()} {pack.Type.ToDisplayName()}s ({pack.Program.ToDisplayName()}).");
            return new KeyPackInstallResult(pack, null, null, "The licenses have been successfully installed.");
        }, cancellationToken);
}
