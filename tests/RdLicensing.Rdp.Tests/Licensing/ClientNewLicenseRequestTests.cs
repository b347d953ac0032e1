using RdLicensing.Rdp.Licensing;
using RdLicensing.Rdp.Wire;

namespace RdLicensing.Rdp.Tests.Licensing;

public sealed class ClientNewLicenseRequestTests
{
    // Offset of ClientUserName in the MS-RDPELE 4.2 example, from its annotation.
    private const int ClientUserNameOffset = 0x138;

    [Fact]
    public void Parses_the_spec_example()
    {
        var request = ClientNewLicenseRequest.Parse(SpecExamples.ClientNewLicenseRequest);

        Assert.Equal(LicensingMessageType.NewLicenseRequest, request.MessageType);
        Assert.Equal(0x83, request.PreambleFlags);
        Assert.Equal(KeyExchangeAlgorithm.Rsa, request.PreferredKeyExchangeAlgorithm);
        Assert.Equal(0x04010000u, request.PlatformId); // CLIENT_OS_ID_WINNT_POST_52 | CLIENT_IMAGE_ID_MICROSOFT
        Assert.Equal(Hex.Bytes("dc73a0c869256b18af0b947aa9a520af8bbc0dcca395b7b9eb815dbe0a109cd8"), request.ClientRandom);
        Assert.Equal(0x108, request.EncryptedPreMasterSecret.Length); // 256-byte modulus + 8 bytes of padding
        Assert.Equal(Hex.Bytes("da9c5da6689da3906724f33aeaa1e268"), request.EncryptedPreMasterSecret[..16]);
        Assert.Equal(new byte[8], request.EncryptedPreMasterSecret[^8..]);
        Assert.Equal("Administrator", request.UserName);
        Assert.Equal("RODENT", request.MachineName);
    }

    [Fact]
    public void Writes_the_spec_example_back_byte_for_byte()
    {
        var example = SpecExamples.ClientNewLicenseRequest;

        Assert.Equal(example, ClientNewLicenseRequest.Parse(example).ToBytes());
    }

    [Fact]
    public void Round_trips_what_rdesktop_sends()
    {
        // rdesktop 1.9: preamble flags 0x03, PlatformId 0xFF010000, a zero client random and 64 + 8 zero bytes of
        // "encrypted" premaster secret (reference pitfall 1).
        var request = new ClientNewLicenseRequest(KeyExchangeAlgorithm.Rsa, 0xFF010000, new byte[32], new byte[72], "alice", "kiosk-07")
        {
            PreambleFlags = 0x03,
        };

        var bytes = request.ToBytes();
        var parsed = ClientNewLicenseRequest.Parse(bytes);

        Assert.Equal(Hex.Bytes("13 03"), bytes[..2]);
        Assert.Equal(Hex.Bytes("01 00 00 00 00 00 01 ff"), bytes[4..12]);
        Assert.Equal(Hex.Bytes("0f 00 06 00 61 6c 69 63 65 00  10 00 09 00 6b 69 6f 73 6b 2d 30 37 00"), bytes[120..]);
        Assert.Equal(0x03, parsed.PreambleFlags);
        Assert.Equal(0xFF010000u, parsed.PlatformId);
        Assert.Equal(new byte[72], parsed.EncryptedPreMasterSecret);
        Assert.Equal("alice", parsed.UserName);
        Assert.Equal("kiosk-07", parsed.MachineName);
        Assert.Equal(bytes, parsed.ToBytes());
    }

    [Fact]
    public void A_user_name_blob_of_another_type_is_rejected()
    {
        var pdu = TestBytes.With(SpecExamples.ClientNewLicenseRequest, ClientUserNameOffset, 0x10);

        var error = Assert.Throws<RdpProtocolException>(() => ClientNewLicenseRequest.Parse(pdu));

        Assert.Contains("CLIENT_NEW_LICENSE_REQUEST ClientUserName", error.Message);
        Assert.Contains("expected 0x000F (ClientUserName)", error.Message);
    }

    [Fact]
    public void A_premaster_secret_of_another_blob_type_is_rejected()
    {
        var pdu = TestBytes.With(SpecExamples.ClientNewLicenseRequest, 0x2C, 0x09);

        var error = Assert.Throws<RdpProtocolException>(() => ClientNewLicenseRequest.Parse(pdu));

        Assert.Contains("EncryptedPreMasterSecret", error.Message);
    }

    [Fact]
    public void A_name_over_256_bytes_is_rejected()
    {
        var w = new ByteWriter();
        w.U8(0x13).U8(0x83).U16Le(0).U32Le(1).U32Le(0x04010000).Zeros(32);
        w.U16Le(0x0002).U16Le(0);
        w.U16Le(0x000F).U16Le(300).Bytes(TestBytes.Filled(299, (byte)'a')).U8(0);
        w.U16Le(0x0010).U16Le(2).Bytes("m\0"u8);
        var pdu = TestBytes.WithMessageSize(w.Written);

        var error = Assert.Throws<RdpProtocolException>(() => ClientNewLicenseRequest.Parse(pdu));

        Assert.Contains("ClientUserName", error.Message);
        Assert.Contains("256", error.Message);
    }

    [Fact]
    public void Writing_refuses_a_name_over_256_bytes()
    {
        var request = new ClientNewLicenseRequest(1, 0, new byte[32], new byte[72], new string('a', 256), "m");

        Assert.Throws<InvalidOperationException>(() => request.ToBytes());
    }

    [Fact]
    public void A_machine_name_running_past_the_end_is_rejected()
    {
        var example = SpecExamples.ClientNewLicenseRequest;
        var pdu = TestBytes.WithMessageSize(example[..^1]);

        var error = Assert.Throws<RdpProtocolException>(() => ClientNewLicenseRequest.Parse(pdu));

        Assert.Contains("ClientMachineName", error.Message);
        Assert.Contains("truncated", error.Message);
    }
}
