using System.Text.Json;
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
/// "licenseServers": ["http://ls1:5080"], "version": "2022", "administrators": ["alice", "CORP\\bob"]}</c>, any subset. Read at every use, so an edit
/// applies at the next connection. A value that cannot be read is reported and ignored; the others still apply.
/// </summary>
public static class PolicyFile
{
    private const int MaxBytes = 64 * 1024;

    public static PolicySettings Read(string path)
    {
        path = System.IO.Path.GetFullPath(path);
        if (!File.Exists(path)) return new PolicySettings(path, false, null, null, null, []);
        var problems = new List<string>();
        LicensingMode? mode = null;
        IReadOnlyList<string>? servers = null;
        ProductVersion? version = null;
        IReadOnlyList<string>? administrators = null;
        try
        {
            var bytes = File.ReadAllBytes(path);
            if (bytes.Length > MaxBytes) throw new JsonException($"the file is larger than {MaxBytes / 1024} KB");
            using var document = JsonDocument.Parse(bytes, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            if (document.RootElement.ValueKind != JsonValueKind.Object) throw new JsonException("it must be a JSON object");
            foreach (var property in document.RootElement.EnumerateObject())
            {
                var value = property.Value;
                switch (property.Name.ToLowerInvariant())
                {
                    case "licensingmode":
                        if (value.ValueKind == JsonValueKind.String && LicensingModes.TryParse(value.GetString(), out var m)) mode = m;
                        else problems.Add("licensingMode must be \"per-device\", \"per-user\" or \"not-configured\" (ignored)");
                        break;
                    case "licenseservers":
                        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
                            problems.Add("licenseServers must be a list of URLs (ignored)");
                        else if (LicenseServerUrls.TryNormalizeAll(value.EnumerateArray().Select(e => e.GetString()), out var error) is { } list) servers = list;
                        else problems.Add($"licenseServers: {error} (ignored)");
                        break;
                    case "version":
                        if (value.ValueKind == JsonValueKind.String && ProductVersions.TryParse(value.GetString(), out var v)) version = v;
                        else problems.Add($"version must be one of {string.Join(", ", ProductVersions.All.Select(x => x.ToShortName()))} (ignored)");
                        break;
                    case "administrators":
                        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.String))
                            problems.Add("administrators must be a list of user names (ignored)");
                        else if (AdministratorNames.TryNormalize(value.EnumerateArray().Select(e => e.GetString()), out var error) is { } names) administrators = names;
                        else problems.Add($"administrators: {error} (ignored)");
                        break;
                    default:
                        problems.Add($"unknown setting '{property.Name}' (ignored)");
                        break;
                }
            }
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return new PolicySettings(path, true, null, null, null, [$"{path} cannot be read and is ignored: {e.Message}"]);
        }
        return new PolicySettings(path, true, mode, servers, version, problems.Select(p => $"{path}: {p}").ToList(), administrators);
    }
}
