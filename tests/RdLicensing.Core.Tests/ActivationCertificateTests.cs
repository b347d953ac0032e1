using System.Text.Json.Nodes;
using RdLicensing.Core.Activation;
using RdLicensing.Core.Signing;
using static RdLicensing.Core.Tests.TestData;

namespace RdLicensing.Core.Tests;

public sealed class ActivationCertificateTests : IDisposable
{
    private static readonly DateTimeOffset Expires = T0.AddDays(365);

    private readonly KeyAuthority _authority = KeyAuthority.Create("Test Clearinghouse", T0);

    public void Dispose() => _authority.Dispose();

    private static ActivationCertificate Certificate(string productId = ServerProductId) =>
        new(productId, "LSID-0001", "Contoso Ltd", T0, Expires);

    private string Sign(ActivationCertificate certificate) =>
        _authority.SignDocument(ActivationCertificate.Schema, certificate.ToFields()).ToJson();

    private SignedDocumentException Rejected(string json, DateTimeOffset now) =>
        Assert.Throws<SignedDocumentException>(() => ActivationCertificate.Verify(json, _authority.Certificate, ServerProductId, now));

    [Fact]
    public void SignedActivationVerifiesToTheSameCertificate()
    {
        var certificate = Certificate();

        Assert.Equal(certificate, ActivationCertificate.Verify(Sign(certificate), _authority.Certificate, ServerProductId, T0.AddDays(1)));
    }

    [Fact]
    public void ActivationForAnotherLicenseServerIsRejectedNamingBothProductIds()
    {
        var error = Rejected(Sign(Certificate(OtherProductId)), T0.AddDays(1));

        Assert.Equal(SignedDocumentError.WrongLicenseServer, error.Error);
        Assert.Contains(OtherProductId, error.Message);
        Assert.Contains(ServerProductId, error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(86400)]
    public void ActivationAtOrPastItsExpiryIsRejectedAsExpired(int secondsPastExpiry)
    {
        var error = Rejected(Sign(Certificate()), Expires.AddSeconds(secondsPastExpiry));

        Assert.Equal(SignedDocumentError.Expired, error.Error);
        Assert.Contains("2027-01-01", error.Message);
    }

    [Fact]
    public void ActivationOneSecondBeforeItsExpiryIsAccepted() =>
        Assert.Equal(Certificate(), ActivationCertificate.Verify(Sign(Certificate()), _authority.Certificate, ServerProductId, Expires.AddSeconds(-1)));

    [Fact]
    public void ActivationWithAnEditedExpiryIsRejectedAsBadSignature()
    {
        var json = Sign(Certificate()).Replace("2027-01-01T00:00:00Z", "2099-01-01T00:00:00Z");

        Assert.Equal(SignedDocumentError.BadSignature, Rejected(json, T0.AddDays(1)).Error);
    }

    [Fact]
    public void ActivationWithAnEditedCompanyIsRejectedAsBadSignature()
    {
        var root = JsonNode.Parse(Sign(Certificate()))!.AsObject();
        root["fields"]!["company"] = "Fabrikam Ltd";

        Assert.Equal(SignedDocumentError.BadSignature, Rejected(root.ToJsonString(), T0.AddDays(1)).Error);
    }

    [Fact]
    public void ActivationSignedByAnotherClearinghouseIsRejectedAsUntrustedSigner()
    {
        using var other = KeyAuthority.Create("Other Clearinghouse", T0);
        var json = other.SignDocument(ActivationCertificate.Schema, Certificate().ToFields()).ToJson();

        Assert.Equal(SignedDocumentError.UntrustedSigner, Rejected(json, T0.AddDays(1)).Error);
    }

    [Fact]
    public void KeyPackFileGivenAsActivationIsRejectedAsWrongFormat()
    {
        var json = Sign(Certificate()).Replace("\"rdlic-activation\"", "\"rdlic-keypack\"");

        Assert.Equal(SignedDocumentError.WrongFormat, Rejected(json, T0.AddDays(1)).Error);
    }

    [Fact]
    public void ActivationWithADuplicatedPropertyIsRejectedAsMalformed()
    {
        var json = Sign(Certificate()).Replace("\"company\": \"Contoso Ltd\",", "\"company\": \"Contoso Ltd\", \"company\": \"Contoso Ltd\",");

        Assert.Equal(SignedDocumentError.Malformed, Rejected(json, T0.AddDays(1)).Error);
    }
}
