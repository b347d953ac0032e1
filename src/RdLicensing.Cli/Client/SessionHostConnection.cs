using System.Text.Json;

namespace RdLicensing.Cli.Client;

/// <summary>
/// Where the session host is and which administrator token to send.
/// URL: --host, then the "sessionhost" entry of &lt;data&gt;/rdlic.json (written by `rdlic up`), then http://127.0.0.1:5082.
/// Token (administration only): --sessionhost-token, then RDLIC_SESSIONHOST_TOKEN, then &lt;data&gt;/sessionhost/admin.token.
/// A client device (`rdlic connect`, `rdlic disconnect`) sends none: RDP clients do not authenticate to licensing.
/// </summary>
internal sealed record SessionHostConnection(string Url, string? Token, string? TokenSource, string TokenFile)
{
    public const string DefaultUrl = "http://127.0.0.1:5082";
    public const string TokenVariable = "RDLIC_SESSIONHOST_TOKEN";
    public const string TokenOption = "--sessionhost-token";
    private const string SettingsKey = "sessionhost";

    /// <summary>For administrative commands: the URL and the administrator token.</summary>
    public static SessionHostConnection Administrator(string? host, string? token, string dataDirectory)
    {
        var tokenFile = TokenFileOf(dataDirectory);
        var (resolvedToken, source) = NonEmpty(token) is { } t ? (t, TokenOption)
            : NonEmpty(Environment.GetEnvironmentVariable(TokenVariable)) is { } e ? (e, TokenVariable)
            : File.Exists(tokenFile) && NonEmpty(File.ReadAllText(tokenFile)) is { } f ? (f, tokenFile)
            : ((string?)null, (string?)null);
        return new SessionHostConnection(ResolveUrl(host, dataDirectory), resolvedToken, source, tokenFile);
    }

    /// <summary>For a client device: the URL only, never a token.</summary>
    public static SessionHostConnection Client(string? host, string dataDirectory) =>
        new(ResolveUrl(host, dataDirectory), null, null, TokenFileOf(dataDirectory));

    private static string TokenFileOf(string dataDirectory) => Path.GetFullPath(Path.Combine(dataDirectory, "sessionhost", "admin.token"));

    private static string ResolveUrl(string? host, string dataDirectory)
    {
        var resolved = (NonEmpty(host) ?? ReadSetting(dataDirectory) ?? DefaultUrl).TrimEnd('/');
        if (!Uri.TryCreate(resolved, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new UsageException($"the session host address '{resolved}' is not an http:// or https:// URL (from --host or rdlic.json).");
        return resolved;
    }

    /// <summary>The "sessionhost" entry of &lt;data&gt;/rdlic.json (written by `rdlic up`), if any.</summary>
    private static string? ReadSetting(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, Connection.SettingsFileName);
        if (!File.Exists(path)) return null;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            if (document.RootElement.ValueKind != JsonValueKind.Object) return null;
            foreach (var property in document.RootElement.EnumerateObject())
                if (string.Equals(property.Name, SettingsKey, StringComparison.OrdinalIgnoreCase) && property.Value.ValueKind == JsonValueKind.String)
                    return NonEmpty(property.Value.GetString());
            return null;
        }
        catch (JsonException)
        {
            throw new CliException($"{Path.GetFullPath(path)} is not valid JSON; it should look like {{\"server\": \"{Connection.DefaultServer}\", \"sessionhost\": \"{DefaultUrl}\"}}.");
        }
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
