using RdLicensing.Rdp.Licensing;

namespace RdLicensing.Rdp.Tests.Licensing;

public sealed class LicensingPreambleTests
{
    [Fact]
    public void Peek_reads_the_message_type_of_every_spec_example()
    {
        Assert.Equal(LicensingMessageType.LicenseRequest, LicensingPreamble.Peek(SpecExamples.ServerLicenseRequest));
        Assert.Equal(LicensingMessageType.NewLicenseRequest, LicensingPreamble.Peek(SpecExamples.ClientNewLicenseRequest));
        Assert.Equal(LicensingMessageType.LicenseInfo, LicensingPreamble.Peek(SpecExamples.ClientLicenseInfo));
        Assert.Equal(LicensingMessageType.PlatformChallenge, LicensingPreamble.Peek(SpecExamples.ServerPlatformChallenge));
        Assert.Equal(LicensingMessageType.PlatformChallengeResponse, LicensingPreamble.Peek(SpecExamples.ClientPlatformChallengeResponse));
        Assert.Equal(LicensingMessageType.NewLicense, LicensingPreamble.Peek(SpecExamples.ServerNewLicense));
        Assert.Equal(LicensingMessageType.UpgradeLicense, LicensingPreamble.Peek(SpecExamples.ServerUpgradeLicenseAsPrinted));
    }

    [Fact]
    public void Parse_reads_the_client_flags_of_the_spec_example()
    {
        // MS-RDPELE 4.2: 13 83 55 01 — version 3 with EXTENDED_ERROR_MSG_SUPPORTED, 0x155 bytes.
        var preamble = LicensingPreamble.Parse(SpecExamples.ClientNewLicenseRequest);

        Assert.Equal(new LicensingPreamble(LicensingMessageType.NewLicenseRequest, 0x83, 0x155), preamble);
        Assert.Equal(3, preamble.Version);
        Assert.True(preamble.ExtendedErrorSupported);
    }

    [Theory]
    [InlineData(0x02)]
    [InlineData(0x03)]
    [InlineData(0x0F)]
    [InlineData(0x82)]
    [InlineData(0xFF)]
    public void Any_version_bits_and_the_extended_error_flag_are_accepted_from_clients(byte flags)
    {
        var pdu = TestBytes.With(SpecExamples.ClientPlatformChallengeResponse, 1, flags);

        var parsed = ClientPlatformChallengeResponse.Parse(pdu);

        Assert.Equal(flags, parsed.PreambleFlags);
        Assert.Equal(pdu, parsed.ToBytes());
    }

    [Fact]
    public void A_message_size_different_from_the_buffer_is_rejected()
    {
        var pdu = SpecExamples.ServerPlatformChallenge;

        var longer = Assert.Throws<RdpProtocolException>(() => LicensingPreamble.Parse([.. pdu, 0]));
        var shorter = Assert.Throws<RdpProtocolException>(() => ServerPlatformChallenge.Parse(pdu.AsSpan(0, pdu.Length - 1)));

        Assert.Contains("wMsgSize is 38", longer.Message);
        Assert.Contains("39 byte(s)", longer.Message);
        Assert.Contains("SERVER_PLATFORM_CHALLENGE", shorter.Message);
        Assert.Contains("wMsgSize", shorter.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("02")]
    [InlineData("0203")]
    [InlineData("020326")]
    public void A_preamble_cut_short_is_rejected(string hex)
    {
        Assert.Throws<RdpProtocolException>(() => LicensingPreamble.Parse(Hex.Bytes(hex)));
    }

    [Theory]
    [InlineData(0x00)]
    [InlineData(0x05)]
    [InlineData(0x14)]
    [InlineData(0xFE)]
    public void Unknown_message_types_are_rejected_by_peek(byte type)
    {
        var error = Assert.Throws<RdpProtocolException>(() => LicensingPreamble.Peek([type, 0x03, 0x04, 0x00]));

        Assert.Contains($"0x{type:X2}", error.Message);
    }

    [Fact]
    public void A_parser_given_another_message_type_names_both()
    {
        var error = Assert.Throws<RdpProtocolException>(() => ServerPlatformChallenge.Parse(SpecExamples.ServerNewLicense));

        Assert.Contains("SERVER_PLATFORM_CHALLENGE", error.Message);
        Assert.Contains("0x03 (NewLicense)", error.Message);
        Assert.Contains("0x02 (PlatformChallenge)", error.Message);
    }

    [Fact]
    public void Every_server_message_is_sent_as_version_3_without_the_extended_error_flag()
    {
        ILicensingPdu[] serverPdus =
        [
            ServerLicenseRequest.Parse(SpecExamples.ServerLicenseRequest),
            new ServerPlatformChallenge(0, new byte[10], new byte[16]),
            new ServerNewLicense(new byte[40], new byte[16]),
            new ServerNewLicense(new byte[40], new byte[16]) { IsUpgrade = true },
            LicensingErrorAlert.ValidClient,
        ];

        foreach (var pdu in serverPdus)
        {
            var bytes = pdu.ToBytes();
            Assert.Equal((byte)pdu.MessageType, bytes[0]);
            Assert.Equal(LicensingPreamble.ServerFlags, bytes[1]);
            Assert.Equal(0x03, bytes[1]);
            Assert.Equal(bytes.Length, bytes[2] | bytes[3] << 8);
        }
    }
}
