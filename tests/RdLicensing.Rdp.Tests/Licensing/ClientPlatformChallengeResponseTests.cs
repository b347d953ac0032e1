using RdLicensing.Rdp.Licensing;

namespace RdLicensing.Rdp.Tests.Licensing;

public sealed class ClientPlatformChallengeResponseTests
{
    // Offset of EncryptedHWID in the MS-RDPELE 4.5 example, from its annotation.
    private const int EncryptedHwidOffset = 0x1A;

    [Fact]
    public void Parses_the_spec_example()
    {
        var response = ClientPlatformChallengeResponse.Parse(SpecExamples.ClientPlatformChallengeResponse);

        Assert.Equal(LicensingMessageType.PlatformChallengeResponse, response.MessageType);
        Assert.Equal(0x83, response.PreambleFlags);
        // Both blobs carry BB_DATA_BLOB in the spec's own example, not the BB_ENCRYPTED_DATA_BLOB of 2.2.2.5.
        Assert.Equal(BlobType.Data, response.EncryptedPlatformChallengeResponseBlobType);
        Assert.Equal(Hex.Bytes("fab4e824cf56b24e8002bdb661fcdfe96c44"), response.EncryptedPlatformChallengeResponse);
        Assert.Equal(BlobType.Data, response.EncryptedHwidBlobType);
        Assert.Equal(Hex.Bytes("f8b5e8253d0f3f701dda601916fe731a457e0271"), response.EncryptedHwid);
        Assert.Equal(Hex.Bytes("3823625d108b93c3f1e4671f4ab6000a"), response.MacData);
    }

    [Fact]
    public void Writes_the_spec_example_back_byte_for_byte()
    {
        var example = SpecExamples.ClientPlatformChallengeResponse;

        Assert.Equal(example, ClientPlatformChallengeResponse.Parse(example).ToBytes());
    }

    [Fact]
    public void Round_trips_what_rdesktop_sends()
    {
        // rdesktop 1.9 (reference pitfall 2): preamble flags 0x03, the bare 10-byte encrypted challenge as the
        // response, both blobs of type BB_DATA_BLOB.
        var response = new ClientPlatformChallengeResponse(TestBytes.Sequence(10), TestBytes.Sequence(20, 10), TestBytes.Sequence(16, 30))
        {
            PreambleFlags = 0x03,
            EncryptedPlatformChallengeResponseBlobType = BlobType.Data,
            EncryptedHwidBlobType = BlobType.Data,
        };

        var bytes = response.ToBytes();
        var parsed = ClientPlatformChallengeResponse.Parse(bytes);

        Assert.Equal(Hex.Bytes("15 03 3a 00 01 00 0a 00"), bytes[..8]); // rdesktop's fixed length 58
        Assert.Equal(BlobType.Data, parsed.EncryptedPlatformChallengeResponseBlobType);
        Assert.Equal(response.EncryptedPlatformChallengeResponse, parsed.EncryptedPlatformChallengeResponse);
        Assert.Equal(response.EncryptedHwid, parsed.EncryptedHwid);
        Assert.Equal(bytes, parsed.ToBytes());
    }

    [Fact]
    public void Writes_encrypted_data_blobs_by_default()
    {
        var bytes = new ClientPlatformChallengeResponse(new byte[18], new byte[20], new byte[16]).ToBytes();

        Assert.Equal(Hex.Bytes("15 83 42 00 09 00 12 00"), bytes[..8]);
        Assert.Equal(Hex.Bytes("09 00 14 00"), bytes[EncryptedHwidOffset..(EncryptedHwidOffset + 4)]);
    }

    [Fact]
    public void The_response_blob_type_is_ignored()
    {
        var pdu = TestBytes.With(SpecExamples.ClientPlatformChallengeResponse, 4, 0x34, 0x12);

        var response = ClientPlatformChallengeResponse.Parse(pdu);

        Assert.Equal((BlobType)0x1234, response.EncryptedPlatformChallengeResponseBlobType);
        Assert.Equal(pdu, response.ToBytes());
    }

    [Fact]
    public void A_hardware_id_blob_of_another_type_is_rejected()
    {
        var pdu = TestBytes.With(SpecExamples.ClientPlatformChallengeResponse, EncryptedHwidOffset, 0x04);

        var error = Assert.Throws<RdpProtocolException>(() => ClientPlatformChallengeResponse.Parse(pdu));

        Assert.Contains("CLIENT_PLATFORM_CHALLENGE_RESPONSE EncryptedHWID", error.Message);
        Assert.Contains("wBlobType is 0x0004 (Error)", error.Message);
    }

    [Fact]
    public void Trailing_bytes_are_rejected()
    {
        var pdu = TestBytes.Appended(SpecExamples.ClientPlatformChallengeResponse, 1, 2);

        var error = Assert.Throws<RdpProtocolException>(() => ClientPlatformChallengeResponse.Parse(pdu));

        Assert.Contains("2 unexpected trailing byte", error.Message);
    }
}
