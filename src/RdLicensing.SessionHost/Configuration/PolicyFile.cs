using Microsoft.Extensions.Configuration;
using RdLicensing.Core.SessionHost;
using RdLicensing.Core.Versions;

namespace RdLicensing.SessionHost.Configuration;

/// <summary>The values policy.json sets (null: not set there) and what was wrong in it, if anything.</summary>
public sealed record PolicySettings(
    string Path,
    bool Exists,
    LicensingMode? Mode,
    IReadOnlyList<string>? LicenseServers,
    ProductVersion? Version,
    IReadOnlyList<string> Problems,
    IReadOnlyList<string>? Administrators = null);

/// <summary>
/// &lt;data-dir&gt;/policy.json, the session host's Group Policy: <c>{"licensingMode": "per-device",
/// "licenseServers": ["http://ls1:5080"], "version": "2022", "administrators": ["alice", "CORP\\bob"]}</c>, any subset, read from
/// the JSON configuration source <see cref="PolicySource"/> keeps loaded. A value that cannot be read is reported and ignored; the
/// others still apply.
/// </summary>
public static class PolicyFile
{
    public const int MaxBytes = 64 * 1024;

    private static readonly string[] Known = ["licensingMode", "licenseServers", "version", "administrators"];

    /// <summary>The policy in <paramref name="policy"/> (the file's configuration, keys as in the file).</summary>
    public static PolicySettings From(string path, IConfiguration policy)
    {
        var problems = new List<string>();
        LicensingMode? mode = null;
        IReadOnlyList<string>? servers = null;
        ProductVersion? version = null;
        IReadOnlyList<string>? administrators = null;
        foreach (var setting in policy.GetChildren())
        {
            switch (Known.FirstOrDefault(k => k.Equals(setting.Key, StringComparison.OrdinalIgnoreCase)))
            {
                case "licensingMode":
                    if (LicensingModes.TryParse(setting.Value, out var m)) mode = m;
                    else problems.Add("licensingMode must be \"per-device\", \"per-user\" or \"not-configured\" (ignored)");
                    break;
                case "licenseServers":
                    if (List(setting) is not { } urls) problems.Add("licenseServers must be a list of URLs (ignored)");
                    else if (LicenseServerUrls.TryNormalizeAll(urls, out var error) is { } list) servers = list;
                    else problems.Add($"licenseServers: {error} (ignored)");
                    break;
                case "version":
                    if (ProductVersions.TryParse(setting.Value, out var v)) version = v;
                    else problems.Add($"version must be one of {string.Join(", ", ProductVersions.All.Select(x => x.ToShortName()))} (ignored)");
                    break;
                case "administrators":
                    if (List(setting) is not { } users) problems.Add("administrators must be a list of user names (ignored)");
                    else if (AdministratorNames.TryNormalize(users, out var error) is { } names) administrators = names;
                    else problems.Add($"administrators: {error} (ignored)");
                    break;
                default:
                    problems.Add($"unknown setting '{setting.Key}' (ignored)");
                    break;
            }
        }
        return new PolicySettings(path, true, mode, servers, version, problems.Select(p => $"{path}: {p}").ToList(), administrators);
    }

    /// <summary>A JSON list of strings (an empty list included); null for a single value or a list of objects.</summary>
    private static List<string?>? List(IConfigurationSection setting)
    {
        var items = setting.GetChildren().ToList();
        if (setting.Value is { Length: > 0 }) return null;
        if (items.Any(i => i.Value is null || !int.TryParse(i.Key, out _))) return null;
        return [.. items.OrderBy(i => int.Parse(i.Key)).Select(i => i.Value)];
    }
}
