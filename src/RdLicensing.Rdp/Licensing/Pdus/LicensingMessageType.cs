namespace RdLicensing.Rdp.Licensing;

/// <summary>bMsgType of the licensing preamble (MS-RDPBCGR 2.2.1.12.1.1, MS-RDPELE 2.2.2).</summary>
public enum LicensingMessageType : byte
{
    // Sent by the server.
    LicenseRequest = 0x01,
    PlatformChallenge = 0x02,
    NewLicense = 0x03,
    UpgradeLicense = 0x04,

    // Sent by the client.
    LicenseInfo = 0x12,
    NewLicenseRequest = 0x13,
    PlatformChallengeResponse = 0x15,

    // Sent by either side.
    ErrorAlert = 0xFF,
}
