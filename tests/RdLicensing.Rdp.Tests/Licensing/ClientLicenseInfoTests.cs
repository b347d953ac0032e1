using RdLicensing.Rdp.Licensing;

namespace RdLicensing.Rdp.Tests.Licensing;

public sealed class ClientLicenseInfoTests
{
    // Offsets in the MS-RDPELE 4.3 example, from its annotation.
    private const int LicenseInfoOffset = 0x138;
    private const int EncryptedHwidOffset = 0x8D5;

    [Fact]
    public void Parses_the_spec_example()
    {
        var info = ClientLicenseInfo.Parse(SpecExamples.ClientLicenseInfo);

        Assert.Equal(LicensingMessageType.LicenseInfo, info.MessageType);
        Assert.Equal(0x83, info.PreambleFlags);
        Assert.Equal(KeyExchangeAlgorithm.Rsa, info.PreferredKeyExchangeAlgorithm);
        Assert.Equal(0x04010000u, info.PlatformId);
        Assert.Equal(Hex.Bytes("26c932347d2be175505e477e768d787bbb21aab7b0b8ea6cddc1b001e613bed8"), info.ClientRandom);
        Assert.Equal(0x108, info.EncryptedPreMasterSecret.Length);
        Assert.Equal(Hex.Bytes("b1fa1c25d95e9d04cdd2d434c6a2e6f3"), info.EncryptedPreMasterSecret[..16]);
        Assert.Equal(0x799, info.LicenseInfo.Length);
        Assert.Equal(Hex.Bytes("30820795"), info.LicenseInfo[..4]); // the stored CAL: a DER SEQUENCE (PKCS #7)
        Assert.Equal(Hex.Bytes("b930593b9361c9f6b60b1fdc1a856739dc296562"), info.EncryptedHwid);
        Assert.Equal(BlobType.Data, info.EncryptedHwidBlobType); // the example sends BB_DATA_BLOB here
        Assert.Equal(Hex.Bytes("42a213c754aeb5d5246654f31baf8dfb"), info.MacData);
    }

    [Fact]
    public void Writes_the_spec_example_back_byte_for_byte()
    {
        var example = SpecExamples.ClientLicenseInfo;

        Assert.Equal(example, ClientLicenseInfo.Parse(example).ToBytes());
    }

    [Fact]
    public void Round_trips_what_xfreerdp_sends()
    {
        var info = new ClientLicenseInfo(KeyExchangeAlgorithm.Rsa, 0x04010000, TestBytes.Sequence(32), TestBytes.Sequence(72, 100),
            TestBytes.Sequence(200, 7), TestBytes.Sequence(20, 50), TestBytes.Sequence(16, 90));

        var bytes = info.ToBytes();
        var parsed = ClientLicenseInfo.Parse(bytes);

        Assert.Equal(Hex.Bytes("12 83"), bytes[..2]);
        Assert.Equal(Hex.Bytes("09 00 14 00"), bytes[^40..^36]); // EncryptedHWID as BB_ENCRYPTED_DATA_BLOB
        Assert.Equal(BlobType.EncryptedData, parsed.EncryptedHwidBlobType);
        Assert.Equal(info.ClientRandom, parsed.ClientRandom);
        Assert.Equal(info.EncryptedPreMasterSecret, parsed.EncryptedPreMasterSecret);
        Assert.Equal(info.LicenseInfo, parsed.LicenseInfo);
        Assert.Equal(info.EncryptedHwid, parsed.EncryptedHwid);
        Assert.Equal(info.MacData, parsed.MacData);
        Assert.Equal(bytes, parsed.ToBytes());
    }

    [Fact]
    public void A_license_of_another_blob_type_is_rejected()
    {
        var pdu = TestBytes.With(SpecExamples.ClientLicenseInfo, LicenseInfoOffset, 0x09);

        var error = Assert.Throws<RdpProtocolException>(() => ClientLicenseInfo.Parse(pdu));

        Assert.Contains("CLIENT_LICENSE_INFO LicenseInfo", error.Message);
        Assert.Contains("expected 0x0001 (Data)", error.Message);
    }

    [Fact]
    public void A_hardware_id_blob_neither_data_nor_encrypted_data_is_rejected()
    {
        var pdu = TestBytes.With(SpecExamples.ClientLicenseInfo, EncryptedHwidOffset, 0x03);

        var error = Assert.Throws<RdpProtocolException>(() => ClientLicenseInfo.Parse(pdu));

        Assert.Contains("EncryptedHWID", error.Message);
        Assert.Contains("0x0009 (EncryptedData) or 0x0001 (Data)", error.Message);
    }

    [Fact]
    public void A_missing_mac_is_rejected()
    {
        var example = SpecExamples.ClientLicenseInfo;
        var pdu = TestBytes.WithMessageSize(example[..^16]);

        var error = Assert.Throws<RdpProtocolException>(() => ClientLicenseInfo.Parse(pdu));

        Assert.Contains("CLIENT_LICENSE_INFO MACData", error.Message);
    }

    [Fact]
    public void A_license_length_past_the_end_is_rejected()
    {
        var pdu = TestBytes.With(SpecExamples.ClientLicenseInfo, LicenseInfoOffset + 2, 0xFF, 0x3F);

        var error = Assert.Throws<RdpProtocolException>(() => ClientLicenseInfo.Parse(pdu));

        Assert.Contains("LicenseInfo", error.Message);
    }

    [Fact]
    public void A_blob_length_over_16_KiB_is_rejected()
    {
        var pdu = TestBytes.With(SpecExamples.ClientLicenseInfo, LicenseInfoOffset + 2, 0x01, 0x40);

        var error = Assert.Throws<RdpProtocolException>(() => ClientLicenseInfo.Parse(pdu));

        Assert.Contains("wBlobLen 16385 is over the 16384-byte limit", error.Message);
    }
}
