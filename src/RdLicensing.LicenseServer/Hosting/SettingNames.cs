namespace RdLicensing.LicenseServer.Hosting;

/// <summary>Keys of the settings table.</summary>
internal static class SettingNames
{
    public const string IdentityKey = "identity.pkcs8";
    public const string LicenseServerId = "activation.licenseServerId";
    public const string SecurityGroupEnabled = "policy.securityGroupEnabled";
    public const string PreventLicenseUpgrade = "policy.preventLicenseUpgrade";
    public const string SimulatedClockOffset = "clock.simulatedOffsetTicks";
}
