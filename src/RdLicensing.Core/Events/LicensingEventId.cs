namespace RdLicensing.Core.Events;

/// <summary>
/// License server events. Numbers below 5000 are the original's where one exists; 5000 and up are ours.
/// </summary>
public enum LicensingEventId
{
    ServiceStarted = 1,
    ServiceStopped = 2,
    ServerActivated = 4,
    DatabaseNotValid = 9,
    InitializationError = 12,
    CertificateProblem = 17,
    NotActivatedTemporaryOnly = 18,
    TooFewPermanentLicenses = 20,
    NoPermanentLicensesLeft = 21,
    CalRevoked = 80,
    RevocationLimitReached = 81,
    TemporaryUpgradedToPermanent = 82,
    /// <summary>A key pack and its issued CALs were removed from this (source) server for migration to another.</summary>
    MigrationRemovedCals = 89,
    /// <summary>Key packs bound to another license server were removed (restore keeping this identity): the clearinghouse must reissue them.</summary>
    ForeignKeyPacksRemoved = 92,
    HostNotInSecurityGroup = 4141,

    TemporaryCalIssued = 5001,
    TemporaryCalValidated = 5002,
    PermanentCalRenewed = 5003,
    DeviceRefused = 5004,
    InvalidClientLicensePresented = 5005,
    CalsExpired = 5006,
    PerUserCalIssued = 5010,
    PerUserCalOverUsed = 5011,
    PerUserCalExtended = 5012,
    PerUserCalMovedToPool = 5013,
    KeyPackInstalled = 5020,
    KeyPackRejected = 5021,
    ActivationRejected = 5022,
    ServerDeactivated = 5023,
    ActivationRequested = 5024,
    ClearinghouseUnavailable = 5025,
    KeyPacksMigrated = 5026,
    /// <summary>Convert Licenses: part (or all) of a key pack was converted to the other CAL type through the clearinghouse.</summary>
    KeyPackConverted = 5027,
    SessionHostEnrolled = 5030,
    SessionHostRemoved = 5031,
    SessionHostSecurityGroupChanged = 5032,
    PolicyChanged = 5040,
    PropertiesChanged = 5041,
    ClockAdvanced = 5050,
    ReportCreated = 5060,
    ReportDeleted = 5061,
    DatabaseRebuilt = 5070,
    KeyPacksReissued = 5071,
    DatabaseBackedUp = 5072,
    DatabaseRestored = 5073,
    /// <summary>The identity key was replaced (reactivation: key compromised, certificate corrupt); the old key is retired.</summary>
    IdentityKeyRotated = 5085,
    /// <summary>The clearinghouse says this installation of the identity was retired (another installation took it over).</summary>
    InstallationRetired = 5086,
    /// <summary>The clearinghouse refused this copy of the installation: another live copy of the same database used its contact number (a file copy).</summary>
    CloneDetected = 5087,
    /// <summary>A new identity key was prepared for the vendor's key-compromise procedure (rdlic server new-key); it signs nothing until a reactivation adopts it.</summary>
    NewKeyPrepared = 5088,
    /// <summary>The clearinghouse said key packs of this server were migrated to another (source no longer functioning): removed here.</summary>
    KeyPacksMigratedAway = 5090,
    /// <summary>A migration release the clearinghouse refused or never answered: the key packs were put back.</summary>
    MigrationReleasePutBack = 5091,

    /// <summary>A session host reported a sign-in for a device whose CAL another host requested: refused.</summary>
    SignInFromAnotherHostRefused = 5080,
    /// <summary>A session host reported a grace period start later than the one recorded (its state was reset): it got the recorded start back.</summary>
    HostGracePeriodMoved = 5081,
    /// <summary>A session host without local state asked for its recorded grace period start.</summary>
    HostGracePeriodRecovered = 5082,

    /// <summary>An alert was raised (an item of the attention list that alerts appeared): it is notified once, by e-mail and webhook.</summary>
    AlertRaised = 5095,
    /// <summary>An alert was cleared: its item left the attention list.</summary>
    AlertCleared = 5096,
    /// <summary>The alert settings (thresholds, SMTP, webhooks) were changed; secrets are never written in the event.</summary>
    AlertSettingsChanged = 5097,
    /// <summary>An alert notification could not be delivered to a channel (SMTP server or webhook).</summary>
    AlertNotificationFailed = 5098,
}

public enum EventLevel
{
    Information,
    Warning,
    Error,
}

public static class LicensingEvents
{
    public static EventLevel LevelOf(LicensingEventId id) => id switch
    {
        LicensingEventId.DatabaseNotValid or LicensingEventId.InitializationError or LicensingEventId.CertificateProblem
            or LicensingEventId.InstallationRetired or LicensingEventId.CloneDetected
            or LicensingEventId.NoPermanentLicensesLeft or LicensingEventId.DeviceRefused => EventLevel.Error,
        LicensingEventId.NotActivatedTemporaryOnly or LicensingEventId.TooFewPermanentLicenses
            or LicensingEventId.RevocationLimitReached or LicensingEventId.HostNotInSecurityGroup
            or LicensingEventId.InvalidClientLicensePresented or LicensingEventId.PerUserCalOverUsed
            or LicensingEventId.KeyPackRejected or LicensingEventId.ActivationRejected
            or LicensingEventId.ServerDeactivated or LicensingEventId.IdentityKeyRotated
            or LicensingEventId.ClearinghouseUnavailable or LicensingEventId.DatabaseRebuilt
            or LicensingEventId.ForeignKeyPacksRemoved or LicensingEventId.MigrationRemovedCals
            or LicensingEventId.KeyPacksMigratedAway or LicensingEventId.MigrationReleasePutBack
            or LicensingEventId.SignInFromAnotherHostRefused or LicensingEventId.HostGracePeriodMoved
            or LicensingEventId.AlertRaised or LicensingEventId.AlertNotificationFailed => EventLevel.Warning,
        _ => EventLevel.Information,
    };
}

/// <summary>One persisted event.</summary>
public sealed record LicensingEvent(
    long Sequence,
    DateTimeOffset At,
    LicensingEventId EventId,
    EventLevel Level,
    string Message,
    string? SessionHost = null,
    string? Device = null,
    string? User = null,
    long? CalId = null);
