using System.Text.Json;
using System.Text.Json.Nodes;
using RdLicensing.Core.Cals;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Signing;
using RdLicensing.Core.Versions;
using static RdLicensing.Core.Tests.TestData;

namespace RdLicensing.Core.Tests;

public sealed class KeyPackVerifierTests : IDisposable
{
    private static readonly DateTimeOffset Now = T0.AddDays(1);

    private readonly KeyAuthority _authority = KeyAuthority.Create("Test Clearinghouse", T0);

    public void Dispose() => _authority.Dispose();

    private static KeyPackGrant Grant(
        ProductVersion version = ProductVersion.WindowsServer2022,
        int quantity = 25,
        DateTimeOffset? expiresAt = null,
        string productId = ServerProductId) =>
        new(Guid.Parse("0b3c8a51-4c0e-4a35-9b7a-3f1d1a2b9c77"), LicenseProgram.Select, "SEL-4711", version, CalType.PerDevice,
            quantity, expiresAt ?? T0.AddDays(365), "25 RDS Per Device CALs", productId, T0);

    private string Sign(KeyPackGrant grant) => _authority.SignDocument(KeyPackGrant.Schema, grant.ToFields()).ToJson();

    private string SignFields(Action<Dictionary<string, string>> edit)
    {
        var fields = Grant().ToFields();
        edit(fields);
        return _authority.SignDocument(KeyPackGrant.Schema, fields).ToJson();
    }

    private KeyPackGrant Verify(string json, ProductVersion serverVersion = ProductVersion.WindowsServer2025, DateTimeOffset? now = null) =>
        KeyPackVerifier.Verify(json, _authority.Certificate, ServerProductId, serverVersion, now ?? Now);

    private KeyPackRejectedException Rejected(string json, ProductVersion serverVersion = ProductVersion.WindowsServer2025, DateTimeOffset? now = null) =>
        Assert.Throws<KeyPackRejectedException>(() => Verify(json, serverVersion, now));

    private static string EditJson(string json, Action<JsonObject> edit)
    {
        var root = JsonNode.Parse(json)!.AsObject();
        edit(root);
        return root.ToJsonString();
    }

    // --- Accepted ---

    [Fact]
    public void SignedKeyPackVerifiesToTheSameGrant()
    {
        var grant = Grant();

        Assert.Equal(grant, Verify(Sign(grant)));
    }

    [Fact]
    public void KeyPackWithoutExpiryVerifies()
    {
        var fields = Grant().ToFields();
        fields["expiresAt"] = "never";
        var json = _authority.SignDocument(KeyPackGrant.Schema, fields).ToJson();

        Assert.Null(Verify(json).ExpiresAt);
    }

    [Fact]
    public void ReserialisedWithOtherWhitespaceAndFieldOrderStillVerifies()
    {
        var grant = Grant();
        var original = JsonNode.Parse(Sign(grant))!.AsObject();
        var reorderedFields = new JsonObject();
        foreach (var (name, value) in original["fields"]!.AsObject().Reverse())
            reorderedFields[name] = value!.GetValue<string>();
        var rewritten = new JsonObject
        {
            ["signature"] = original["signature"]!.GetValue<string>(),
            ["fields"] = reorderedFields,
            ["formatVersion"] = 1,
            ["format"] = "rdlic-keypack",
        };
        var json = "\n " + rewritten.ToJsonString(new JsonSerializerOptions { WriteIndented = true, IndentCharacter = '\t', IndentSize = 1, NewLine = "\r\n" }) + " \n";

        Assert.Equal(grant, Verify(json));
    }

    // --- Signature and signer ---

    [Fact]
    public void KeyPackSignedByAnotherClearinghouseIsRejectedAsUntrustedSigner()
    {
        using var other = KeyAuthority.Create("Other Clearinghouse", T0);
        var json = other.SignDocument(KeyPackGrant.Schema, Grant().ToFields()).ToJson();

        Assert.Equal(KeyPackRejection.UntrustedSigner, Rejected(json).Reason);
    }

