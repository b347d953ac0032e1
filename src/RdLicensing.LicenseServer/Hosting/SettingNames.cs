namespace RdLicensing.LicenseServer.Hosting;

/// <summary>Keys of the settings table.</summary>
internal static class SettingNames
{
    public const string IdentityKey = "identity.pkcs8";
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
