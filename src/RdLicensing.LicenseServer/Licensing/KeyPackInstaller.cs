using RdLicensing.Core.Cals;
using RdLicensing.Core.Codes;
using RdLicensing.Core.Versions;
using RdLicensing.Core.Events;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Signing;
using RdLicensing.LicenseServer.Hosting;
using RdLicensing.Storage;

namespace RdLicensing.LicenseServer.Licensing;

public enum KeyPackInstallError
{
    NoClearinghouseTrusted,
    Rejected,
    AlreadyInstalled,
    Mistyped,
}

public sealed record KeyPackInstallResult(KeyPack? Pack, KeyPackInstallError? Error, KeyPackRejection? Rejection, string Message, int? WrongGroup = null);

/// <summary>
/// Installs a signed key pack file, or the license key pack ID of a web or telephone install, after verifying
/// it; a rejected one changes nothing but the event log. A key pack installs once: a replay is refused.
/// </summary>
public sealed class KeyPackInstaller(LicenseStore store, ServerState server, TimeProvider clock)
{
    public const string NoClearinghouseMessage =
        "This license server trusts no clearinghouse, so it cannot verify key packs. Start it with the clearinghouse certificate (--clearinghouse-cert FILE).";

    public Task<KeyPackInstallResult> InstallAsync(string fileText, CancellationToken cancellationToken) =>
        store.WriteAsync(async s =>
        {
            var now = clock.GetUtcNow();
            if (server.Clearinghouse is not { } clearinghouse)
                return new KeyPackInstallResult(null, KeyPackInstallError.NoClearinghouseTrusted, null, NoClearinghouseMessage);

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
            return await InsertAsync(s, grant, clearinghouse, fileText, now);
        }, cancellationToken);

    /// <summary>The license key pack ID: checked group by group, then its signature for this Product ID, then as a key pack.</summary>
    public Task<KeyPackInstallResult> InstallCodeAsync(string code, CancellationToken cancellationToken) =>
        store.WriteAsync(async s =>
        {
            var now = clock.GetUtcNow();
            if (server.Clearinghouse is not { } clearinghouse)
                return new KeyPackInstallResult(null, KeyPackInstallError.NoClearinghouseTrusted, null, NoClearinghouseMessage);

            KeyPackGrant grant;
            try
            {
                grant = KeyPackIdCode.Verify(code, clearinghouse, server.ProductId);
            }
            catch (CodeFormatException e)
            {
                return new KeyPackInstallResult(null, KeyPackInstallError.Mistyped, null, e.Message, e.Group);
            }
            catch (SignedDocumentException e)
            {
                var rejection = e.Error == SignedDocumentError.BadSignature ? KeyPackRejection.BadSignature : KeyPackRejection.Malformed;
                return await RejectAsync(s, now, rejection, $"The license key pack ID was rejected: {e.Message}.");
            }
            if (grant.ExpiresAt is { } expires && expires <= now)
                return await RejectAsync(s, now, KeyPackRejection.Expired, $"The key pack expired on {expires:yyyy-MM-dd}.");
            if (!VersionCompatibility.LicenseServerHosts(server.Version, grant.Version))
                return await RejectAsync(s, now, KeyPackRejection.VersionNotHostable,
                    $"The license code is not recognized: {grant.Version.ToDisplayName()} CALs cannot be hosted on a {server.Version.ToDisplayName()} license server (a license server hosts CALs of its own version or older).");
            // The code itself is what was signed: kept as the pack's document, like a key pack file.
            return await InsertAsync(s, grant, clearinghouse, "rdlic-keypack-id " + GroupedCode.Format(GroupedCode.Normalize(code)), now);
        }, cancellationToken);

    private static async Task<KeyPackInstallResult> InsertAsync(LicenseWriteSession s, KeyPackGrant grant, ClearinghouseCertificate clearinghouse, string document, DateTimeOffset now)
    {
        if (await s.KeyPackExistsAsync(grant.KeyPackId))
        {
            var message = $"Key pack {grant.KeyPackId} is already installed on this license server; a key pack installs once.";
            await s.AddEventAsync(now, LicensingEventId.KeyPackRejected, message);
            return new KeyPackInstallResult(null, KeyPackInstallError.AlreadyInstalled, null, message);
        }

        var pack = grant.ToKeyPack(clearinghouse.Thumbprint, now);
        await s.InsertKeyPackAsync(pack, document);
        await s.AddEventAsync(now, LicensingEventId.KeyPackInstalled,
            $"Installed key pack {pack.Id}: {pack.Total} {pack.Version.ToDisplayName()} {pack.Type.ToDisplayName()}s ({pack.Program.ToDisplayName()}).");
        return new KeyPackInstallResult(pack, null, null, "The licenses have been successfully installed.");
    }

    private static async Task<KeyPackInstallResult> RejectAsync(LicenseWriteSession s, DateTimeOffset now, KeyPackRejection rejection, string message)
    {
        await s.AddEventAsync(now, LicensingEventId.KeyPackRejected, message);
        return new KeyPackInstallResult(null, KeyPackInstallError.Rejected, rejection, message);
    }
}
