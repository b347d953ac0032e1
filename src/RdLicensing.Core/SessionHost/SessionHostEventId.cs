namespace RdLicensing.Core.SessionHost;

/// <summary>
/// Session host events. Numbers below 5000 are the original's (TermService licensing events); 5000 and up are ours.
/// </summary>
public enum SessionHostEventId
{
    /// <summary>The client presented a license the host cannot accept (altered, another device's, unknown issuer).</summary>
    InvalidClientLicense = 1003,
    /// <summary>The host could not obtain a CAL for a client.</summary>
    CannotIssueLicense = 1004,
    /// <summary>A permanent CAL within 7 days of expiry could not be renewed (or a presented CAL could not be upgraded).</summary>
    CannotRenewLicense = 1028,
    LicensingModeNotConfigured = 1068,
    GracePeriodExpiredModeNotConfigured = 1069,
    NoLicenseServerSpecified = 1130,

    Started = 5000,
    Stopped = 5001,
    GracePeriodStarted = 5010,
    ConnectionAllowedByGracePeriod = 5011,
    ConnectionRefused = 5012,
    ClientLicenseIssued = 5013,
    SignInReported = 5014,
    SignInNotReported = 5015,
    LicenseServerUnavailable = 5020,
    NotInLicenseServerSecurityGroup = 5021,
    LicenseServerAccessDenied = 5022,
    LicenseServerKeyLearned = 5023,
    /// <summary>A license server named a key it retired (rotation): CALs that key signed are no longer accepted by the host alone.</summary>
    LicenseServerKeyRetired = 5024,
    /// <summary>A license server presented a key it (or the host's record) retired as its current key: refused, never trusted again.</summary>
    RetiredLicenseServerKeyRefused = 5025,
    AdministrativeConnectionRefused = 5030,
    AdministrativeSessionIdle = 5031,
    /// <summary>An administrative (console) connection of a user who is not a listed administrator: licensed like any other.</summary>
    AdministrativeConnectionLicensed = 5032,
    /// <summary>The desktop authenticated a user who is not a listed administrator in an administrative session: it was ended.</summary>
    AdministrativeSignInRefused = 5033,
    /// <summary>In Per User mode the desktop authenticated another user than the client claimed: the Per User CAL follows the authenticated user.</summary>
    PerUserCalFollowsSignIn = 5034,
    /// <summary>An administrator disconnected a session ('rdlic disconnect').</summary>
    SessionDisconnected = 5035,
    /// <summary>The relay could not connect to a desktop behind the RDP endpoint (--desktop): the client went to the next one, or was told ERRINFO_CB_DESTINATION_NOT_FOUND.</summary>
    DesktopUnreachable = 5036,
    /// <summary>A relayed client pressed keys or mouse buttons at the desktop's login screen before any logon (its credentials failed): not passed on.</summary>
    LoginScreenInputWithheld = 5037,
    ConfigurationChanged = 5040,
    EnrolledWithLicenseServer = 5041,
    PolicyFileProblem = 5042,
    ClockAdvanced = 5050,

    /// <summary>A client's name, user name or hardware id broke the rules license servers apply: refused by the host itself.</summary>
    ClientInputRefused = 5070,
    /// <summary>A license server answered a CAL request with a client error (4xx): the connection is refused, never let in by grace.</summary>
    LicenseServerRejectedRequest = 5071,
    /// <summary>A license server's revocation list with a new number was verified and stored.</summary>
    RevocationListUpdated = 5072,
    /// <summary>A revocation list did not verify (signature, issuer, an older number): refused, the one held is kept.</summary>
    RevocationListRejected = 5073,
    /// <summary>A client presented a CAL its license server revoked: treated as absent.</summary>
    RevokedLicensePresented = 5074,
    /// <summary>A host without a local grace period record took the start a license server anchored.</summary>
    GracePeriodRecovered = 5075,
    /// <summary>A host without a local grace period record could ask no license server: its grace period counts as ended until one answers.</summary>
    GracePeriodStartUnknown = 5076,
    /// <summary>A license server answered with an earlier grace start than the host's: the host took it.</summary>
    GracePeriodCorrected = 5077,
}

public static class SessionHostEvents
{
    public static Events.EventLevel LevelOf(SessionHostEventId id) => id switch
    {
        SessionHostEventId.CannotIssueLicense or SessionHostEventId.GracePeriodExpiredModeNotConfigured or SessionHostEventId.ConnectionRefused
            or SessionHostEventId.LicenseServerRejectedRequest or SessionHostEventId.GracePeriodStartUnknown
            => Events.EventLevel.Error,
        SessionHostEventId.InvalidClientLicense or SessionHostEventId.CannotRenewLicense or SessionHostEventId.LicensingModeNotConfigured
            or SessionHostEventId.NoLicenseServerSpecified or SessionHostEventId.LicenseServerUnavailable
            or SessionHostEventId.NotInLicenseServerSecurityGroup or SessionHostEventId.LicenseServerAccessDenied
            or SessionHostEventId.AdministrativeConnectionRefused or SessionHostEventId.SignInNotReported or SessionHostEventId.AdministrativeSignInRefused
            or SessionHostEventId.PolicyFileProblem or SessionHostEventId.ConnectionAllowedByGracePeriod or SessionHostEventId.ClientInputRefused
            or SessionHostEventId.RevocationListRejected or SessionHostEventId.RevokedLicensePresented or SessionHostEventId.GracePeriodCorrected
            or SessionHostEventId.RetiredLicenseServerKeyRefused or SessionHostEventId.DesktopUnreachable
            or SessionHostEventId.LoginScreenInputWithheld => Events.EventLevel.Warning,
        _ => Events.EventLevel.Information,
    };
}
