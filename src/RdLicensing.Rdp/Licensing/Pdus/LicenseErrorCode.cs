namespace RdLicensing.Rdp.Licensing;

/// <summary>dwErrorCode of a Licensing Error Message (MS-RDPBCGR 2.2.1.12.1.3).</summary>
public enum LicenseErrorCode : uint
{
    /// <summary>ERR_INVALID_SERVER_CERTIFICATE (sent by the client).</summary>
    InvalidServerCertificate = 0x01,

    /// <summary>ERR_NO_LICENSE (sent by the client).</summary>
    NoLicense = 0x02,

    /// <summary>ERR_INVALID_MAC (sent by either side).</summary>
    InvalidMac = 0x03,

    /// <summary>ERR_INVALID_SCOPE.</summary>
    InvalidScope = 0x04,

    /// <summary>ERR_NO_LICENSE_SERVER.</summary>
    NoLicenseServer = 0x06,

    /// <summary>STATUS_VALID_CLIENT: licensing is over and succeeded (with ST_NO_TRANSITION).</summary>
    StatusValidClient = 0x07,

    /// <summary>ERR_INVALID_CLIENT.</summary>
    InvalidClient = 0x08,

    /// <summary>ERR_INVALID_PRODUCTID.</summary>
    InvalidProductId = 0x0B,

    /// <summary>ERR_INVALID_MESSAGE_LEN.</summary>
    InvalidMessageLength = 0x0C,
}
