using System.Net.Http.Json;
using System.Text.Json;
using RdLicensing.Core.Protocol;

namespace RdLicensing.Cli.Client;

/// <summary>
/// Typed calls to a session host's API (`rdlic sessionhost …`, `rdlic connect`, `rdlic diagnose`). Every failure
/// becomes a <see cref="CliException"/> carrying one line: the ProblemDetails detail, or why the host cannot be reached.
/// Where the host is: --host, else the "sessionhost" entry of &lt;data&gt;/rdlic.json, else http://127.0.0.1:5082.
/// </summary>
internal sealed class SessionHostClient : IDisposable
{
    public const string DefaultHost = "http://127.0.0.1:5082";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly HttpClient _http;

    public SessionHostClient(string host)
    {
        Host = host;
        _http = new HttpClient { BaseAddress = new Uri(host + "/"), Timeout = TimeSpan.FromSeconds(90) };
    }

    public string Host { get; }

    public static SessionHostClient Resolve(string? host, string dataDirectory) => new(ResolveHost(host, dataDirectory));

    public static string ResolveHost(string? host, string dataDirectory)
    {
        var resolved = string.IsNullOrWhiteSpace(host) ? SettingsEntry(dataDirectory) ?? DefaultHost : host.Trim();
        resolved = resolved.TrimEnd('/');
        if (!Uri.TryCreate(resolved, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new UsageException($"the session host address '{resolved}' is not an http:// or https:// URL (from --host or rdlic.json).");
        return resolved;
    }

    public Task<Reply<ConnectionView>> ConnectAsync(ConnectBody body, CancellationToken ct) => SendAsync<ConnectionView>(HttpMethod.Post, "api/connections", body, ct);

    public Task<Reply<SessionSignInView>> SignInAsync(string sessionId, CancellationToken ct) =>
        SendAsync<SessionSignInView>(HttpMethod.Post, $"api/sessions/{Uri.EscapeDataString(sessionId)}/sign-in", null, ct);

    public Task<Reply<SessionView>> EndSessionAsync(string sessionId, CancellationToken ct) =>
        SendAsync<SessionView>(HttpMethod.Delete, $"api/sessions/{Uri.EscapeDataString(sessionId)}", null, ct);

    public Task<Reply<List<SessionView>>> SessionsAsync(CancellationToken ct) => SendAsync<List<SessionView>>(HttpMethod.Get, "api/sessions", null, ct);

    public Task<Reply<SessionHostStatusView>> StatusAsync(CancellationToken ct) => SendAsync<SessionHostStatusView>(HttpMethod.Get, "api/status", null, ct);

    public Task<Reply<SessionHostConfigView>> ConfigAsync(CancellationToken ct) => SendAsync<SessionHostConfigView>(HttpMethod.Get, "api/config", null, ct);

    public Task<Reply<SessionHostConfigChange>> SetConfigAsync(SessionHostConfigUpdate update, CancellationToken ct) =>
        SendAsync<SessionHostConfigChange>(HttpMethod.Put, "api/config", update, ct);

    public Task<Reply<HostEnrollmentView>> EnrollAsync(HostEnrollmentBody body, CancellationToken ct) =>
        SendAsync<HostEnrollmentView>(HttpMethod.Post, "api/enrollments", body, ct);

    public Task<Reply<List<SessionHostEventView>>> EventsAsync(int? eventId, string? level, int? limit, CancellationToken ct)
    {
        var query = new[] { ("eventId", eventId?.ToString()), ("level", level), ("limit", limit?.ToString()) }
            .Where(q => q.Item2 is not null).Select(q => $"{q.Item1}={Uri.EscapeDataString(q.Item2!)}").ToList();
        return SendAsync<List<SessionHostEventView>>(HttpMethod.Get, "api/events" + (query.Count == 0 ? "" : "?" + string.Join('&', query)), null, ct);
    }

    public Task<Reply<DiagnosisView>> DiagnoseAsync(CancellationToken ct) => SendAsync<DiagnosisView>(HttpMethod.Get, "api/diagnose", null, ct);

    public Task<Reply<ClockView>> AdvanceClockAsync(string by, CancellationToken ct) =>
        SendAsync<ClockView>(HttpMethod.Post, "api/clock/advance", new ClockAdvanceBody(by), ct);

    public void Dispose() => _http.Dispose();

    private async Task<Reply<T>> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, ct);
        }
        catch (HttpRequestException e)
        {
            var reason = (e.InnerException?.Message ?? e.Message).TrimEnd('.');
            throw new CliException($"cannot reach the session host at {Host} ({reason}). Start it with 'rdlic sessionhost run' or pass --host.");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new CliException($"the session host at {Host} did not answer within {_http.Timeout.TotalSeconds:0} seconds.");
        }
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode)
            {
                var (type, detail) = ProblemOf(text);
                throw detail is not null
                    ? new ProblemException((int)response.StatusCode, type, detail)
                    : new CliException($"the session host at {Host} answered {(int)response.StatusCode} {response.StatusCode}.");
            }
            try
            {
                return new Reply<T>(JsonSerializer.Deserialize<T>(text, Json) ?? throw new JsonException("empty answer"), text);
            }
            catch (JsonException)
            {
                throw new CliException($"{Host} did not answer like an RdLicensing session host (unexpected content for {path}).");
            }
        }
    }

    private static (string? Type, string? Detail) ProblemOf(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object) return (null, null);
            string? Text(string name) => document.RootElement.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            return (Text("type"), Text("detail") ?? Text("title"));
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    /// <summary>The "sessionhost" entry of &lt;data&gt;/rdlic.json (written by `rdlic up`), if any.</summary>
    private static string? SettingsEntry(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, Connection.SettingsFileName);
        if (!File.Exists(path)) return null;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            if (document.RootElement.ValueKind != JsonValueKind.Object) return null;
            foreach (var property in document.RootElement.EnumerateObject())
                if (string.Equals(property.Name, "sessionhost", StringComparison.OrdinalIgnoreCase) && property.Value.ValueKind == JsonValueKind.String)
                    return property.Value.GetString();
            return null;
        }
        catch (JsonException)
        {
            throw new CliException($"{Path.GetFullPath(path)} is not valid JSON; it should look like {{\"server\": \"http://127.0.0.1:5080\", \"sessionhost\": \"{DefaultHost}\"}}.");
        }
    }
}
