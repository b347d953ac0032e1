namespace RdLicensing.Core.SessionHost;

/// <summary>
/// The licensing errors a refused client is shown: MS-RDPBCGR's ERRINFO_LICENSE_* codes, with the
/// Remote Desktop client's wording.
/// </summary>
public enum LicensingErrorCode
{
    /// <summary>ERRINFO_LICENSE_NO_LICENSE_SERVER.</summary>
    NoLicenseServer = 0x101,
    /// <summary>ERRINFO_LICENSE_NO_LICENSE.</summary>
    NoLicense = 0x102,
    /// <summary>ERRINFO_LICENSE_BAD_CLIENT_LICENSE.</summary>
    BadClientLicense = 0x105,
    /// <summary>ERRINFO_LICENSE_CANT_UPGRADE_LICENSE.</summary>
    CantUpgradeLicense = 0x109,
}

public static class LicensingErrorCodes
{
    /// <summary>"0x101".</summary>
    public static string ToHex(this LicensingErrorCode code) => $"0x{(int)code:X3}";

    /// <summary>"NO_LICENSE_SERVER", as the protocol names it.</summary>
    public static string ToName(this LicensingErrorCode code) => code switch
    {
        LicensingErrorCode.NoLicenseServer => "NO_LICENSE_SERVER",
        LicensingErrorCode.NoLicense => "NO_LICENSE",
        LicensingErrorCode.BadClientLicense => "BAD_CLIENT_LICENSE",
        _ => "CANT_UPGRADE_LICENSE",
    };

    public static string ClientMessage(this LicensingErrorCode code) => code switch
    {
        LicensingErrorCode.NoLicenseServer => "No Remote Desktop license servers available to provide a license.",
        LicensingErrorCode.NoLicense => "The remote session was disconnected because there are no Remote Desktop client access licenses available for this computer.",
        LicensingErrorCode.BadClientLicense => "The remote session was disconnected because the Remote Desktop client access license stored on this computer is not valid (it was altered, issued to another computer or by an unknown license server).",
        _ => "The remote session was disconnected because the Remote Desktop client access license stored on this computer could not be upgraded or renewed.",
    };
}
