using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Signing;

namespace RdLicensing.Core.Activation;

/// <summary>
/// The clearinghouse's statement that a Product ID is activated as a License Server ID until a date
/// (the limited-use certificate of the original). Only a verified one makes the server "activated".
/// </summary>
public sealed record ActivationCertificate(
    string LicenseServerProductId,
    string LicenseServerId,
    string Company,
    DateTimeOffset IssuedAt,
    DateTimeOffset ExpiresAt)
{
    public static readonly SignedDocumentSchema Schema = new("rdlic-activation", 1,
        ["licenseServer", "licenseServerId", "company", "clearinghouse", "issuedAt", "expiresAt"]);

    public Dictionary<string, string> ToFields() => new(StringComparer.Ordinal)
    {
        ["licenseServer"] = LicenseServerProductId,
        ["licenseServerId"] = LicenseServerId,
        ["company"] = Company,
        ["issuedAt"] = KeyPackGrant.FormatTime(IssuedAt),
        ["expiresAt"] = KeyPackGrant.FormatTime(ExpiresAt),
    };

    public static ActivationCertificate Verify(string fileText, ClearinghouseCertificate clearinghouse, string productId, DateTimeOffset now)
    {
        var document = SignedDocument.Parse(fileText, Schema);
        document.VerifyWith(clearinghouse);
        var f = document.Fields;
        var certificate = new ActivationCertificate(f["licenseServer"], f["licenseServerId"], f["company"],
            KeyPackGrant.ParseTime(f["issuedAt"], "issuedAt"), KeyPackGrant.ParseTime(f["expiresAt"], "expiresAt"));
        if (certificate.LicenseServerProductId != productId)
            throw new SignedDocumentException(SignedDocumentError.WrongLicenseServer,
                $"the activation is for license server {certificate.LicenseServerProductId}, not for this server ({productId})");
        if (certificate.ExpiresAt <= now)
            throw new SignedDocumentException(SignedDocumentError.Expired, $"the activation expired on {certificate.ExpiresAt:yyyy-MM-dd}");
        return certificate;
    }
}
