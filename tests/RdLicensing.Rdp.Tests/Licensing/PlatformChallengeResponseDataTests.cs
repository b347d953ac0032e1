using RdLicensing.Rdp.Licensing;

namespace RdLicensing.Rdp.Tests.Licensing;

public sealed class PlatformChallengeResponseDataTests
{
    // MS-RDPELE 4.5, the decrypted PLATFORM_CHALLENGE_RESPONSE_DATA of its annotation: wVersion 0x0100,
    // wClientType 0x0100 (Win32), wLicenseDetailLevel 3, cbChallenge 10, then the challenge "TEST\0" of 4.4.
    private static readonly byte[] SpecResponseData = Hex.Bytes("00 01 00 01 03 00 0a 00 54 00 45 00 53 00 54 00 00 00");

    [Fact]
    public void Parses_the_spec_example()
    {
        var data = PlatformChallengeResponseData.Parse(SpecResponseData);

        Assert.Equal(PlatformChallengeResponseData.Win32ClientType, data.ClientType);
        Assert.Equal(PlatformChallengeResponseData.LicenseDetailDetail, data.LicenseDetailLevel);
        Assert.Equal(TestBytes.Utf16Z("TEST"), data.Challenge);
    }

    [Fact]
    public void Writes_the_spec_example_back_byte_for_byte()
    {
        Assert.Equal(SpecResponseData, PlatformChallengeResponseData.Parse(SpecResponseData).ToBytes());
    }

    [Fact]
    public void Round_trips_what_xfreerdp_sends()
    {
        var data = new PlatformChallengeResponseData(PlatformChallengeResponseData.OtherClientType,
            PlatformChallengeResponseData.LicenseDetailDetail, TestBytes.Utf16Z("TEST"));

        var bytes = data.ToBytes();

        Assert.Equal(Hex.Bytes("00 01 00 ff 03 00 0a 00"), bytes[..8]);
        Assert.Equal(data.Challenge, PlatformChallengeResponseData.Parse(bytes).Challenge);
    }

    [Fact]
    public void The_bare_challenge_rdesktop_sends_is_not_response_data()
    {
        var error = Assert.Throws<RdpProtocolException>(() => PlatformChallengeResponseData.Parse(TestBytes.Utf16Z("TEST")));

        Assert.Contains("wVersion is 0x0054, expected 0x0100", error.Message);
    }

    [Fact]
    public void A_challenge_length_past_the_end_is_rejected()
    {
        var error = Assert.Throws<RdpProtocolException>(() => PlatformChallengeResponseData.Parse(SpecResponseData[..^1]));

        Assert.Contains("pbChallenge", error.Message);
    }

    [Fact]
    public void Trailing_bytes_are_rejected()
    {
        var error = Assert.Throws<RdpProtocolException>(() => PlatformChallengeResponseData.Parse([.. SpecResponseData, 0]));

        Assert.Contains("PLATFORM_CHALLENGE_RESPONSE_DATA: 1 unexpected trailing byte", error.Message);
    }
}