    [Fact]
    public void KeyPackSignedByAnotherKeyClaimingTheTrustedClearinghouseIsRejectedAsBadSignature()
    {
        using var forger = KeyAuthority.Create("Forger", T0);
        var fields = Grant().ToFields();
        fields["clearinghouse"] = _authority.Certificate.Thumbprint;
        var forged = new SignedDocument(KeyPackGrant.Schema, fields, forger.Sign(CanonicalPayload.Build(KeyPackGrant.Schema, fields)));

        Assert.Equal(KeyPackRejection.BadSignature, Rejected(forged.ToJson()).Reason);
    }

    [Theory]
    [InlineData("\"quantity\": \"25\"", "\"quantity\": \"26\"")]
    [InlineData("\"quantity\": \"25\"", "\"quantity\": \"125\"")]
    [InlineData("\"productVersion\": \"2022\"", "\"productVersion\": \"2025\"")]
    [InlineData("\"calType\": \"per-device\"", "\"calType\": \"per-user\"")]
    [InlineData("\"expiresAt\": \"2027-01-01T00:00:00Z\"", "\"expiresAt\": \"2029-01-01T00:00:00Z\"")]
    [InlineData("\"description\": \"25 RDS Per Device CALs\"", "\"description\": \"26 RDS Per Device CALs\"")]
    public void KeyPackWithAnEditedFieldIsRejectedAsBadSignature(string original, string edited)
    {
        var json = Sign(Grant());
        Assert.Contains(original, json);

        Assert.Equal(KeyPackRejection.BadSignature, Rejected(json.Replace(original, edited)).Reason);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(63)]
    public void KeyPackWithAFlippedSignatureByteIsRejectedAsBadSignature(int index)
    {
        var json = EditJson(Sign(Grant()), root =>
        {
            var signature = Convert.FromBase64String(root["signature"]!.GetValue<string>());
            signature[index] ^= 0x01;
            root["signature"] = Convert.ToBase64String(signature);
        });

        Assert.Equal(KeyPackRejection.BadSignature, Rejected(json).Reason);
    }

    [Fact]
    public void KeyPackWithATruncatedSignatureIsRejectedAsBadSignature()
    {
        var json = EditJson(Sign(Grant()), root =>
        {
            var signature = Convert.FromBase64String(root["signature"]!.GetValue<string>());
            root["signature"] = Convert.ToBase64String(signature[..^1]);
        });

        Assert.Equal(KeyPackRejection.BadSignature, Rejected(json).Reason);
    }

    // --- Content checks after a good signature ---

    [Fact]
    public void KeyPackForAnotherLicenseServerIsRejectedNamingBothProductIds()
    {
        var error = Rejected(Sign(Grant(productId: OtherProductId)));

        Assert.Equal(KeyPackRejection.WrongLicenseServer, error.Reason);
        Assert.Contains(OtherProductId, error.Message);
        Assert.Contains(ServerProductId, error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(86400)]
    public void KeyPackAtOrPastItsExpiryIsRejectedAsExpired(int secondsPastExpiry)
    {
        var expires = T0.AddDays(30);
        var error = Rejected(Sign(Grant(expiresAt: expires)), now: expires.AddSeconds(secondsPastExpiry));

        Assert.Equal(KeyPackRejection.Expired, error.Reason);
        Assert.Contains("2026-01-31", error.Message);
    }

    [Fact]
    public void KeyPackOneSecondBeforeItsExpiryIsAccepted()
    {
        var expires = T0.AddDays(30);

        Assert.Equal(expires, Verify(Sign(Grant(expiresAt: expires)), now: expires.AddSeconds(-1)).ExpiresAt);
    }

    [Fact]
    public void Pack2025OnA2022LicenseServerIsRejectedAsNotRecognized()
    {
        var error = Rejected(Sign(Grant(ProductVersion.WindowsServer2025)), ProductVersion.WindowsServer2022);

        Assert.Equal(KeyPackRejection.VersionNotHostable, error.Reason);
        Assert.Contains("The license code is not recognized", error.Message);
    }

    [Theory]
    [InlineData(ProductVersion.WindowsServer2019)]
    [InlineData(ProductVersion.WindowsServer2022)]
    public void PackOfTheServerVersionOrOlderIsAcceptedOnA2022LicenseServer(ProductVersion version)
    {
        var grant = Grant(version);

        Assert.Equal(grant, Verify(Sign(grant), ProductVersion.WindowsServer2022));
    }

    // --- Malformed files ---

    [Theory]
    [InlineData("this is not JSON")]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("{}")]
    public void FileThatIsNotAKeyPackDocumentIsRejectedAsMalformed(string text) =>
        Assert.Equal(KeyPackRejection.Malformed, Rejected(text).Reason);

