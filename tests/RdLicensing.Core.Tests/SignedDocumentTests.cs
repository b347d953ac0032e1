using System.Text;
using System.Text.Json.Nodes;
using RdLicensing.Core.Signing;
using static RdLicensing.Core.Tests.TestData;

namespace RdLicensing.Core.Tests;

public sealed class SignedDocumentTests : IDisposable
{
    private static readonly SignedDocumentSchema Schema = new("rdlic-test", 3, ["first", "second", "clearinghouse"]);

    private readonly KeyAuthority _authority = KeyAuthority.Create("Test Clearinghouse", T0);

    public void Dispose() => _authority.Dispose();

    private static Dictionary<string, string> Fields(string first = "one", string second = "two") =>
        new(StringComparer.Ordinal) { ["first"] = first, ["second"] = second };

    [Fact]
    public void SignDocumentNamesTheSigningClearinghouseByThumbprint()
    {
        var document = _authority.SignDocument(Schema, Fields());

        Assert.Equal(_authority.Certificate.Thumbprint, document.Fields["clearinghouse"]);
        Assert.Matches("^[0-9a-f]{64}$", _authority.Certificate.Thumbprint);
    }

    [Fact]
    public void JsonRoundTripKeepsFieldsAndSignatureAndStillVerifies()
    {
        var document = _authority.SignDocument(Schema, Fields());

        var parsed = SignedDocument.Parse(document.ToJson(), Schema);

        Assert.Equal(document.Fields, parsed.Fields);
        Assert.Equal(document.Signature, parsed.Signature);
        parsed.VerifyWith(_authority.Certificate);
    }

    [Theory]
    [InlineData("Bäckerei Müller – 25 CALs")]
    [InlineData("quotes \" and \\ backslash")]
    [InlineData("<script>&amp;</script> + 'x'")]
    [InlineData("")]
    public void ValuesWithCharactersJsonEscapesStillVerifyAfterTheRoundTrip(string value)
    {
        var json = _authority.SignDocument(Schema, Fields(second: value)).ToJson();

        var parsed = SignedDocument.Parse(json, Schema);

        Assert.Equal(value, parsed.Fields["second"]);
        parsed.VerifyWith(_authority.Certificate);
    }

    [Fact]
    public void CanonicalPayloadIsTheHeaderThenOneLinePerFieldInSchemaOrder()
    {
        var fields = new Dictionary<string, string> { ["clearinghouse"] = "abc", ["second"] = "2=two", ["first"] = "1" };

        var text = Encoding.UTF8.GetString(CanonicalPayload.Build(Schema, fields));

        Assert.Equal("rdlic-test/3\nfirst=1\nsecond=2=two\nclearinghouse=abc\n", text);
    }

    [Fact]
    public void CanonicalPayloadReaderReadsBackWhatWasBuilt()
    {
        var fields = new Dictionary<string, string> { ["first"] = "a=b", ["second"] = "", ["clearinghouse"] = "x" };

        var read = CanonicalPayloadReader.Read(Schema, Encoding.UTF8.GetString(CanonicalPayload.Build(Schema, fields)));

        Assert.Equal(fields, read);
    }

    [Theory]
    [InlineData("rdlic-test/4\nfirst=1\nsecond=2\nclearinghouse=3\n")]
    [InlineData("rdlic-other/3\nfirst=1\nsecond=2\nclearinghouse=3\n")]
    [InlineData("rdlic-test/3\nfirst=1\nsecond=2\nclearinghouse=3")]
    [InlineData("rdlic-test/3\nfirst=1\nsecond=2\nclearinghouse=3\nextra=4\n")]
    public void CanonicalPayloadReaderRejectsAnotherFormatOrLineCount(string text)
    {
        var error = Assert.Throws<SignedDocumentException>(() => CanonicalPayloadReader.Read(Schema, text));
        Assert.Equal(SignedDocumentError.WrongFormat, error.Error);
    }

    [Fact]
    public void CanonicalPayloadReaderRejectsFieldsInAnotherOrder()
    {
        var error = Assert.Throws<SignedDocumentException>(() =>
            CanonicalPayloadReader.Read(Schema, "rdlic-test/3\nsecond=2\nfirst=1\nclearinghouse=3\n"));
        Assert.Equal(SignedDocumentError.Malformed, error.Error);
    }

    [Theory]
    [InlineData("line\nbreak")]
    [InlineData("carriage\rreturn")]
    public void FieldWithALineBreakCannotBeSigned(string value)
    {
        var error = Assert.Throws<SignedDocumentException>(() => _authority.SignDocument(Schema, Fields(second: value)));
        Assert.Equal(SignedDocumentError.Malformed, error.Error);
    }

    [Fact]
    public void DocumentWithALineBreakSmuggledIntoAFieldFailsVerificationAsMalformed()
    {
        var root = JsonNode.Parse(_authority.SignDocument(Schema, Fields()).ToJson())!.AsObject();
        root["fields"]!["first"] = "one\nsecond=two";
        var parsed = SignedDocument.Parse(root.ToJsonString(), Schema);

        var error = Assert.Throws<SignedDocumentException>(() => parsed.VerifyWith(_authority.Certificate));
        Assert.Equal(SignedDocumentError.Malformed, error.Error);
    }

    [Fact]
    public void FieldMissingWhenSigningIsRejected()
    {
        var error = Assert.Throws<SignedDocumentException>(() =>
            _authority.SignDocument(Schema, new Dictionary<string, string> { ["first"] = "1" }));
        Assert.Equal(SignedDocumentError.Malformed, error.Error);
    }

    [Fact]
    public void FileLargerThan64KiBIsRejectedAsMalformedBeforeParsing()
    {
        var json = _authority.SignDocument(Schema, Fields(second: new string('x', SignedDocument.MaxFileBytes))).ToJson();

        var error = Assert.Throws<SignedDocumentException>(() => SignedDocument.Parse(json, Schema));
        Assert.Equal(SignedDocumentError.Malformed, error.Error);
    }

    [Fact]
    public void ClearinghouseCertificateSurvivesAPemRoundTrip()
    {
        var json = _authority.SignDocument(Schema, Fields()).ToJson();
        var fromPem = ClearinghouseCertificate.FromPem(_authority.Certificate.ToPem());

        Assert.Equal(_authority.Certificate.Thumbprint, fromPem.Thumbprint);
        SignedDocument.Parse(json, Schema).VerifyWith(fromPem);
    }

    [Fact]
    public void KeyAuthorityReloadedFromPemSignsDocumentsTheOriginalCertificateTrusts()
    {
        using var reloaded = KeyAuthority.FromPem(_authority.Certificate.ToPem(), _authority.PrivateKeyPem());
        var json = reloaded.SignDocument(Schema, Fields()).ToJson();

        SignedDocument.Parse(json, Schema).VerifyWith(_authority.Certificate);
    }

    [Fact]
    public void NotAPemCertificateIsAFormatException() =>
        Assert.Throws<FormatException>(() => ClearinghouseCertificate.FromPem("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"));
}
