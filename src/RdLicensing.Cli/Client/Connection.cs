using System.Text.Json;

namespace RdLicensing.Cli.Client;

/// <summary>
/// Where the license server is and which administrator token to send.
/// Server: --server, then RDLIC_SERVER, then &lt;data&gt;/rdlic.json (written by `rdlic up`), then http://127.0.0.1:5080.
/// Token: --token, then RDLIC_TOKEN, then &lt;data&gt;/license-server/admin.token (written by the server on first start).
/// </summary>
internal sealed record Connection(string Server, string? Token, string? TokenSource, string TokenFile)
{
    public const string DefaultServer = "http://127.0.0.1:5080";
    public const string SettingsFileName = "rdlic.json";

    private static JsonSerializerOptions Json => RdLicensing.ServiceDefaults.WireJson.Indented;

    public static Connection Resolve(string? server, string? token, string dataDirectory)
    {
        var resolvedServer = NonEmpty(server) ?? NonEmpty(Environment.GetEnvironmentVariable("RDLIC_SERVER"))
            ?? ReadSettings(dataDirectory)?.Server ?? DefaultServer;
        var tokenFile = Path.GetFullPath(Path.Combine(dataDirectory, "license-server", "admin.token"));
        var (resolvedToken, source) = NonEmpty(token) is { } t ? (t, "--token")
            : NonEmpty(Environment.GetEnvironmentVariable("RDLIC_TOKEN")) is { } e ? (e, "RDLIC_TOKEN")
            : File.Exists(tokenFile) && NonEmpty(File.ReadAllText(tokenFile)) is { } f ? (f, tokenFile)
            : ((string?)null, (string?)null);
        return new Connection(ValidateServer(resolvedServer), resolvedToken, source, tokenFile);
    }

    /// <summary>Records where the running services listen, so later commands find them with only --data.</summary>
    public static string WriteSettings(string dataDirectory, string server, string? clearinghouse = null, string? sessionHost = null)
    {
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, SettingsFileName);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(new Settings(server, clearinghouse, sessionHost), Json) + "\n");
        File.Move(temporary, path, overwrite: true);
        return path;
    }

    private static Settings? ReadSettings(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, SettingsFileName);
        if (!File.Exists(path)) return null;
        try
        {
            return JsonSerializer.Deserialize<Settings>(File.ReadAllText(path), Json);
        }
        catch (JsonException)
        {
            throw new CliException($"{Path.GetFullPath(path)} is not valid JSON; it should look like {{\"server\": \"{DefaultServer}\"}}.");
        }
    }

    private static string ValidateServer(string server)
    {
        server = server.Trim().TrimEnd('/');
        if (!Uri.TryCreate(server, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new UsageException($"the server address '{server}' is not an http:// or https:// URL (from --server, RDLIC_SERVER or rdlic.json).");
        return server;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private sealed record Settings(
        string? Server,
        [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Clearinghouse = null,
        [property: System.Text.Json.Serialization.JsonPropertyName("sessionhost"), System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? SessionHost = null);
}
