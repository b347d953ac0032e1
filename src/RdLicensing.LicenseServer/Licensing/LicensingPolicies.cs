using RdLicensing.LicenseServer.Hosting;
using RdLicensing.Storage;

namespace RdLicensing.LicenseServer.Licensing;

/// <summary>The license server policies of the original: "license server security group" and "prevent license upgrade". Both off by default.</summary>
public sealed record LicensingPolicies(bool SecurityGroupEnabled, bool PreventLicenseUpgrade)
{
    /// <summary>The settings the policies are read from.</summary>
    public static readonly IReadOnlyList<string> Settings = [SettingNames.SecurityGroupEnabled, SettingNames.PreventLicenseUpgrade];

    public static LicensingPolicies From(IReadOnlyDictionary<string, string> settings) => new(
        settings.GetValueOrDefault(SettingNames.SecurityGroupEnabled) == "true",
        settings.GetValueOrDefault(SettingNames.PreventLicenseUpgrade) == "true");

    /// <summary>Read once per write transaction (kept for its other work items until a settings write).</summary>
    public static async Task<LicensingPolicies> ReadAsync(LicenseWriteSession s)
    {
        var settings = await s.PolicySettingsAsync(Settings);
        return new(settings[SettingNames.SecurityGroupEnabled] == "true", settings[SettingNames.PreventLicenseUpgrade] == "true");
    }

    public static async Task<LicensingPolicies> ReadAsync(LicenseStore store, CancellationToken cancellationToken) => new(
        await store.SettingAsync(SettingNames.SecurityGroupEnabled, cancellationToken) == "true",
        await store.SettingAsync(SettingNames.PreventLicenseUpgrade, cancellationToken) == "true");

    public async Task WriteAsync(LicenseWriteSession s)
    {
        await s.SetSettingAsync(SettingNames.SecurityGroupEnabled, SecurityGroupEnabled ? "true" : "false");
        await s.SetSettingAsync(SettingNames.PreventLicenseUpgrade, PreventLicenseUpgrade ? "true" : "false");
    }
}
