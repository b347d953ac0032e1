using System.Text.Json;
using RdLicensing.Core.SessionHost;
using RdLicensing.Core.Versions;
using RdLicensing.Storage;

namespace RdLicensing.SessionHost.Configuration;

/// <summary>A local setting could not be changed because policy.json sets it.</summary>
public sealed class PolicyControlledException(string message) : Exception(message);

/// <summary>Local settings to change; null leaves a value as it is. An empty server list clears the list.</summary>
public sealed record LocalSettingsChange(LicensingMode? Mode = null, IReadOnlyList<string>? LicenseServers = null, ProductVersion? Version = null,
    IReadOnlyList<string>? Administrators = null);

/// <summary>
/// The host's configuration from its two sources, like local settings and Group Policy: the policy file
/// overrides what is stored locally, and a value the policy sets cannot be changed locally.
/// </summary>
public sealed class HostConfiguration(SessionHostStore store, PolicySource policies, TimeProvider clock)
{
    public async Task<SessionHostConfiguration> LoadAsync(CancellationToken cancellationToken = default) =>
        Combine(await store.SettingsAsync(cancellationToken), await policies.CurrentAsync(cancellationToken));

    /// <summary>The configuration and the stored settings it came from, in one read (a connection's decision also needs the grace period start).</summary>
    public async Task<(SessionHostConfiguration Configuration, IReadOnlyDictionary<string, string> Settings)> LoadWithSettingsAsync(CancellationToken cancellationToken)
    {
        var settings = await store.SettingsAsync(cancellationToken);
        return (Combine(settings, await policies.CurrentAsync(cancellationToken)), settings);
    }

    /// <exception cref="PolicyControlledException">A value to change is set by the policy file.</exception>
    public async Task<SessionHostConfiguration> SetLocalAsync(LocalSettingsChange change, CancellationToken cancellationToken = default)
    {
        var policy = await policies.CurrentAsync(cancellationToken);
        var blocked = new List<string>();
        if (change.Mode is not null && policy.Mode is not null) blocked.Add($"the licensing mode ({policy.Mode.Value.ToShortName()})");
        if (change.LicenseServers is not null && policy.LicenseServers is not null) blocked.Add("the license server list");
        if (change.Version is not null && policy.Version is not null) blocked.Add($"the version ({policy.Version.Value.ToShortName()})");
        if (change.Administrators is not null && policy.Administrators is not null) blocked.Add("the administrator list");
        if (blocked.Count > 0)
            throw new PolicyControlledException(
                $"{string.Join(" and ", blocked)} {(blocked.Count == 1 ? "is" : "are")} set by policy in {policy.Path}; change {(blocked.Count == 1 ? "it" : "them")} there, or remove {(blocked.Count == 1 ? "it" : "them")} from that file to set {(blocked.Count == 1 ? "it" : "them")} locally.");

        var changes = new List<string>();
        await store.WriteAsync(async s =>
        {
            if (change.Mode is { } mode)
            {
                await s.SetSettingAsync(SettingNames.LicensingMode, mode.ToShortName());
                changes.Add($"licensing mode {mode.ToDisplayName()}");
            }
            if (change.LicenseServers is { } servers)
            {
                await s.SetSettingAsync(SettingNames.LicenseServers, JsonSerializer.Serialize(servers));
                changes.Add(servers.Count == 0 ? "no license servers" : $"license servers {string.Join(", ", servers)}");
            }
            if (change.Version is { } version)
            {
                await s.SetSettingAsync(SettingNames.ProductVersion, version.ToShortName());
                changes.Add($"version {version.ToDisplayName()}");
            }
            if (change.Administrators is { } administrators)
            {
                await s.SetSettingAsync(SettingNames.Administrators, JsonSerializer.Serialize(administrators));
                changes.Add(administrators.Count == 0 ? "no administrators" : $"administrators {string.Join(", ", administrators)}");
            }
            if (changes.Count > 0)
                await s.AddEventAsync(clock.GetUtcNow(), new PendingSessionHostEvent(SessionHostEventId.ConfigurationChanged,
                    $"Local settings changed: {string.Join("; ", changes)}."));
        }, cancellationToken);
        return await LoadAsync(cancellationToken);
    }

    private static SessionHostConfiguration Combine(IReadOnlyDictionary<string, string> local, PolicySettings policy)
    {
        Configured<LicensingMode> mode = policy.Mode is { } pm ? new(pm, SettingSource.Policy)
            : local.TryGetValue(SettingNames.LicensingMode, out var lm) && LicensingModes.TryParse(lm, out var m) ? new(m, SettingSource.Local)
            : new(LicensingMode.NotConfigured, SettingSource.Default);
        Configured<IReadOnlyList<string>> servers = policy.LicenseServers is { } ps ? new(ps, SettingSource.Policy)
            : local.TryGetValue(SettingNames.LicenseServers, out var ls) && ReadList(ls) is { } list ? new(list, SettingSource.Local)
            : new([], SettingSource.Default);
        Configured<ProductVersion> version = policy.Version is { } pv ? new(pv, SettingSource.Policy)
            : local.TryGetValue(SettingNames.ProductVersion, out var lv) && ProductVersions.TryParse(lv, out var v) ? new(v, SettingSource.Local)
            : new(SessionHostOptions.DefaultVersion, SettingSource.Default);
        Configured<IReadOnlyList<string>> administrators = policy.Administrators is { } pa ? new(pa, SettingSource.Policy)
            : local.TryGetValue(SettingNames.Administrators, out var la) && ReadList(la) is { } names ? new(names, SettingSource.Local)
            : new([], SettingSource.Default);
        return new SessionHostConfiguration(mode, servers, version, policy, administrators);
    }

    private static IReadOnlyList<string>? ReadList(string json)
    {
        try { return JsonSerializer.Deserialize<List<string>>(json); }
        catch (JsonException) { return null; }
    }
}