    [Fact]
    public void KeyPackWithAMissingFieldIsRejectedAsMalformed()
    {
        var json = EditJson(Sign(Grant()), root => root["fields"]!.AsObject().Remove("description"));

        Assert.Equal(KeyPackRejection.Malformed, Rejected(json).Reason);
    }

    [Fact]
    public void KeyPackWithAnExtraUnknownFieldIsRejectedAsMalformed()
    {
        var json = EditJson(Sign(Grant()), root => root["fields"]!.AsObject()["bonusLicenses"] = "1000");

        Assert.Equal(KeyPackRejection.Malformed, Rejected(json).Reason);
    }

    [Fact]
    public void KeyPackWithANonStringFieldIsRejectedAsMalformed()
    {
        var json = EditJson(Sign(Grant()), root => root["fields"]!.AsObject()["quantity"] = 25);

        Assert.Equal(KeyPackRejection.Malformed, Rejected(json).Reason);
    }

    [Theory]
    [InlineData("rdlic-activation")]
    [InlineData("rdlic-keypack2")]
    [InlineData("")]
    public void DocumentOfAnotherFormatIsRejectedAsMalformed(string format)
    {
        var json = EditJson(Sign(Grant()), root => root["format"] = format);

        Assert.Equal(KeyPackRejection.Malformed, Rejected(json).Reason);
    }

    [Fact]
    public void DocumentOfAnotherFormatVersionIsRejectedAsMalformed()
    {
        var json = EditJson(Sign(Grant()), root => root["formatVersion"] = 2);

        Assert.Equal(KeyPackRejection.Malformed, Rejected(json).Reason);
    }

    [Fact]
    public void SignatureThatIsNotBase64IsRejectedAsMalformed()
    {
        var json = EditJson(Sign(Grant()), root => root["signature"] = "not*base64!");

        Assert.Equal(KeyPackRejection.Malformed, Rejected(json).Reason);
    }

    [Theory]
    [InlineData("quantity", "0")]
    [InlineData("quantity", "abc")]
    [InlineData("quantity", "-5")]
    [InlineData("quantity", "1000001")]
    [InlineData("productVersion", "2023")]
    [InlineData("calType", "per-socket")]
    [InlineData("program", "bogus")]
    [InlineData("keyPackId", "not-a-guid")]
    [InlineData("expiresAt", "31.12.2026")]
    [InlineData("signedAt", "yesterday")]
    public void CorrectlySignedKeyPackWithAnInvalidValueIsRejectedAsMalformed(string field, string value)
    {
        var json = SignFields(fields => fields[field] = value);

        Assert.Equal(KeyPackRejection.Malformed, Rejected(json).Reason);
    }

    [Fact]
    public void CorrectlySignedKeyPackWithTheMaximumQuantityIsAccepted()
    {
        var json = SignFields(fields => fields["quantity"] = "1000000");

        Assert.Equal(KeyPackGrant.MaxQuantity, Verify(json).Quantity);
    }

    [Fact]
    public void KeyPackWithADuplicatedPropertyIsRejectedAsMalformed()
    {
        var json = Sign(Grant()).Replace("\"quantity\": \"25\",", "\"quantity\": \"25\", \"quantity\": \"25\",");

        Assert.Equal(KeyPackRejection.Malformed, Rejected(json).Reason);
    }
}
