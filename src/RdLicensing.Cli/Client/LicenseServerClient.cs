using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using RdLicensing.Core.Protocol;

namespace RdLicensing.Cli.Client;

/// <summary>The server's answer: the typed record, and its JSON text for --json.</summary>
internal sealed record Reply<T>(T Value, string Json);

/// <summary>
/// Typed calls to the license server's administration API. Every failure becomes a <see cref="CliException"/>
/// carrying one line for the user: the ProblemDetails detail, a token hint on 401, or why the server cannot be reached.
/// </summary>
internal sealed class LicenseServerClient : IDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly HttpClient _http;
    private readonly Connection _connection;

    public LicenseServerClient(Connection connection)
    {
        _connection = connection;
        _http = new HttpClient { BaseAddress = new Uri(connection.Server + "/"), Timeout = TimeSpan.FromSeconds(60) };
        if (connection.Token is not null)
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", connection.Token);
    }

    public Task<Reply<StatusView>> StatusAsync(CancellationToken ct) => GetAsync<StatusView>("api/admin/status", ct);

    public Task<Reply<ActivationView>> ActivateAsync(string licenseServerId, CancellationToken ct) =>
        SendAsync<ActivationView>(HttpMethod.Post, "api/admin/activation", new ActivationCodeBody(licenseServerId), ct);

    public Task<Reply<List<KeyPackView>>> KeyPacksAsync(CancellationToken ct) => GetAsync<List<KeyPackView>>("api/admin/keypacks", ct);

    public Task<Reply<KeyPackView>> InstallKeyPackAsync(string content, CancellationToken ct) =>
        SendAsync<KeyPackView>(HttpMethod.Post, "api/admin/keypacks", new SignedFileBody(content), ct);

    public Task<Reply<CalPage>> CalsAsync(IEnumerable<KeyValuePair<string, string?>> query, CancellationToken ct) =>
        GetAsync<CalPage>("api/admin/cals" + QueryString(query), ct);

    public Task<Reply<RevokeResponse>> RevokeAsync(long id, CancellationToken ct) =>
        SendAsync<RevokeResponse>(HttpMethod.Post, $"api/admin/cals/{id}/revoke", null, ct);

    public Task<Reply<List<RevocationView>>> RevocationAsync(string? version, CancellationToken ct) =>
        GetAsync<List<RevocationView>>("api/admin/revocation" + QueryString([new("version", version)]), ct);

    public Task<Reply<ReportView>> CreateReportAsync(string type, CancellationToken ct) =>
        SendAsync<ReportView>(HttpMethod.Post, "api/admin/reports", new ReportCreateBody(type), ct);

    public Task<Reply<List<ReportView>>> ReportsAsync(CancellationToken ct) => GetAsync<List<ReportView>>("api/admin/reports", ct);

    public async Task<byte[]> ReportCsvAsync(string id, CancellationToken ct)
    {
        using var response = await SendCoreAsync(HttpMethod.Get, $"api/admin/reports/{Uri.EscapeDataString(id)}/csv", null, ct);
        return await response.Content.ReadAsByteArrayAsync(ct);
    }

    public Task DeleteReportAsync(string id, CancellationToken ct) => SendNoContentAsync(HttpMethod.Delete, $"api/admin/reports/{Uri.EscapeDataString(id)}", null, ct);

    public Task<Reply<List<EventView>>> EventsAsync(IEnumerable<KeyValuePair<string, string?>> query, CancellationToken ct) =>
        GetAsync<List<EventView>>("api/admin/events" + QueryString(query), ct);

    public Task<Reply<ClockView>> ClockAsync(CancellationToken ct) => GetAsync<ClockView>("api/admin/clock", ct);

    public Task<Reply<ClockView>> AdvanceClockAsync(string by, CancellationToken ct) =>
        SendAsync<ClockView>(HttpMethod.Post, "api/admin/clock/advance", new ClockAdvanceBody(by), ct);

    public Task<Reply<List<SessionHostView>>> HostsAsync(CancellationToken ct) => GetAsync<List<SessionHostView>>("api/admin/sessionhosts", ct);

    public Task<Reply<EnrollResponse>> EnrollAsync(string name, bool inSecurityGroup, CancellationToken ct) =>
        SendAsync<EnrollResponse>(HttpMethod.Post, "api/admin/sessionhosts", new EnrollBody(name, inSecurityGroup), ct);

    public Task RemoveHostAsync(string name, CancellationToken ct) =>
        SendNoContentAsync(HttpMethod.Delete, $"api/admin/sessionhosts/{Uri.EscapeDataString(name)}", null, ct);

    public Task<Reply<SessionHostView>> SetSecurityGroupAsync(string name, bool member, CancellationToken ct) =>
        SendAsync<SessionHostView>(HttpMethod.Put, $"api/admin/sessionhosts/{Uri.EscapeDataString(name)}/security-group", new SecurityGroupBody(member), ct);

    public Task<Reply<PoliciesView>> PoliciesAsync(CancellationToken ct) => GetAsync<PoliciesView>("api/admin/policies", ct);

    public Task<Reply<PoliciesView>> SetPoliciesAsync(PoliciesUpdate update, CancellationToken ct) =>
        SendAsync<PoliciesView>(HttpMethod.Put, "api/admin/policies", update, ct);

    public Task<Reply<PropertiesView>> PropertiesAsync(CancellationToken ct) => GetAsync<PropertiesView>("api/admin/properties", ct);

    public Task<Reply<PropertiesView>> SetPropertiesAsync(PropertiesBody body, CancellationToken ct) =>
        SendAsync<PropertiesView>(HttpMethod.Put, "api/admin/properties", body, ct);

    public Task<Reply<ActivationInstructionsView>> ActivationInstructionsAsync(string method, string? country, CancellationToken ct) =>
        GetAsync<ActivationInstructionsView>("api/admin/activation/instructions" + QueryString([new("method", method), new("country", country)]), ct);

    public Task<Reply<ActivationChangeResponse>> ActivateAutomaticAsync(CompanyInformation company, CancellationToken ct) =>
        SendAsync<ActivationChangeResponse>(HttpMethod.Post, "api/admin/activation/automatic", new AutomaticActivationBody(company), ct);

    public Task<Reply<ActivationChangeResponse>> ReactivateAsync(ReactivationBody body, CancellationToken ct) =>
        SendAsync<ActivationChangeResponse>(HttpMethod.Post, "api/admin/activation/reactivate", body, ct);

    public Task<Reply<ActivationChangeResponse>> DeactivateAsync(DeactivationBody body, CancellationToken ct) =>
        SendAsync<ActivationChangeResponse>(HttpMethod.Post, "api/admin/activation/deactivate", body, ct);

    public Task<Reply<LicenseInstallResponse>> InstallLicensesAsync(LicenseInstallBody body, CancellationToken ct) =>
        SendAsync<LicenseInstallResponse>(HttpMethod.Post, "api/admin/licenses", body, ct);

    public Task<Reply<LicenseInstallResponse>> InstallKeyPackIdAsync(string code, CancellationToken ct) =>
        SendAsync<LicenseInstallResponse>(HttpMethod.Post, "api/admin/keypacks/code", new KeyPackIdCodeBody(code), ct);

    public Task<Reply<MigrationResult>> MigrateAsync(MigrationBody body, CancellationToken ct) =>
        SendAsync<MigrationResult>(HttpMethod.Post, "api/admin/licenses/migrate", body, ct);

    public Task<Reply<RebuildResponse>> RebuildDatabaseAsync(string confirm, CancellationToken ct) =>
        SendAsync<RebuildResponse>(HttpMethod.Post, "api/admin/database/rebuild", new RebuildBody(confirm), ct);

    public async Task<byte[]> BackupAsync(CancellationToken ct)
    {
        using var response = await SendCoreAsync(HttpMethod.Post, "api/admin/backup", null, ct);
        return await response.Content.ReadAsByteArrayAsync(ct);
    }

    public void Dispose() => _http.Dispose();

    private Task<Reply<T>> GetAsync<T>(string path, CancellationToken ct) => SendAsync<T>(HttpMethod.Get, path, null, ct);

    private async Task<Reply<T>> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var response = await SendCoreAsync(method, path, body, ct);
        var json = await response.Content.ReadAsStringAsync(ct);
        try
        {
            return new Reply<T>(JsonSerializer.Deserialize<T>(json, Json) ?? throw new JsonException("empty answer"), json);
        }
        catch (JsonException)
        {
            throw new CliException($"{_connection.Server} did not answer like an RdLicensing license server (unexpected content for {path}).");
        }
    }

    private async Task SendNoContentAsync(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var response = await SendCoreAsync(method, path, body, ct);
    }

    private async Task<HttpResponseMessage> SendCoreAsync(HttpMethod method, string path, object? body, CancellationToken ct)
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
            throw new CliException($"cannot reach the license server at {_connection.Server} ({reason}). Start it with './rdlic up' or pass --server.");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new CliException($"the license server at {_connection.Server} did not answer within {_http.Timeout.TotalSeconds:0} seconds.");
        }
        if (response.IsSuccessStatusCode) return response;
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            throw Failure(response.StatusCode, text);
        }
    }

    private CliException Failure(HttpStatusCode status, string body)
    {
        var (type, detail) = ProblemDetailsOf(body);
        if (status == HttpStatusCode.Unauthorized)
        {
            var lookup = $"it is taken from --token, else RDLIC_TOKEN, else {_connection.TokenFile}";
            return _connection.Token is null
                ? new CliException($"no administrator token: {lookup} (written by the license server on its first start; point --data at that server's data directory).")
                : new CliException($"the license server refused the administrator token from {_connection.TokenSource} ({(detail ?? "unauthorized").TrimEnd('.')}); {lookup}.");
        }
        return detail is not null
            ? new ProblemException((int)status, type, detail)
            : new CliException($"the license server at {_connection.Server} answered {(int)status} {status}.");
    }

    private static (string? Type, string? Detail) ProblemDetailsOf(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            if (document.RootElement.ValueKind != JsonValueKind.Object) return (null, null);
            string? Text(string name) => document.RootElement.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
            return (Text("type"), Text("detail") ?? Text("title"));
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    private static string QueryString(IEnumerable<KeyValuePair<string, string?>> query)
    {
        var parts = query.Where(p => p.Value is not null).Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value!)}").ToList();
        return parts.Count == 0 ? "" : "?" + string.Join('&', parts);
    }
}
