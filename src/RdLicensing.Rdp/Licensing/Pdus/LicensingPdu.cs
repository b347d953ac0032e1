namespace RdLicensing.Rdp.Licensing;

/// <summary>Reads any licensing PDU by its preamble's message type; callers switch on the record type returned.</summary>
public static class LicensingPdu
{
    /// <summary>Parses a whole licensing PDU (preamble included); throws <see cref="RdpProtocolException"/> on anything malformed.</summary>
    public static ILicensingPdu Parse(ReadOnlySpan<byte> pdu) => LicensingPreamble.Peek(pdu) switch
    {
        LicensingMessageType.LicenseRequest => ServerLicenseRequest.Parse(pdu),
        LicensingMessageType.PlatformChallenge => ServerPlatformChallenge.Parse(pdu),
        LicensingMessageType.NewLicense or LicensingMessageType.UpgradeLicense => ServerNewLicense.Parse(pdu),
        LicensingMessageType.LicenseInfo => ClientLicenseInfo.Parse(pdu),
        LicensingMessageType.NewLicenseRequest => ClientNewLicenseRequest.Parse(pdu),
        LicensingMessageType.PlatformChallengeResponse => ClientPlatformChallengeResponse.Parse(pdu),
        LicensingMessageType.ErrorAlert => LicensingErrorAlert.Parse(pdu),
        var other => throw new RdpProtocolException($"licensing PDU: unknown licensing message type {LicensingPreamble.Describe(other)}."),
    };
}
