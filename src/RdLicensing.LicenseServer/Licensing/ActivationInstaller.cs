using RdLicensing.Core.Activation;
using RdLicensing.Core.Codes;
using RdLicensing.Core.Events;
using RdLicensing.Core.Signing;
using RdLicensing.LicenseServer.Hosting;
using RdLicensing.Storage;

namespace RdLicensing.LicenseServer.Licensing;

public enum ActivationError
{
    NoClearinghouseTrusted,
    Mistyped,
    Rejected,
    Expired,
    Retired,
}

public sealed record ActivationResult(ActivationCertificate? Activation, ActivationError? Error, int? WrongGroup, string Message);

/// <summary>
/// Makes the server activated from a License Server ID: the clearinghouse's signed code for this Product ID.
/// How the code is obtained (automatic, web page, telephone) is the clearinghouse's part. A License Server
/// ID that was replaced or deactivated here is never accepted again, so an old code cannot undo a
/// deactivation or a reactivation after a compromised key.
/// </summary>
public sealed class ActivationInstaller(LicenseStore store, ServerState server, TimeProvider clock)
{
    public Task<ActivationResult> InstallAsync(string licenseServerId, CancellationToken cancellationToken) =>
        store.WriteAsync(async s =>
        {
            var now = clock.GetUtcNow();
            if (server.Clearinghouse is not { } clearinghouse)
                return new ActivationResult(null, ActivationError.NoClearinghouseTrusted, null,
                    "This license server trusts no clearinghouse, so it cannot verify a License Server ID. Start it with the clearinghouse certificate (--clearinghouse-cert FILE).");
            ActivationCertificate activation;
            try
            {
                activation = LicenseServerIdCode.Verify(licenseServerId, clearinghouse, server.ProductId);
            }
            catch (CodeFormatException e)
            {
                return new ActivationResult(null, ActivationError.Mistyped, e.Group, e.Message);
            }
            catch (SignedDocumentException e)
            {
                var message = $"The License Server ID was rejected: {e.Message}.";
                await s.AddEventAsync(now, LicensingEventId.ActivationRejected, message);
                return new ActivationResult(null, ActivationError.Rejected, null, message);
            }
            if (activation.ExpiresAt <= now)
                return new ActivationResult(null, ActivationError.Expired, null,
                    $"The License Server ID expired on {activation.ExpiresAt:yyyy-MM-dd}: reactivate the license server to get a new one.");

            var retired = await RetiredAsync(s);
            if (retired.Contains(activation.LicenseServerId))
            {
                var message = "This License Server ID was replaced or deactivated on this license server and cannot be installed again: reactivate the license server to get a new one.";
                await s.AddEventAsync(now, LicensingEventId.ActivationRejected, message);
                return new ActivationResult(null, ActivationError.Retired, null, message);
            }
            var current = await s.SettingAsync(SettingNames.LicenseServerId);
            if (current == activation.LicenseServerId && !server.IsDeactivated)
                return new ActivationResult(activation, null, null, "The license server is already activated with this License Server ID.");

            if (current is not null && current != activation.LicenseServerId) await RetireAsync(s, current);
            await s.SetSettingAsync(SettingNames.LicenseServerId, activation.LicenseServerId);
            await s.DeleteSettingAsync(SettingNames.Deactivated);
            // A deactivation asked before this activation must not undo it.
            await s.DeleteSettingAsync(SettingNames.PendingDeactivationRequests);
            await s.AddEventAsync(now, LicensingEventId.ServerActivated,
                $"The license server was activated as License Server ID {activation.LicenseServerId}, valid until {activation.ExpiresAt:yyyy-MM-dd}.");
            server.SetActivation(activation);
            return new ActivationResult(activation, null, null, "The license server is activated.");
        }, cancellationToken);

    /// <summary>Marks the server deactivated and retires its License Server ID; issued CALs stay valid.</summary>
    public Task DeactivateAsync(string how, CancellationToken cancellationToken) =>
        store.WriteAsync(async s =>
        {
            if (await s.SettingAsync(SettingNames.LicenseServerId) is { } current) await RetireAsync(s, current);
            await s.SetSettingAsync(SettingNames.Deactivated, "true");
            await s.AddEventAsync(clock.GetUtcNow(), LicensingEventId.ServerDeactivated,
                $"The license server was deactivated ({how}): {Core.Activation.ActivationLicensingPolicy.Deactivated}.");
            server.SetDeactivated();
        }, cancellationToken);

    private static async Task<HashSet<string>> RetiredAsync(LicenseWriteSession s) =>
        ((await s.SettingAsync(SettingNames.RetiredLicenseServerIds)) ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);

    private static async Task RetireAsync(LicenseWriteSession s, string licenseServerId)
    {
        var retired = await RetiredAsync(s);
        if (retired.Add(licenseServerId)) await s.SetSettingAsync(SettingNames.RetiredLicenseServerIds, string.Join('\n', retired));
    }
}
