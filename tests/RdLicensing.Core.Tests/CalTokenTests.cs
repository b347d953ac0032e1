using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Identity;
using RdLicensing.Core.Versions;
using static RdLicensing.Core.Tests.TestData;

namespace RdLicensing.Core.Tests;

public sealed class CalTokenTests : IDisposable
{
    private readonly LicenseServerIdentity _identity = LicenseServerIdentity.Create();
    private readonly CalTokenService _service;

    public CalTokenTests() => _service = new CalTokenService(_identity);

    public void Dispose() => _identity.Dispose();

    private CalTokenContent Content(bool temporary = false, string clientName = "PC-0001") =>
        new(4711, _identity.ProductId, CalType.PerDevice, ProductVersion.WindowsServer2022, temporary,
            "HW-0001-ABCD", clientName, T0.AddHours(3), T0.AddHours(3).AddDays(temporary ? 90 : 61));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void IssuedTokenVerifiesToTheSameContentIncludingTheTemporaryFlag(bool temporary)
    {
        var content = Content(temporary);

        var verified = _service.Verify(_service.Issue(content));

        Assert.Equal(content, verified);
        Assert.Equal(temporary, verified.IsTemporary);
    }

    [Fact]
    public void PerUserTokenWithNonAsciiClientNameRoundTrips()
    {
        var content = Content(clientName: "Bäckerei-PC ✓") with { Type = CalType.PerUser, Version = ProductVersion.WindowsServer2025 };

        Assert.Equal(content, _service.Verify(_service.Issue(content)));
    }

    [Fact]
    public void TokenIsAnX509CertificateExpiringWithTheCal()
    {
        var content = Content();

        using var certificate = X509CertificateLoader.LoadCertificate(_service.Issue(content));

        Assert.Equal(content.ExpiresAt.UtcDateTime, certificate.NotAfter.ToUniversalTime());
        Assert.Equal(content.IssuedAt.UtcDateTime, certificate.NotBefore.ToUniversalTime());
        Assert.NotNull(certificate.Extensions["1.3.6.1.4.1.311.18.5"]);
        Assert.Contains(_identity.ProductId, certificate.Issuer);
        Assert.Contains("CN=PC-0001", certificate.Subject);
    }

    [Theory]
    [InlineData(false, "flags=00000000")]
    [InlineData(true, "flags=80000000")]
    public void LicensedProductExtensionCarriesTheTemporaryLicenseFlag(bool temporary, string expectedLine)
    {
        using var certificate = X509CertificateLoader.LoadCertificate(_service.Issue(Content(temporary)));

        var extension = certificate.Extensions[CalTokenService.LicensedProductInfoOid]!;
        var payload = new AsnReader(extension.RawData, AsnEncodingRules.DER).ReadCharacterString(UniversalTagNumber.UTF8String);
        Assert.Contains(expectedLine + "\n", payload);
    }

    [Fact]
    public void FlippingAnyByteOfTheSignedPartOrSignatureIsNeverSilentlyAccepted()
    {
        var content = Content(temporary: true);
        var token = _service.Issue(content);
        var (algorithmStart, algorithmEnd) = SignatureAlgorithmRange(token);
        var checkedProtected = 0;

        for (var i = 0; i < token.Length; i += 7)
        {
            var tampered = (byte[])token.Clone();
            tampered[i] ^= 0xFF;
            var isProtected = i < algorithmStart || i >= algorithmEnd;

            CalTokenContent? result = null;
            var error = Record.Exception(() => result = _service.Verify(tampered));

            if (error is not null)
                Assert.IsType<CalTokenException>(error);
            else if (isProtected)
                Assert.Fail($"a token with byte {i} of {token.Length} flipped was accepted");
            else
                Assert.Equal(content, result);
            if (isProtected) checkedProtected++;
        }

        Assert.True(checkedProtected > 60, $"only {checkedProtected} positions were checked");
    }

