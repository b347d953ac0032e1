using RdLicensing.Rdp.Licensing;

namespace RdLicensing.Rdp.Tests.Licensing;

public sealed class LicensingPduTests
{
    [Fact]
    public void Dispatches_every_spec_example_to_its_record()
    {
        Assert.IsType<ServerLicenseRequest>(LicensingPdu.Parse(SpecExamples.ServerLicenseRequest));
        Assert.IsType<ClientNewLicenseRequest>(LicensingPdu.Parse(SpecExamples.ClientNewLicenseRequest));
        Assert.IsType<ClientLicenseInfo>(LicensingPdu.Parse(SpecExamples.ClientLicenseInfo));
        Assert.IsType<ServerPlatformChallenge>(LicensingPdu.Parse(SpecExamples.ServerPlatformChallenge));
        Assert.IsType<ClientPlatformChallengeResponse>(LicensingPdu.Parse(SpecExamples.ClientPlatformChallengeResponse));
        Assert.False(Assert.IsType<ServerNewLicense>(LicensingPdu.Parse(SpecExamples.ServerNewLicense)).IsUpgrade);
        var upgrade = TestBytes.Without(SpecExamples.ServerUpgradeLicenseAsPrinted, 0x1B85); // see ServerNewLicenseTests
        Assert.True(Assert.IsType<ServerNewLicense>(LicensingPdu.Parse(upgrade)).IsUpgrade);
        Assert.IsType<LicensingErrorAlert>(LicensingPdu.Parse(LicensingErrorAlert.ValidClient.ToBytes()));
    }

    [Fact]
    public void Every_parsed_record_writes_its_input_back()
    {
        byte[][] pdus =
        [
            SpecExamples.ServerLicenseRequest, SpecExamples.ClientNewLicenseRequest, SpecExamples.ClientLicenseInfo,
            SpecExamples.ServerPlatformChallenge, SpecExamples.ClientPlatformChallengeResponse, SpecExamples.ServerNewLicense,
            LicensingErrorAlert.ValidClient.ToBytes(),
        ];

        foreach (var pdu in pdus)
        {
            var parsed = LicensingPdu.Parse(pdu);
            Assert.Equal((LicensingMessageType)pdu[0], parsed.MessageType);
            Assert.Equal(pdu, parsed.ToBytes());
        }
    }

    [Fact]
    public void An_unknown_message_type_is_rejected()
    {
        var error = Assert.Throws<RdpProtocolException>(() => LicensingPdu.Parse(Hex.Bytes("16 03 04 00")));

        Assert.Contains("unknown licensing message type 0x16", error.Message);
    }
}
