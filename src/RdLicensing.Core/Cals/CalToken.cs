using System.Formats.Asn1;
using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using RdLicensing.Core.Identity;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Signing;
using RdLicensing.Core.Versions;

namespace RdLicensing.Core.Cals;

/// <summary>What a CAL token binds: any change to one of these invalidates the token's signature.</summary>
public sealed record CalTokenContent(
    long CalId,
    string LicenseServerProductId,
    CalType Type,
    ProductVersion Version,
    bool IsTemporary,
    string HardwareId,
    string ClientName,
    DateTimeOffset IssuedAt,
    DateTimeOffset ExpiresAt);

public sealed class CalTokenException(string message) : Exception(message);

/// <summary>
/// The CAL a device keeps: an X.509 certificate issued and signed by the license server (MS-RDPELE
/// 2.2.2.6.1 describes the client license as such a certificate). The licensed-product extension
/// (OID 1.3.6.1.4.1.311.18.5) carries our canonical CAL payload, including the TEMPORARY_LICENSE flag.
/// </summary>
public sealed class CalTokenService(LicenseServerIdentity identity)
{
    public const string LicensedProductInfoOid = "1.3.6.1.4.1.311.18.5";
    public const uint TemporaryLicenseFlag = 0x8000_0000;
    public const int MaxTokenBytes = 8 * 1024;

    internal static readonly SignedDocumentSchema Schema = new("rdlic-cal", 1,
        ["calId", "licenseServer", "calType", "productVersion", "flags", "hardwareId", "clientName", "issuedAt", "expiresAt"]);

    public byte[] Issue(CalTokenContent cal)
    {
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(string.IsNullOrEmpty(cal.ClientName) ? cal.HardwareId : cal.ClientName);
        var issuer = new X500DistinguishedNameBuilder();
        issuer.AddOrganizationName("RdLicensing");
        issuer.AddCommonName("License Server " + identity.ProductId);

        var request = new CertificateRequest(subject.Build(), identity.Key, HashAlgorithmName.SHA256);
        var payload = CanonicalPayload.Build(Schema, ToFields(cal));
        var value = new AsnWriter(AsnEncodingRules.DER);
        value.WriteCharacterString(UniversalTagNumber.UTF8String, Encoding.UTF8.GetString(payload));
        request.CertificateExtensions.Add(new X509Extension(LicensedProductInfoOid, value.Encode(), critical: false));

        var serial = BigInteger.Abs(new BigInteger(cal.CalId)).ToByteArray(isUnsigned: true, isBigEndian: true);
        var notAfter = cal.ExpiresAt > cal.IssuedAt ? cal.ExpiresAt : cal.IssuedAt.AddSeconds(1);
        using var certificate = request.Create(issuer.Build(), X509SignatureGenerator.CreateForECDsa(identity.Key),
            cal.IssuedAt, notAfter, serial.Length == 0 ? [0] : serial);
        return certificate.RawData;
    }

    /// <summary>Verifies the token was signed by this license server and returns what it binds.</summary>
    public CalTokenContent Verify(ReadOnlySpan<byte> token) => CalTokenVerifier.Verify(identity.Key, token);

    private static Dictionary<string, string> ToFields(CalTokenContent cal) => new(StringComparer.Ordinal)
    {
        ["calId"] = cal.CalId.ToString(CultureInfo.InvariantCulture),
        ["licenseServer"] = cal.LicenseServerProductId,
        ["calType"] = cal.Type.ToShortName(),
        ["productVersion"] = cal.Version.ToShortName(),
        ["flags"] = (cal.IsTemporary ? TemporaryLicenseFlag : 0u).ToString("X8", CultureInfo.InvariantCulture),
        ["hardwareId"] = cal.HardwareId,
        ["clientName"] = cal.ClientName,
        ["issuedAt"] = KeyPackGrant.FormatTime(cal.IssuedAt),
        ["expiresAt"] = KeyPackGrant.FormatTime(cal.ExpiresAt),
    };

    internal static CalTokenContent FromFields(Dictionary<string, string> f)
    {
        if (!long.TryParse(f["calId"], NumberStyles.None, CultureInfo.InvariantCulture, out var id)) throw new FormatException("calId");
        if (!CalTypes.TryParse(f["calType"], out var type)) throw new FormatException("calType");
        if (!ProductVersions.TryParse(f["productVersion"], out var version)) throw new FormatException("productVersion");
        if (!uint.TryParse(f["flags"], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var flags)) throw new FormatException("flags");
        return new CalTokenContent(id, f["licenseServer"], type, version, (flags & TemporaryLicenseFlag) != 0, f["hardwareId"],
            f["clientName"], KeyPackGrant.ParseTime(f["issuedAt"], "issuedAt"), KeyPackGrant.ParseTime(f["expiresAt"], "expiresAt"));
    }
}
