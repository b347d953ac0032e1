using RdLicensing.Core.SessionHost;

namespace RdLicensing.Rdp.Connection;

/// <summary>Set Error Info codes (MS-RDPBCGR 2.2.5.1.1) this endpoint sends.</summary>
public static class ErrorInfo
{
    /// <summary>ERRINFO_RPC_INITIATED_DISCONNECT: the normal end after licensing, until sessions are handed to a desktop.</summary>
    public const uint RpcInitiatedDisconnect = 0x1;

    /// <summary>ERRINFO_SERVER_DENIED_CONNECTION: refused for a reason that is not licensing (the third administrative session).</summary>
    public const uint ServerDeniedConnection = 0x7;

    /// <summary>ERRINFO_SERVER_INSUFFICIENT_PRIVILEGES: the signed-in user may not have this session (an administrative session of a user who is not a listed administrator).</summary>
    public const uint ServerInsufficientPrivileges = 0x9;

    /// <summary>ERRINFO_LICENSE_INTERNAL: the license exchange failed on the server side.</summary>
    public const uint LicenseInternal = 0x100;

    /// <summary>ERRINFO_LICENSE_BAD_CLIENT_MSG: a licensing PDU from the client was malformed or out of order.</summary>
    public const uint LicenseBadClientMessage = 0x103;

    /// <summary>ERRINFO_LICENSE_CLIENT_ENDED_PROTOCOL: the client sent an Error Alert instead of going on.</summary>
    public const uint ClientEndedProtocol = 0x107;

    /// <summary>ERRINFO_LICENSE_BAD_CLIENT_ENCRYPTION: the platform challenge response did not verify.</summary>
    public const uint LicenseBadClientEncryption = 0x108;

    /// <summary>ERRINFO_CB_DESTINATION_NOT_FOUND: the desktop behind the endpoint could not be reached ("The target endpoint could not be found").</summary>
    public const uint DesktopNotFound = 0x400;

    public static uint For(LicensingErrorCode code) => (uint)code;
}
