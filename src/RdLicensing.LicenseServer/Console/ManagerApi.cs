using System.Net.Http.Json;
using System.Text.Json;
using RdLicensing.ServiceDefaults;
using RdLicensing.Core.Protocol;

namespace RdLicensing.LicenseServer.Console;

/// <summary>
/// The console's client of a license server's HTTP API — the same API rdlic uses — for the server and token of the
/// signed-in administrator. A refusal becomes a <see cref="ManagerApiException"/> with the ProblemDetails detail.
/// </summary>
public sealed partial class ManagerApi(HttpClient http, string serverUrl, string token)
{
    public const string HttpClientName = "licensing-manager";

    private static JsonSerializerOptions Json => RdLicensing.ServiceDefaults.WireJson.Options;

    public string ServerUrl { get; } = serverUrl;

    public Task<StatusView> StatusAsync(CancellationToken ct) => GetAsync<StatusView>("api/admin/status", ct);

    /// <summary>The banner's alerts as the last evaluation left them: showing a page never raises one (nor adds its event).</summary>
    public Task<List<AlertView>> AlertsAsync(CancellationToken ct) => GetAsync<List<AlertView>>("api/admin/alerts?evaluate=false", ct);

    public Task<List<KeyPackView>> KeyPacksAsync(CancellationToken ct) => GetAsync<List<KeyPackView>>("api/admin/keypacks", ct);

    public async Task<T> GetAsync<T>(string path, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Get, path, null, ct);
        return await ReadAsync<T>(response, path, ct);
    }

    public async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var response = await SendAsync(method, path, body, ct);
        return await ReadAsync<T>(response, path, ct);
    }

    /// <param name="completion">ResponseHeadersRead for an answer to pass on as it arrives (a report's CSV) instead of reading it whole.</param>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body, CancellationToken ct,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        using var request = new HttpRequestMessage(method, new Uri(new Uri(ServerUrl.TrimEnd('/') + "/"), path));
        BearerCredential.Attach(request, token);
        if (body is not null) request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, completion, ct);
        }
        catch (HttpRequestException e)
        {
            throw new ManagerApiException($"The license server at {ServerUrl} cannot be reached ({(e.InnerException?.Message ?? e.Message).TrimEnd('.')}).");
        }
        if (response.IsSuccessStatusCode) return response;
        using (response) throw await FailureAsync(response, ct);
    }

    private async Task<ManagerApiException> FailureAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        if (status == 401)
            return new ManagerApiException($"The license server at {ServerUrl} no longer accepts this administrator token: sign in again.", status);
        var problem = await ProblemReader.ReadAsync(response, ct);
        return new ManagerApiException(problem.DetailOrTitle ?? $"The license server at {ServerUrl} answered {status}.", status);
    }

    private async Task<T> ReadAsync<T>(HttpResponseMessage response, string path, CancellationToken ct)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(Json, ct) ?? throw new JsonException("empty");
        }
        catch (JsonException)
        {
            throw new ManagerApiException($"{ServerUrl} did not answer like an RdLicensing license server ({path}).");
        }
    }
}
