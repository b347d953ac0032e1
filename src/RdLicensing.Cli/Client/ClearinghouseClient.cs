using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using RdLicensing.Core.Protocol;

namespace RdLicensing.Cli.Client;

/// <summary>
/// Typed calls to the clearinghouse's vendor administration API. Every failure becomes a <see cref="CliException"/>
/// with one line for the user: the ProblemDetails detail, a token hint on 401, or why it cannot be reached.
/// </summary>
internal sealed class ClearinghouseClient : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly HttpClient _http;
    private readonly ClearinghouseConnection _connection;

    public ClearinghouseClient(ClearinghouseConnection connection)
    {
        _connection = connection;
        _http = new HttpClient { BaseAddress = new Uri(connection.Url + "/"), Timeout = TimeSpan.FromSeconds(60) };
        if (connection.Token is not null)
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", connection.Token);
    }

    public Task<Reply<List<RetailCodeView>>> IssueCodesAsync(RetailCodesRequest body, CancellationToken ct) =>
        SendAsync<List<RetailCodeView>>(HttpMethod.Post, "api/admin/codes", body, ct);

    public Task<Reply<List<RetailCodeView>>> CodesAsync(CancellationToken ct) => SendAsync<List<RetailCodeView>>(HttpMethod.Get, "api/admin/codes", null, ct);

    public Task<Reply<OpenLicenseView>> AddOpenLicenseAsync(OpenLicenseRequest body, CancellationToken ct) =>
        SendAsync<OpenLicenseView>(HttpMethod.Post, "api/admin/open-licenses", body, ct);

    public Task<Reply<List<OpenLicenseView>>> OpenLicensesAsync(CancellationToken ct) =>
        SendAsync<List<OpenLicenseView>>(HttpMethod.Get, "api/admin/open-licenses", null, ct);

    public Task<Reply<AgreementView>> AddAgreementAsync(AgreementRequest body, CancellationToken ct) =>
        SendAsync<AgreementView>(HttpMethod.Post, "api/admin/agreements", body, ct);

    public Task<Reply<List<AgreementView>>> AgreementsAsync(CancellationToken ct) => SendAsync<List<AgreementView>>(HttpMethod.Get, "api/admin/agreements", null, ct);

    public Task<Reply<List<ActivationRecordView>>> ActivationsAsync(CancellationToken ct) =>
        SendAsync<List<ActivationRecordView>>(HttpMethod.Get, "api/admin/activations", null, ct);

    public Task<Reply<List<InstallRecordView>>> InstallsAsync(CancellationToken ct) =>
        SendAsync<List<InstallRecordView>>(HttpMethod.Get, "api/admin/installs", null, ct);

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
            throw new CliException($"cannot reach the clearinghouse at {_connection.Url} ({reason}). Start it with './rdlic up' or './rdlic clearinghouse run', or pass --clearinghouse.");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new CliException($"the clearinghouse at {_connection.Url} did not answer within {_http.Timeout.TotalSeconds:0} seconds.");
        }
        using (response)
        {
            var json = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode) throw Failure(response.StatusCode, json);
            try
            {
                return new Reply<T>(JsonSerializer.Deserialize<T>(json, Json) ?? throw new JsonException("empty answer"), json);
            }
            catch (JsonException)
            {
                throw new CliException($"{_connection.Url} did not answer like an RdLicensing clearinghouse (unexpected content for {path}).");
            }
        }
    }

    private CliException Failure(HttpStatusCode status, string body)
    {
        var (type, detail) = ProblemDetailsOf(body);
        if (status == HttpStatusCode.Unauthorized)
        {
            var lookup = $"it is taken from --clearinghouse-token, else RDLIC_CLEARINGHOUSE_TOKEN, else {_connection.TokenFile}";
            return _connection.Token is null
                ? new CliException($"no clearinghouse administrator token: {lookup} (written by the clearinghouse on its first start; point --data at the data directory of `rdlic up`).")
                : new CliException($"the clearinghouse refused the administrator token from {_connection.TokenSource} ({(detail ?? "unauthorized").TrimEnd('.')}); {lookup}.");
        }
        return detail is not null
            ? new ProblemException((int)status, type, detail)
            : new CliException($"the clearinghouse at {_connection.Url} answered {(int)status} {status}.");
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
}
