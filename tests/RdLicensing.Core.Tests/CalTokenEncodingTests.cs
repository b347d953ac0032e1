using System.Formats.Asn1;
using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Identity;
using RdLicensing.Core.Signing;
using RdLicensing.Core.Versions;
using static RdLicensing.Core.Tests.TestData;

namespace RdLicensing.Core.Tests;

/// <summary>
/// <see cref="CalTokenService.Issue"/> writes the certificate's DER itself. These tests hold it to the certificate the
/// earlier implementation built with <see cref="CertificateRequest"/> (kept below as the reference): the signed part
/// (TBSCertificate) byte for byte and the outer algorithm identifier. ECDSA signatures are randomised, so the signatures
/// themselves are checked by verifying them.
/// </summary>
public sealed class CalTokenEncodingTests : IDisposable
{
    private static readonly DateTimeOffset Issued = T0.AddHours(3);

    private static readonly Dictionary<string, Func<string, CalTokenContent>> Cases = new()
    {
        ["temporary, id 1"] = p => Cal(p, 1, temporary: true, Issued, Issued.AddDays(90)),
        ["permanent, id 127"] = p => Cal(p, 127, temporary: false, Issued, Issued.AddDays(61)),
        ["id 128 (high bit: leading zero)"] = p => Cal(p, 128, temporary: false, Issued, Issued.AddDays(61)),
        ["id 255"] = p => Cal(p, 255, temporary: false, Issued, Issued.AddDays(61)),
        ["id 256"] = p => Cal(p, 256, temporary: true, Issued, Issued.AddDays(90)),
        ["id 32768"] = p => Cal(p, 32768, temporary: false, Issued, Issued.AddDays(61)),
        ["id long.MaxValue"] = p => Cal(p, long.MaxValue, temporary: false, Issued, Issued.AddDays(61)),
        ["id 0"] = p => Cal(p, 0, temporary: false, Issued, Issued.AddDays(61)),
        ["expiry before issue"] = p => Cal(p, 42, temporary: true, Issued, Issued.AddDays(-1)),
        ["expiry equal to issue"] = p => Cal(p, 42, temporary: true, Issued, Issued),
        ["expiry a second after issue"] = p => Cal(p, 42, temporary: true, Issued, Issued.AddSeconds(1)),
        ["expiry in 2050 (GeneralizedTime)"] = p => Cal(p, 9000, temporary: false, Issued, new DateTimeOffset(2050, 1, 1, 0, 0, 0, TimeSpan.Zero)),
        ["issued and expiring after 2050"] = p => Cal(p, 9001, temporary: false,
            new DateTimeOffset(2061, 7, 4, 12, 30, 15, 500, TimeSpan.Zero), new DateTimeOffset(2099, 12, 31, 23, 59, 59, 999, TimeSpan.FromHours(2))),
        ["last second of 2049 (UTCTime)"] = p => Cal(p, 9002, temporary: false, Issued,
            new DateTimeOffset(2049, 12, 31, 23, 59, 59, TimeSpan.Zero).AddMilliseconds(999)),
        ["2050 local, 2049 in UTC"] = p => Cal(p, 9003, temporary: false, Issued, new DateTimeOffset(2050, 1, 1, 0, 30, 0, TimeSpan.FromHours(1))),
        ["issued before 1950 (GeneralizedTime)"] = p => Cal(p, 9004, temporary: false,
            new DateTimeOffset(1949, 12, 31, 23, 59, 59, TimeSpan.Zero), new DateTimeOffset(1950, 1, 1, 0, 0, 0, TimeSpan.Zero)),
        ["fractional seconds and a non-UTC offset"] = p => Cal(p, 77, temporary: true,
            new DateTimeOffset(2026, 3, 29, 1, 59, 58, 731, TimeSpan.FromHours(-7)).AddTicks(4321),
            new DateTimeOffset(2026, 6, 27, 3, 0, 0, 250, TimeSpan.FromHours(5.5))),
        ["non-ASCII client name, per user"] = p => Cal(p, 300, temporary: false, Issued, Issued.AddDays(61),
            clientName: "Bäckerei-PC ✓ 東京 🖥", type: CalType.PerUser, version: ProductVersion.WindowsServer2025),
        ["empty client name (CN is the hardware id)"] = p => Cal(p, 301, temporary: true, Issued, Issued.AddDays(90), clientName: ""),
        ["long client name"] = p => Cal(p, 302, temporary: false, Issued, Issued.AddDays(61), clientName: new string('W', 200),
            version: ProductVersion.WindowsServer2008R2),
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    private readonly LicenseServerIdentity _identity = LicenseServerIdentity.Create();
    private readonly CalTokenService _service;

    public CalTokenEncodingTests() => _service = new CalTokenService(_identity);

    public void Dispose() => _identity.Dispose();

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void SignedPartAndAlgorithmAreByteForByteThoseOfTheCertificateRequestImplementation(string name)
    {
        var content = Cases[name](_identity.ProductId);

        var token = _service.Issue(content);
        var reference = ReferenceIssue(_identity, content);

        var (tbs, algorithm, signature) = Split(token);
        var (referenceTbs, referenceAlgorithm, _) = Split(reference);
        Assert.Equal(Convert.ToHexString(referenceTbs), Convert.ToHexString(tbs));
        Assert.Equal(Convert.ToHexString(referenceAlgorithm), Convert.ToHexString(algorithm));
        Assert.True(_identity.Key.VerifyData(tbs, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void TokenVerifiesWithTheServerAndWithAHostsVerifierToWhatItBinds(string name)
    {
        var content = Cases[name](_identity.ProductId);
        var token = _service.Issue(content);
        // The payload keeps whole seconds (it always did).
        var expected = content with { IssuedAt = WholeSeconds(content.IssuedAt), ExpiresAt = WholeSeconds(content.ExpiresAt) };

        Assert.Equal(expected, _service.Verify(token));
        using var hostVerifier = CalTokenVerifier.FromSubjectPublicKeyInfo(_identity.PublicKey);
        Assert.Equal(expected, hostVerifier.Verify(token));
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void X509LoaderReadsTheSameCertificateAsFromTheReference(string name)
    {
        var content = Cases[name](_identity.ProductId);

        using var certificate = X509CertificateLoader.LoadCertificate(_service.Issue(content));
        using var reference = X509CertificateLoader.LoadCertificate(ReferenceIssue(_identity, content));

        Assert.Equal(3, certificate.Version);
        Assert.Equal(reference.Subject, certificate.Subject);
        Assert.Contains("CN=" + (content.ClientName.Length == 0 ? content.HardwareId : content.ClientName), certificate.Subject);
        Assert.Equal(reference.Issuer, certificate.Issuer);
        Assert.Contains(_identity.ProductId, certificate.Issuer);
        Assert.Equal(reference.SerialNumber, certificate.SerialNumber);
        Assert.Equal(BigInteger.Abs(content.CalId), new BigInteger(certificate.SerialNumberBytes.Span, isUnsigned: true, isBigEndian: true));
        Assert.Equal(reference.NotBefore, certificate.NotBefore);
        Assert.Equal(reference.NotAfter, certificate.NotAfter);
        Assert.Equal(WholeSeconds(content.IssuedAt).UtcDateTime, certificate.NotBefore.ToUniversalTime());
        var notAfter = content.ExpiresAt > content.IssuedAt ? content.ExpiresAt : content.IssuedAt.AddSeconds(1);
        Assert.Equal(WholeSeconds(notAfter).UtcDateTime, certificate.NotAfter.ToUniversalTime());
        Assert.Equal("1.2.840.10045.4.3.2", certificate.SignatureAlgorithm.Value);
        var extension = Assert.Single(certificate.Extensions);
        Assert.Equal(CalTokenService.LicensedProductInfoOid, extension.Oid!.Value);
        Assert.False(extension.Critical);
        Assert.Equal(reference.Extensions[CalTokenService.LicensedProductInfoOid]!.RawData, extension.RawData);
        Assert.Equal(_identity.PublicKey, certificate.PublicKey.ExportSubjectPublicKeyInfo());
    }

    [Fact]
    public void OneServiceSignsManyTokensEachWithItsOwnContentAndAnotherServersKeyRefusesThem()
    {
        using var other = LicenseServerIdentity.Create();
        var otherService = new CalTokenService(other);
        foreach (var make in Cases.Values)
        {
            var content = make(_identity.ProductId);
            var token = _service.Issue(content);

            Assert.Equal(content.CalId, _service.Verify(token).CalId);
            Assert.Throws<CalTokenException>(() => otherService.Verify(token));
            // Positive control: the other server verifies what it signs itself.
            Assert.Equal(content.CalId, otherService.Verify(otherService.Issue(content)).CalId);
        }
    }

    private static CalTokenContent Cal(string productId, long id, bool temporary, DateTimeOffset issuedAt, DateTimeOffset expiresAt,
        string clientName = "PC-0001", CalType type = CalType.PerDevice, ProductVersion version = ProductVersion.WindowsServer2022) =>
        new(id, productId, type, version, temporary, "HW-0001-ABCD", clientName, issuedAt, expiresAt);

    private static DateTimeOffset WholeSeconds(DateTimeOffset time) => new(time.UtcTicks - time.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero);

    private static (byte[] Tbs, byte[] Algorithm, byte[] Signature) Split(byte[] token)
    {
        var outer = new AsnReader(token, AsnEncodingRules.DER);
        var certificate = outer.ReadSequence();
        outer.ThrowIfNotEmpty();
        var tbs = certificate.ReadEncodedValue().ToArray();
        var algorithm = certificate.ReadEncodedValue().ToArray();
        var signature = certificate.ReadBitString(out var unusedBits);
        certificate.ThrowIfNotEmpty();
        Assert.Equal(0, unusedBits);
        return (tbs, algorithm, signature);
    }

    /// <summary>The implementation of <see cref="CalTokenService.Issue"/> before it wrote the DER itself (reference only).</summary>
    private static byte[] ReferenceIssue(LicenseServerIdentity identity, CalTokenContent cal)
    {
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(string.IsNullOrEmpty(cal.ClientName) ? cal.HardwareId : cal.ClientName);
        var issuer = new X500DistinguishedNameBuilder();
        issuer.AddOrganizationName("RdLicensing");
        issuer.AddCommonName("License Server " + identity.ProductId);

        var request = new CertificateRequest(subject.Build(), identity.Key, HashAlgorithmName.SHA256);
        var payload = CanonicalPayload.Build(ReferenceSchema, ReferenceFields(cal));
        var value = new AsnWriter(AsnEncodingRules.DER);
        value.WriteCharacterString(UniversalTagNumber.UTF8String, Encoding.UTF8.GetString(payload));
        request.CertificateExtensions.Add(new X509Extension(CalTokenService.LicensedProductInfoOid, value.Encode(), critical: false));

        var serial = BigInteger.Abs(new BigInteger(cal.CalId)).ToByteArray(isUnsigned: true, isBigEndian: true);
        var notAfter = cal.ExpiresAt > cal.IssuedAt ? cal.ExpiresAt : cal.IssuedAt.AddSeconds(1);
        using var certificate = request.Create(issuer.Build(), X509SignatureGenerator.CreateForECDsa(identity.Key),
            cal.IssuedAt, notAfter, serial.Length == 0 ? [0] : serial);
        return certificate.RawData;
    }

    private static readonly SignedDocumentSchema ReferenceSchema = new("rdlic-cal", 1,
        ["calId", "licenseServer", "calType", "productVersion", "flags", "hardwareId", "clientName", "issuedAt", "expiresAt"]);

    private static Dictionary<string, string> ReferenceFields(CalTokenContent cal) => new(StringComparer.Ordinal)
    {
        ["calId"] = cal.CalId.ToString(CultureInfo.InvariantCulture),
        ["licenseServer"] = cal.LicenseServerProductId,
        ["calType"] = cal.Type.ToShortName(),
        ["productVersion"] = cal.Version.ToShortName(),
        ["flags"] = (cal.IsTemporary ? CalTokenService.TemporaryLicenseFlag : 0u).ToString("X8", CultureInfo.InvariantCulture),
        ["hardwareId"] = cal.HardwareId,
        ["clientName"] = cal.ClientName,
        ["issuedAt"] = ReferenceTime(cal.IssuedAt),
        ["expiresAt"] = ReferenceTime(cal.ExpiresAt),
    };

    private static string ReferenceTime(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
