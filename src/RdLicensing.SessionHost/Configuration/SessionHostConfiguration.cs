using RdLicensing.Core.Protocol;
using RdLicensing.Core.SessionHost;
using RdLicensing.Core.Versions;

namespace RdLicensing.SessionHost.Configuration;

/// <summary>Where an effective value comes from. Policy wins over local settings, which win over the default.</summary>
public enum SettingSource
{
    Default,
    Local,
    Policy,
}

public sealed record Configured<T>(T Value, SettingSource Source);

/// <summary>The settings in effect: licensing mode, the ordered license server list and the host's version, each with its source.</summary>
public sealed record SessionHostConfiguration(
    Configured<LicensingMode> Mode,
    Configured<IReadOnlyList<string>> LicenseServers,
    Configured<ProductVersion> Version,
    PolicySettings Policy,
    Configured<IReadOnlyList<string>>? AdministratorList = null)
{
    /// <summary>The users who may open an administrative session without a CAL (none by default).</summary>
    public Configured<IReadOnlyList<string>> Administrators => AdministratorList ?? new([], SettingSource.Default);

    public ConfiguredList AdministratorsView => new(Administrators.Value, SourceName(Administrators.Source));

    public static string SourceName(SettingSource source) => source.ToString().ToLowerInvariant();

    public ConfiguredValue ModeView => new(Mode.Value.ToShortName(), SourceName(Mode.Source));

    public ConfiguredList LicenseServersView => new(LicenseServers.Value, SourceName(LicenseServers.Source));

    public ConfiguredValue VersionView => new(Version.Value.ToShortName(), SourceName(Version.Source));

    public SessionHostConfigView ToView() => new(ModeView, LicenseServersView, VersionView, Policy.Path, Policy.Exists, Policy.Problems, AdministratorsView);
}
