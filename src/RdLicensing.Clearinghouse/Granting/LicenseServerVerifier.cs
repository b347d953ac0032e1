using RdLicensing.Clearinghouse.Hosting;
using RdLicensing.Core.Activation;
using RdLicensing.Core.Codes;
using RdLicensing.Core.Signing;
using RdLicensing.Storage;

namespace RdLicensing.Clearinghouse.Granting;

/// <summary>
/// A license server proves who it is with its License Server ID: the code must be typed right, signed by
/// this clearinghouse for that Product ID, and be the current activation of it.
/// </summary>
public sealed class LicenseServerVerifier(ClearinghouseKeys keys)
{
    /// <summary>Checks typing and signature; needs no database, so it runs before the transaction.</summary>
    public ActivationCertificate Verify(string? productIdText, string? licenseServerId, string productIdField = "productId", string codeField = "licenseServerId")
    {
        var productId = RequestFields.ProductId(productIdText, productIdField);
        if (string.IsNullOrWhiteSpace(licenseServerId))
            throw ClearinghouseRefusal.Invalid(codeField, "The License Server ID is required: the license server shows it once it is activated.");
        try
        {
            return LicenseServerIdCode.Verify(licenseServerId, keys.Certificate, productId);
        }
        catch (CodeFormatException e)
        {
            throw ClearinghouseRefusal.Mistyped(codeField, e.Group, e.Message);
        }
        catch (SignedDocumentException e)
        {
            throw ClearinghouseRefusal.Unprocessable("license-server-id-rejected", "License Server ID not for this license server",
                $"The License Server ID does not belong to license server {productId}: {e.Message}. Check the Product ID, or activate the license server first.",
                codeField);
        }
    }

    /// <summary>Inside the transaction: the code must be the Product ID's current, unexpired activation.</summary>
    public static Task<ActivationRecord> RequireActiveAsync(ClearinghouseWriteSession session, ActivationCertificate certificate, DateTimeOffset now) =>
        RequireActiveAsync(session, certificate.LicenseServerProductId, certificate.LicenseServerId, now);

    /// <summary>Inside the transaction: the Product ID's current, unexpired activation — that of <paramref name="licenseServerId"/> when one is given.</summary>
    public static async Task<ActivationRecord> RequireActiveAsync(ClearinghouseWriteSession session, string productId, string? licenseServerId, DateTimeOffset now)
    {
        var active = await session.ActiveActivationAsync(productId)
            ?? throw ClearinghouseRefusal.Conflict("not-activated", "License server not activated",
                $"License server {productId} is not activated with this clearinghouse (never activated, or deactivated): activate the license server first.");
        if (licenseServerId is not null && active.LicenseServerId != licenseServerId)
            throw ClearinghouseRefusal.Conflict("license-server-id-superseded", "License Server ID replaced",
                $"This License Server ID was replaced when license server {productId} was activated again on {active.ActivatedAt:yyyy-MM-dd}: use the current License Server ID, or reactivate.");
        if (active.ExpiresAt <= now)
            throw ClearinghouseRefusal.Conflict("activation-expired", "Activation expired",
                $"The activation of license server {productId} expired on {active.ExpiresAt:yyyy-MM-dd}: reactivate the license server first.");
        return active;
    }
}
