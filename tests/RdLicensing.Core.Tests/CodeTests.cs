using RdLicensing.Core.Cals;
using RdLicensing.Core.Codes;
using RdLicensing.Core.Identity;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Signing;
using RdLicensing.Core.Versions;

namespace RdLicensing.Core.Tests;

public sealed class CodeTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly KeyAuthority _clearinghouse = KeyAuthority.Create("Codes Clearinghouse", T0);
    private readonly string _productId = LicenseServerIdentity.Create().ProductId;

    public void Dispose() => _clearinghouse.Dispose();

    [Fact]
    public void A_license_server_id_round_trips_and_is_upper_case_groups_of_five()
    {
        var code = LicenseServerIdCode.Issue(_clearinghouse, _productId, 42, T0, T0.AddDays(730));
        Assert.Matches("^([0-9A-HJKMNP-TV-Z]{5}-){29}[0-9A-HJKMNP-TV-Z]{5}$", code);

        var activation = LicenseServerIdCode.Verify(code.ToLowerInvariant().Replace("-", " "), _clearinghouse.Certificate, _productId);

        Assert.Equal(42u, activation.Serial);
        Assert.Equal(T0, activation.IssuedAt);
        Assert.Equal(T0.AddDays(730), activation.ExpiresAt);
        Assert.Equal(code, activation.LicenseServerId);
    }

    [Fact]
    public void A_mistyped_check_character_names_its_group()
    {
        var groups = LicenseServerIdCode.Issue(_clearinghouse, _productId, 1, T0, T0.AddDays(730)).Split('-');
        var c = groups[3][4];
        groups[3] = groups[3][..4] + (c == 'A' ? "B" : "A");

        var e = Assert.Throws<CodeFormatException>(() => LicenseServerIdCode.CheckTyping(string.Join('-', groups)));

        Assert.Equal(4, e.Group);
        Assert.Contains("group 4", e.Message);
    }

    [Fact]
    public void Almost_every_mistyped_data_character_is_caught_in_its_group_and_the_rest_by_the_signature()
    {
        // One check character per group catches 31 of 32 wrong characters; the signature catches the rest.
        var code = LicenseServerIdCode.Issue(_clearinghouse, _productId, 1, T0, T0.AddDays(730));
        var groups = code.Split('-');
        int namedGroup4 = 0, bySignature = 0;
        foreach (var replacement in GroupedCode.Alphabet.Where(r => r != groups[3][1]))
        {
            var typo = groups.ToArray();
            typo[3] = typo[3][0] + replacement.ToString() + typo[3][2..];
            try
            {
                LicenseServerIdCode.Verify(string.Join('-', typo), _clearinghouse.Certificate, _productId);
                Assert.Fail($"{replacement} was accepted");
            }
            catch (CodeFormatException e) { Assert.Equal(4, e.Group); namedGroup4++; }
            catch (SignedDocumentException) { bySignature++; }
        }
        Assert.Equal(31, namedGroup4 + bySignature);
        Assert.True(namedGroup4 >= 24, $"only {namedGroup4} of 31 typos were named by their group");
    }

    [Fact]
    public void Swapped_groups_never_verify()
    {
        var groups = LicenseServerIdCode.Issue(_clearinghouse, _productId, 1, T0, T0.AddDays(730)).Split('-');
        (groups[5], groups[6]) = (groups[6], groups[5]);
        Assert.ThrowsAny<Exception>(() => LicenseServerIdCode.Verify(string.Join('-', groups), _clearinghouse.Certificate, _productId));
    }

    [Fact]
    public void A_code_for_another_server_or_from_another_clearinghouse_does_not_verify()
    {
        var code = LicenseServerIdCode.Issue(_clearinghouse, _productId, 1, T0, T0.AddDays(730));
        using var other = KeyAuthority.Create("Other", T0);

        Assert.Throws<SignedDocumentException>(() => LicenseServerIdCode.Verify(code, _clearinghouse.Certificate, "11111-22222-33333-44444"));
        Assert.Throws<SignedDocumentException>(() => LicenseServerIdCode.Verify(code, other.Certificate, _productId));
    }

    [Fact]
    public void A_key_pack_id_round_trips_every_field()
    {
        var grant = new KeyPackGrant(KeyPackIdCode.NewKeyPackId(), LicenseProgram.Spla, "ignored", ProductVersion.WindowsServer2019,
            CalType.PerUser, 1_234_567, T0.AddDays(365), "ignored", _productId, T0);

        var code = KeyPackIdCode.Issue(_clearinghouse, grant);
        var read = KeyPackIdCode.Verify(code, _clearinghouse.Certificate, _productId);

        Assert.Equal(grant.KeyPackId, read.KeyPackId);
        Assert.Equal((grant.Program, grant.Version, grant.Type, grant.Quantity, grant.ExpiresAt, grant.SignedAt),
            (read.Program, read.Version, read.Type, read.Quantity, read.ExpiresAt, read.SignedAt));
        Assert.Throws<CodeFormatException>(() => LicenseServerIdCode.Verify(code, _clearinghouse.Certificate, _productId));
    }

    [Fact]
    public void Retail_codes_carry_a_check_that_catches_a_mistyped_character()
    {
        var code = LicenseIdentifiers.NewRetailCode();
        Assert.Matches("^([0-9A-Z]{5}-){4}[0-9A-Z]{5}$", code);
        Assert.True(LicenseIdentifiers.TryParseRetailCode(code.ToLowerInvariant(), out var parsed, out _));
        Assert.Equal(code, parsed);

        var wrong = 0;
        for (var i = 0; i < code.Length; i++)
        {
            if (code[i] == '-') continue;
            var typo = code[..i] + (code[i] == '7' ? '8' : '7') + code[(i + 1)..];
            if (!LicenseIdentifiers.TryParseRetailCode(typo, out _, out var error)) { wrong++; Assert.Contains("mistyped", error); }
        }
        // A group's check character catches 31 of 32 wrong characters (so about 24 of these 25).
        Assert.True(wrong >= 20, $"only {wrong} of 25 single typos were caught");
        Assert.False(LicenseIdentifiers.TryParseRetailCode("ABCDE-12345", out _, out var length));
        Assert.Contains("25 characters", length);
    }

    [Theory]
    [InlineData("12345678", true)]
    [InlineData("1234567", false)]
    [InlineData("1234567A", false)]
    public void Open_license_numbers_have_8_digits(string text, bool valid) => Assert.Equal(valid, LicenseIdentifiers.IsOpenLicenseNumber(text));

    [Theory]
    [InlineData("1234567", true)]
    [InlineData("123456", false)]
    [InlineData("12345678", false)]
    public void Agreement_numbers_have_7_digits(string text, bool valid) => Assert.Equal(valid, LicenseIdentifiers.IsAgreementNumber(text));
}
