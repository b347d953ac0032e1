namespace RdLicensing.LicenseServer.Hosting;

/// <summary>Keys of the settings table.</summary>
internal static class SettingNames
{
    public const string IdentityKey = "identity.pkcs8";
    /// <summary>The Product ID, stored once a key rotation replaced the key it derives from (it never changes).</summary>
    public const string IdentityProductId = "identity.productId";
    /// <summary>What the clearinghouse said when it refused this installation because another took the identity over (clone detection).</summary>
    public const string InstallationRetiredNotice = "identity.installationRetired";
    /// <summary>JSON list of the keys retired by rotations (public key, date, reason).</summary>
    public const string RetiredKeys = "identity.retiredKeys";
    /// <summary>
    /// JSON of a new identity key prepared for the vendor's key-compromise procedure (rdlic server new-key): its private key, the
    /// proof the vendor's operator records, and the key it replaces. It signs nothing until a key-rotating reactivation adopts it.
    /// </summary>
    public const string PendingIdentityKey = "identity.pendingKey";
    /// <summary>
    /// A random id of this installation (this database): created at first start, new after every restore. Every signed
    /// clearinghouse request names it, so the clearinghouse tells two copies of one identity apart (clone detection).
    /// Nodes of one PostgreSQL database share it.
    /// </summary>
    public const string InstallationId = "identity.installationId";
    /// <summary>
    /// How many signed clearinghouse contacts this installation made: advanced (and committed) before each one, which the proof signs.
    /// A plain file copy of the database continues from the same number as the original, and the clearinghouse refuses a number used twice.
    /// </summary>
    public const string ClearinghouseContacts = "identity.clearinghouseContacts";
    /// <summary>What the clearinghouse said when it refused this copy as a clone (another live copy made the same contact): status shows it.</summary>
    public const string CloneDetectedNotice = "identity.cloneDetected";
    public const string LicenseServerId = "activation.licenseServerId";
    /// <summary>"true" after deactivation, until a new License Server ID is installed.</summary>
    public const string Deactivated = "activation.deactivated";
    /// <summary>License Server IDs replaced or deactivated here, one a line: they are never accepted again.</summary>
    public const string RetiredLicenseServerIds = "activation.retiredLicenseServerIds";
    /// <summary>Nonces of the web/telephone deactivation request codes waiting for their confirmation code, one a line.</summary>
    public const string PendingDeactivationRequests = "activation.pendingDeactivationRequests";
    /// <summary>JSON of the Properties dialog (connection method, telephone country, company information).</summary>
    public const string Properties = "properties";
    public const string SecurityGroupEnabled = "policy.securityGroupEnabled";
    public const string PreventLicenseUpgrade = "policy.preventLicenseUpgrade";
    public const string SimulatedClockOffset = "clock.simulatedOffsetTicks";
}
