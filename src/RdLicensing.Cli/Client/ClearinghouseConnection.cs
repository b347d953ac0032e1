using System.Text.Json;
using System.Text.Json.Nodes;

namespace RdLicensing.Cli.Client;

/// <summary>
/// Where the clearinghouse is and which administrator token to send.
/// URL: --clearinghouse, then RDLIC_CLEARINGHOUSE, then "clearinghouse" in &lt;data&gt;/rdlic.json (written by `rdlic up`), then http://127.0.0.1:5081.
/// Token: --clearinghouse-token, then RDLIC_CLEARINGHOUSE_TOKEN, then &lt;data&gt;/clearinghouse/admin.token.
/// </summary>
internal sealed record ClearinghouseConnection(string Url, string? Token, string? TokenSource, string TokenFile)
{
    public const string DefaultUrl = "http://127.0.0.1:5081";
    private const string SettingsKey = "clearinghouse";

    public static ClearinghouseConnection Resolve(string? url, string? token, string dataDirectory)
    {
        var resolvedUrl = NonEmpty(url) ?? NonEmpty(Environment.GetEnvironmentVariable("RDLIC_CLEARINGHOUSE")) ?? ReadSetting(dataDirectory) ?? DefaultUrl;
        var tokenFile = Path.GetFullPath(Path.Combine(dataDirectory, "clearinghouse", "admin.token"));
        var (resolvedToken, source) = NonEmpty(token) is { } t ? (t, "--clearinghouse-token")
            : NonEmpty(Environment.GetEnvironmentVariable("RDLIC_CLEARINGHOUSE_TOKEN")) is { } e ? (e, "RDLIC_CLEARINGHOUSE_TOKEN")
            : File.Exists(tokenFile) && NonEmpty(File.ReadAllText(tokenFile)) is { } f ? (f, tokenFile)
            : ((string?)null, (string?)null);
        return new ClearinghouseConnection(Validate(resolvedUrl), resolvedToken, source, tokenFile);
    }

    private static string? ReadSetting(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, Connection.SettingsFileName);
        if (!File.Exists(path)) return null;
        try
        {
            return JsonNode.Parse(File.ReadAllText(path)) is JsonObject o && o[SettingsKey] is JsonValue v && v.TryGetValue<string>(out var url) ? NonEmpty(url) : null;
        }
        catch (JsonException)
        {
            throw new CliException($"{Path.GetFullPath(path)} is not valid JSON; it should look like {{\"server\": \"{Connection.DefaultServer}\", \"clearinghouse\": \"{DefaultUrl}\"}}.");
        }
    }

    private static string Validate(string url)
    {
        url = url.Trim().TrimEnd('/');
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new UsageException($"the clearinghouse address '{url}' is not an http:// or https:// URL (from --clearinghouse, RDLIC_CLEARINGHOUSE or rdlic.json).");
        return url;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