    [Theory]
    [InlineData("flags=80000000", "flags=00000000")]
    [InlineData("productVersion=2022", "productVersion=2025")]
    [InlineData("calType=per-device", "calType=per-user__")]
    [InlineData("calId=4711", "calId=4712")]
    public void EditingTheCalPayloadInsideTheTokenIsRejected(string original, string edited)
    {
        var token = _service.Issue(Content(temporary: true));
        var tampered = ReplaceBytes(token, original, edited);

        Assert.Throws<CalTokenException>(() => _service.Verify(tampered));
    }

    [Fact]
    public void TokenIssuedByAnotherLicenseServerIsRejected()
    {
        using var other = LicenseServerIdentity.Create();
        var foreign = new CalTokenService(other).Issue(Content() with { LicenseServerProductId = other.ProductId });

        Assert.Throws<CalTokenException>(() => _service.Verify(foreign));
    }

    [Fact]
    public void TokenClaimingThisServersProductIdButSignedByAnotherIsRejected()
    {
        using var other = LicenseServerIdentity.Create();
        var forged = new CalTokenService(other).Issue(Content());

        Assert.Throws<CalTokenException>(() => _service.Verify(forged));
    }

    [Fact]
    public void EmptyTokenIsRejected() =>
        Assert.Throws<CalTokenException>(() => _service.Verify(ReadOnlySpan<byte>.Empty));

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(64)]
    [InlineData(600)]
    [InlineData(8192)]
    [InlineData(9000)]
    public void RandomBytesAreRejectedWithCalTokenException(int length)
    {
        var random = new Random(length);
        for (var attempt = 0; attempt < 50; attempt++)
        {
            var bytes = new byte[length];
            random.NextBytes(bytes);
            if (attempt % 2 == 0) bytes[0] = 0x30; // looks like the start of a DER SEQUENCE

            var error = Record.Exception(() => _service.Verify(bytes));

            Assert.IsType<CalTokenException>(error);
        }
    }

    [Fact]
    public void ValidTokenPaddedBeyond8KiBIsRejected()
    {
        var token = _service.Issue(Content());
        var padded = token.Concat(new byte[9000 - token.Length]).ToArray();

        Assert.Throws<CalTokenException>(() => _service.Verify(padded));
    }

    [Fact]
    public void OrdinaryCertificateWithoutTheCalExtensionIsRejected()
    {
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest(
            "CN=not a cal", _identity.Key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(T0, T0.AddDays(30));

        Assert.Throws<CalTokenException>(() => _service.Verify(certificate.RawData));
    }

    /// <summary>Where the (unsigned) signatureAlgorithm identifier sits: after tbsCertificate, before the signature value.</summary>
    [Fact]
    public void A_token_with_bytes_appended_is_rejected()
    {
        var token = _service.Issue(Content());
        Assert.Throws<CalTokenException>(() => _service.Verify([.. token, 0x00]));
    }

    private static (int Start, int End) SignatureAlgorithmRange(byte[] token)
    {
        AsnDecoder.ReadEncodedValue(token, AsnEncodingRules.DER, out var contentOffset, out _, out _);
        AsnDecoder.ReadEncodedValue(token.AsSpan(contentOffset), AsnEncodingRules.DER, out _, out _, out var tbsLength);
        var start = contentOffset + tbsLength;
        AsnDecoder.ReadEncodedValue(token.AsSpan(start), AsnEncodingRules.DER, out _, out _, out var algorithmLength);
        return (start, start + algorithmLength);
    }

    private static byte[] ReplaceBytes(byte[] token, string original, string edited)
    {
        var from = Encoding.UTF8.GetBytes(original);
        var to = Encoding.UTF8.GetBytes(edited);
        Assert.Equal(from.Length, to.Length);
        var index = token.AsSpan().IndexOf(from);
        Assert.True(index >= 0, $"'{original}' not found in the token");
        var copy = (byte[])token.Clone();
        to.CopyTo(copy, index);
        return copy;
    }
}
