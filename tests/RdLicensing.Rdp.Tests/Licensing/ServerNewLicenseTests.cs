using RdLicensing.Rdp.Licensing;

namespace RdLicensing.Rdp.Tests.Licensing;

public sealed class ServerNewLicenseTests
{
    // MS-RDPELE 4.7 prints 0x1B96 bytes under a wMsgSize of 0x1B95. Its annotation puts EncryptedLicenseInfo
    // (2 + 2 + 0x1B7D bytes) at 0x04 and MACData (73 da 36 ...) right after, but in the dump that MAC starts at 0x1B86:
    // the byte at 0x1B85 is the extra one.
    private const int ExtraByteOffsetIn47 = 0x1B85;

    private static byte[] UpgradeLicenseCorrected() => TestBytes.Without(SpecExamples.ServerUpgradeLicenseAsPrinted, ExtraByteOffsetIn47);

    [Fact]
    public void Parses_the_new_license_spec_example()
    {
        var license = ServerNewLicense.Parse(SpecExamples.ServerNewLicense);

        Assert.False(license.IsUpgrade);
        Assert.Equal(LicensingMessageType.NewLicense, license.MessageType);
        Assert.Equal(0x7EF, license.EncryptedLicenseInfo.Length);
        Assert.Equal(Hex.Bytes("dba31330 79a3cd9e"), license.EncryptedLicenseInfo[..8]);
        Assert.Equal(Hex.Bytes("ede8bfd613a0f5804ae5ff8516facb1f"), license.MacData);
    }

    [Fact]
    public void Writes_the_new_license_spec_example_back_byte_for_byte()
    {
        var example = SpecExamples.ServerNewLicense;

        Assert.Equal(example, ServerNewLicense.Parse(example).ToBytes());
    }

    [Fact]
    public void The_upgrade_license_spec_example_as_printed_fails_the_size_check()
    {
        var error = Assert.Throws<RdpProtocolException>(() => ServerNewLicense.Parse(SpecExamples.ServerUpgradeLicenseAsPrinted));

        Assert.Contains("SERVER_UPGRADE_LICENSE: preamble wMsgSize is 7061 but the licensing PDU has 7062 byte(s)", error.Message);
    }

    [Fact]
    public void Parses_the_upgrade_license_spec_example_without_its_extra_byte()
    {
        var license = ServerNewLicense.Parse(UpgradeLicenseCorrected());

        Assert.True(license.IsUpgrade);
        Assert.Equal(LicensingMessageType.UpgradeLicense, license.MessageType);
        Assert.Equal(0x1B7D, license.EncryptedLicenseInfo.Length);
        Assert.Equal(Hex.Bytes("4006 79f3 66e3 1cef"), license.EncryptedLicenseInfo[..8]);
        Assert.Equal(Hex.Bytes("73da361e92c8d07812c31cd368a5c600"), license.MacData); // as annotated at 0x1B85
        Assert.Equal(UpgradeLicenseCorrected(), license.ToBytes());
    }

    [Fact]
    public void New_and_upgrade_licenses_differ_only_in_the_message_type()
    {
        var newLicense = new ServerNewLicense(TestBytes.Sequence(5), TestBytes.Sequence(16, 0x40)).ToBytes();
        var upgrade = new ServerNewLicense(TestBytes.Sequence(5), TestBytes.Sequence(16, 0x40)) { IsUpgrade = true }.ToBytes();

        Assert.Equal(Hex.Bytes("03 03 1d 00 09 00 05 00 00 01 02 03 04 40 41 42 43 44 45 46 47 48 49 4a 4b 4c 4d 4e 4f"), newLicense);
        Assert.Equal([0x04, .. newLicense[1..]], upgrade);
    }

    [Fact]
    public void An_encrypted_license_of_another_blob_type_is_rejected()
    {
        var pdu = TestBytes.With(SpecExamples.ServerNewLicense, 4, 0x01);

        var error = Assert.Throws<RdpProtocolException>(() => ServerNewLicense.Parse(pdu));

        Assert.Contains("SERVER_NEW_LICENSE EncryptedLicenseInfo", error.Message);
        Assert.Contains("expected 0x0009 (EncryptedData)", error.Message);
    }

    [Fact]
    public void Other_message_types_are_rejected()
    {
        var error = Assert.Throws<RdpProtocolException>(() => ServerNewLicense.Parse(SpecExamples.ServerPlatformChallenge));

        Assert.Contains("SERVER_NEW_LICENSE: bMsgType is 0x02 (PlatformChallenge), expected 0x03 (NewLicense)", error.Message);
    }
}
