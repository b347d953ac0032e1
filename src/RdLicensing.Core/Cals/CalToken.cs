using System.Formats.Asn1;
using System.Globalization;
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

    /// <summary>ecdsa-with-SHA256, the signature algorithm of CAL tokens and revocation lists (and the only one their readers accept).</summary>
    internal const string EcdsaWithSha256Oid = "1.2.840.10045.4.3.2";

    internal static readonly SignedDocumentSchema Schema = new("rdlic-cal", 1,
        ["calId", "licenseServer", "calType", "productVersion", "flags", "hardwareId", "clientName", "issuedAt", "expiresAt"]);

    /// <summary>AlgorithmIdentifier ecdsa-with-SHA256 (1.2.840.10045.4.3.2), without parameters (RFC 5758 3.2).</summary>
    private static readonly byte[] SignatureAlgorithm = EncodeSignatureAlgorithm();

    private static readonly Asn1Tag VersionTag = new(TagClass.ContextSpecific, 0, isConstructed: true);
    private static readonly Asn1Tag ExtensionsTag = new(TagClass.ContextSpecific, 3, isConstructed: true);

    // What every CAL of this server shares, encoded once: the issuer Name (the one its revocation lists carry) and the
    // server's SubjectPublicKeyInfo.
    private readonly byte[] _issuerName = RevocationList.IssuerName(identity.ProductId).RawData;
    private readonly byte[] _subjectPublicKeyInfo = identity.Key.ExportSubjectPublicKeyInfo();
    private byte[]? _keyTag;

    /// <summary>
    /// The digest this server records of a token it signed (<see cref="CalTokenDigest"/>): keyed by this key, so no token of
    /// another key — a retired one, another server's — ever has the digest of one of this key's.
    /// </summary>
    public CalTokenDigest Digest(ReadOnlySpan<byte> token) => CalTokenDigest.Of(_keyTag ??= SHA256.HashData(_subjectPublicKeyInfo), token);

    /// <summary>
    /// Writes the certificate's DER (RFC 5280) and signs its TBSCertificate with the server's key. The bytes are those
    /// <see cref="CertificateRequest"/> produced before (tests compare them field for field), without loading the result
    /// into an <see cref="X509Certificate2"/>: that decode by OpenSSL was most of an issuance's cost.
    /// </summary>
    public byte[] Issue(CalTokenContent cal)
    {
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(string.IsNullOrEmpty(cal.ClientName) ? cal.HardwareId : cal.ClientName);
        var payload = CanonicalPayload.Build(Schema, ToFields(cal));
        var notAfter = cal.ExpiresAt > cal.IssuedAt ? cal.ExpiresAt : cal.IssuedAt.AddSeconds(1);

        var tbs = new AsnWriter(AsnEncodingRules.DER, initialCapacity: 1024);
        using (tbs.PushSequence())
        {
            using (tbs.PushSequence(VersionTag)) tbs.WriteInteger(2); // v3
            tbs.WriteInteger(SerialNumber(cal.CalId));
            tbs.WriteEncodedValue(SignatureAlgorithm);
            tbs.WriteEncodedValue(_issuerName);
            using (tbs.PushSequence())
            {
                WriteTime(tbs, cal.IssuedAt);
                WriteTime(tbs, notAfter);
            }
            tbs.WriteEncodedValue(subject.Build().RawData);
            tbs.WriteEncodedValue(_subjectPublicKeyInfo);
            using (tbs.PushSequence(ExtensionsTag))
            using (tbs.PushSequence())
            using (tbs.PushSequence())
            {
                tbs.WriteObjectIdentifier(LicensedProductInfoOid); // critical FALSE: the DEFAULT, so not written
                using (tbs.PushOctetString()) tbs.WriteCharacterString(UniversalTagNumber.UTF8String, Encoding.UTF8.GetString(payload));
            }
        }
        var signed = tbs.Encode();
        var signature = identity.Key.SignData(signed, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

        var certificate = new AsnWriter(AsnEncodingRules.DER, initialCapacity: signed.Length + SignatureAlgorithm.Length + signature.Length + 16);
        using (certificate.PushSequence())
        {
            certificate.WriteEncodedValue(signed);
            certificate.WriteEncodedValue(SignatureAlgorithm);
            certificate.WriteBitString(signature);
        }
        return certificate.Encode();
    }

    /// <summary>The CAL id as a positive serial number (its absolute value, minimally encoded: 0x00 first when the high bit is set).</summary>
    private static ulong SerialNumber(long calId) => calId < 0 ? unchecked(0UL - (ulong)calId) : (ulong)calId;

    /// <summary>RFC 5280 4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050 (and before 1950), whole seconds, UTC.</summary>
    private static void WriteTime(AsnWriter writer, DateTimeOffset time)
    {
        var year = time.UtcDateTime.Year;
        if (year is >= 1950 and < 2050) writer.WriteUtcTime(time, twoDigitYearMax: 2049);
        else writer.WriteGeneralizedTime(time, omitFractionalSeconds: true);
    }

    private static byte[] EncodeSignatureAlgorithm()
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence()) writer.WriteObjectIdentifier(EcdsaWithSha256Oid);
        return writer.Encode();
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
