using RdLicensing.Core.Signing;
using RdLicensing.Core.Versions;

namespace RdLicensing.Core.KeyPacks;

public enum KeyPackRejection
{
    Malformed,
    UntrustedSigner,
    BadSignature,
    WrongLicenseServer,
    Expired,
    VersionNotHostable,
    /// <summary>A Convert Licenses answer whose packs, each signed, are not together the conversion asked for.</summary>
    ConversionMismatch,
}

public sealed class KeyPackRejectedException(KeyPackRejection reason, string message) : Exception(message)
{
    public KeyPackRejection Reason { get; } = reason;
}

/// <summary>
/// Accepts a key pack file only when the trusted clearinghouse signed it, for this license server,
/// with a CAL version this server can host, and it has not expired.
/// </summary>
public static class KeyPackVerifier
{
    public static KeyPackGrant Verify(string fileText, ClearinghouseCertificate clearinghouse, string productId,
        ProductVersion serverVersion, DateTimeOffset now)
    {
        KeyPackGrant grant;
        try
        {
            var document = SignedDocument.Parse(fileText, KeyPackGrant.Schema);
            document.VerifyWith(clearinghouse);
            grant = KeyPackGrant.FromFields(document.Fields);
        }
        catch (SignedDocumentException e)
        {
            var reason = e.Error switch
            {
                SignedDocumentError.UntrustedSigner => KeyPackRejection.UntrustedSigner,
                SignedDocumentError.BadSignature => KeyPackRejection.BadSignature,
                _ => KeyPackRejection.Malformed,
            };
            throw new KeyPackRejectedException(reason, $"The key pack file was rejected: {e.Message}.");
        }

        if (grant.LicenseServerProductId != productId)
            throw new KeyPackRejectedException(KeyPackRejection.WrongLicenseServer,
                $"The key pack was issued for license server {grant.LicenseServerProductId}, not for this server ({productId}). Ask the clearinghouse to issue it for {productId}.");
        if (grant.ExpiresAt is { } expires && expires <= now)
            throw new KeyPackRejectedException(KeyPackRejection.Expired, $"The key pack expired on {expires:yyyy-MM-dd}.");
        if (!VersionCompatibility.LicenseServerHosts(serverVersion, grant.Version))
            throw new KeyPackRejectedException(KeyPackRejection.VersionNotHostable,
                $"The license code is not recognized: {grant.Version.ToDisplayName()} CALs cannot be hosted on a {serverVersion.ToDisplayName()} license server (a license server hosts CALs of its own version or older).");
        return grant;
    }
}
