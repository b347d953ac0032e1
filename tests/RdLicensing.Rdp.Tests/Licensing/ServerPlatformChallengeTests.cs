using RdLicensing.Rdp.Licensing;

namespace RdLicensing.Rdp.Tests.Licensing;

public sealed class ServerPlatformChallengeTests
{
    [Fact]
    public void Parses_the_spec_example_whatever_its_blob_type()
    {
        var challenge = ServerPlatformChallenge.Parse(SpecExamples.ServerPlatformChallenge);

        Assert.Equal(LicensingMessageType.PlatformChallenge, challenge.MessageType);
        Assert.Equal(0xFFFFFFFFu, challenge.ConnectFlags);
        // MS-RDPELE note 12: the wBlobType is unused; the Windows server of example 4.4 sent 0xF750.
        Assert.Equal((BlobType)0xF750, challenge.EncryptedPlatformChallengeBlobType);
        Assert.Equal(Hex.Bytes("463785548ec59134975d"), challenge.EncryptedPlatformChallenge); // "TEST\0" in UTF-16LE, encrypted
        Assert.Equal(Hex.Bytes("7894ad3b81da8818560f3ad1f103ef35"), challenge.MacData);
    }

    [Fact]
    public void Writes_the_spec_example_back_byte_for_byte()
    {
        var example = SpecExamples.ServerPlatformChallenge;

        Assert.Equal(example, ServerPlatformChallenge.Parse(example).ToBytes());
    }

    [Fact]
    public void Writes_an_encrypted_data_blob_by_default()
    {
        var challenge = new ServerPlatformChallenge(0, TestBytes.Sequence(10), TestBytes.Sequence(16, 0xA0));

        var bytes = challenge.ToBytes();

        Assert.Equal(Hex.Bytes(
            "02 03 26 00  00 00 00 00  09 00 0a 00 00 01 02 03 04 05 06 07 08 09" +
            "a0 a1 a2 a3 a4 a5 a6 a7 a8 a9 aa ab ac ad ae af"), bytes);
        Assert.Equal(bytes, ServerPlatformChallenge.Parse(bytes).ToBytes());
    }

    [Fact]
    public void A_short_mac_is_rejected()
    {
        var pdu = TestBytes.WithMessageSize(SpecExamples.ServerPlatformChallenge[..^1]);

        var error = Assert.Throws<RdpProtocolException>(() => ServerPlatformChallenge.Parse(pdu));

        Assert.Contains("SERVER_PLATFORM_CHALLENGE MACData", error.Message);
    }

    [Fact]
    public void Writing_refuses_a_mac_of_the_wrong_size()
    {
        var challenge = new ServerPlatformChallenge(0, new byte[10], new byte[15]);

        var error = Assert.Throws<InvalidOperationException>(() => challenge.ToBytes());

        Assert.Contains("MACData", error.Message);
    }
}
