using RdLicensing.Rdp.Licensing;

namespace RdLicensing.Rdp.Tests.Licensing;

public sealed class NewLicenseInfoTests
{
    /// <summary>
    /// MS-RDPELE 4.6, the decrypted NEW_LICENSE_INFO of its annotation. Its pbLicenseInfo (0x799 bytes) is printed
    /// there and is byte-identical to the LicenseInfo blob the client presents in 4.3, so it is taken from that dump.
    /// </summary>
    private static byte[] SpecLicenseInfoPlaintext()
    {
        var header = Hex.Bytes(
            "00 00 06 00" + // dwVersion 0x00060000
            "0e 00 00 00 6d 69 63 72 6f 73 6f 66 74 2e 63 6f 6d 00" + // cbScope, "microsoft.com\0"
            "2c 00 00 00 4d 00 69 00 63 00 72 00 6f 00 73 00 6f 00 66 00 74 00 20 00" + // cbCompanyName, "Microsoft
            "43 00 6f 00 72 00 70 00 6f 00 72 00 61 00 74 00 69 00 6f 00 6e 00 00 00" + //  Corporation\0"
            "08 00 00 00 41 00 30 00 32 00 00 00" + // cbProductId, "A02\0"
            "99 07 00 00"); // cbLicenseInfo
        return [.. header, .. StoredCalOfExample43()];
    }

    private static byte[] StoredCalOfExample43() => ClientLicenseInfo.Parse(SpecExamples.ClientLicenseInfo).LicenseInfo;

    [Fact]
    public void Parses_the_spec_example()
    {
        var info = NewLicenseInfo.Parse(SpecLicenseInfoPlaintext());

        Assert.Equal(0x00060000u, info.Version);
        Assert.Equal("microsoft.com", info.Scope);
        Assert.Equal("Microsoft Corporation", info.CompanyName);
        Assert.Equal("A02", info.ProductId);
        Assert.Equal(StoredCalOfExample43(), info.LicenseInfo);
    }

    [Fact]
    public void The_spec_example_has_the_length_of_the_encrypted_blob_of_4_6()
    {
        // RC4 keeps lengths: the plaintext must be as long as EncryptedLicenseInfo (wBlobLen 0x7EF).
        Assert.Equal(0x7EF, SpecLicenseInfoPlaintext().Length);
        Assert.Equal(0x7EF, ServerNewLicense.Parse(SpecExamples.ServerNewLicense).EncryptedLicenseInfo.Length);
    }

    [Fact]
    public void Writes_the_spec_example_back_byte_for_byte()
    {
        var plaintext = SpecLicenseInfoPlaintext();

        Assert.Equal(plaintext, NewLicenseInfo.Parse(plaintext).ToBytes());
    }

    [Fact]
    public void Round_trips_a_license()
    {
        var info = new NewLicenseInfo(0x000A0000, "contoso.example", "Contoso Ltd", "A02", TestBytes.Sequence(300));

        var parsed = NewLicenseInfo.Parse(info.ToBytes());

        Assert.Equal(info.Version, parsed.Version);
        Assert.Equal(info.Scope, parsed.Scope);
        Assert.Equal(info.CompanyName, parsed.CompanyName);
        Assert.Equal(info.ProductId, parsed.ProductId);
        Assert.Equal(info.LicenseInfo, parsed.LicenseInfo);
    }

    [Fact]
    public void A_license_length_past_the_end_is_rejected()
    {
        var plaintext = SpecLicenseInfoPlaintext();

        var error = Assert.Throws<RdpProtocolException>(() => NewLicenseInfo.Parse(plaintext[..^1]));

        Assert.Contains("NEW_LICENSE_INFO pbLicenseInfo", error.Message);
    }

    [Fact]
    public void An_absurd_license_length_is_rejected()
    {
        var plaintext = TestBytes.With(SpecLicenseInfoPlaintext(), 0x52, 0xFF, 0xFF, 0xFF, 0xFF);

        var error = Assert.Throws<RdpProtocolException>(() => NewLicenseInfo.Parse(plaintext));

        Assert.Contains("cbLicenseInfo 4294967295", error.Message);
    }

    [Fact]
    public void An_absurd_scope_length_is_rejected()
    {
        var plaintext = TestBytes.With(SpecLicenseInfoPlaintext(), 4, 0x00, 0x00, 0x00, 0x80);

        var error = Assert.Throws<RdpProtocolException>(() => NewLicenseInfo.Parse(plaintext));

        Assert.Contains("NEW_LICENSE_INFO pbScope", error.Message);
    }

    [Fact]
    public void Trailing_bytes_are_rejected()
    {
        var error = Assert.Throws<RdpProtocolException>(() => NewLicenseInfo.Parse([.. SpecLicenseInfoPlaintext(), 0]));

        Assert.Contains("NEW_LICENSE_INFO: 1 unexpected trailing byte", error.Message);
    }
}
