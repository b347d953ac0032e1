using RdLicensing.Core.Activation;
using RdLicensing.Core.Events;
using RdLicensing.Core.Signing;
using RdLicensing.LicenseServer.Hosting;
using RdLicensing.Storage;

namespace RdLicensing.LicenseServer.Licensing;

/// <summary>
/// Makes the server activated from a clearinghouse-signed activation certificate for its Product ID.
/// How the certificate is obtained (automatic, web, telephone) is the clearinghouse's part.
/// </summary>
public sealed class ActivationInstaller(LicenseStore store, ServerState server, TimeProvider clock)
{
    public Task<(ActivationCertificate? Activation, string Message)> InstallAsync(string fileText, CancellationToken cancellationToken) =>
        store.WriteAsync(async s =>
        {
            var now = clock.GetUtcNow();
            if (server.Clearinghouse is not { } clearinghouse)
                return (null, "This license server trusts no clearinghouse, so it cannot verify an activation. Start it with the clearinghouse certificate (--clearinghouse-cert FILE).");
            ActivationCertificate activation;
            try
            {
                activation = ActivationCertificate.Verify(fileText, clearinghouse, server.ProductId, now);
            }
            catch (SignedDocumentException e)
            {
                var message = $"The activation was rejected: {e.Message}.";
                await s.AddEventAsync(now, LicensingEventId.ActivationRejected, message);
                return ((ActivationCertificate?)null, message);
            }
            await s.SetSettingAsync(SettingNames.ActivationDocument, fileText);
            await s.AddEventAsync(now, LicensingEventId.ServerActivated,
                $"The license server was activated as License Server ID {activation.LicenseServerId} for {activation.Company}, until {activation.ExpiresAt:yyyy-MM-dd}.");
            server.SetActivation(activation);
            return (activation, "The license server is activated.");
        }, cancellationToken);
}
