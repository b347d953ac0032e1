using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RdLicensing.ServiceDefaults;

namespace RdLicensing.Cli.Client;

/// <summary>The server's answer: the typed record, and its JSON text for --json.</summary>
internal sealed record Reply<T>(T Value, string Json);

/// <summary>
/// Which service a client talks to, and what to tell the user when it cannot: its name ("license server"),
/// URL, bearer token and where that was found, where tokens are looked up, and how to start it.
/// </summary>
internal sealed record ApiService(string Name, string Url, string? Token, string? TokenSource, string TokenLookup, string MissingTokenHint, string StartHint);

/// <summary>
/// JSON over HTTP to one RdLicensing service. Every failure becomes a <see cref="CliException"/> carrying one
/// line for the user: the ProblemDetails detail, a token hint on 401, or why the service cannot be reached.
/// </summary>
internal abstract class JsonApiClient : IDisposable
{
    public static JsonSerializerOptions Json => RdLicensing.ServiceDefaults.WireJson.Options;

    private readonly HttpClient _http;
    private readonly ApiService _service;

    protected JsonApiClient(ApiService service)
    {
        _service = service;
        _http = SocketErrorsAsHttpErrors.Client(TimeSpan.FromSeconds(60), service.Url);
        if (service.Token is not null)
            BearerCredential.Attach(_http, service.Token);
    }

    public void Dispose() => _http.Dispose();

    protected Task<Reply<T>> GetAsync<T>(string path, CancellationToken ct) => SendAsync<T>(HttpMethod.Get, path, null, ct);

    protected async Task<Reply<T>> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var response = await SendCoreAsync(method, path, body, ct);
        var json = await response.Content.ReadAsStringAsync(ct);
        try
        {
            return new Reply<T>(JsonSerializer.Deserialize<T>(json, Json) ?? throw new JsonException("empty answer"), json);
        }
        catch (JsonException)
        {
            throw new CliException($"{_service.Url} did not answer like an RdLicensing {_service.Name} (unexpected content for {path}).");
        }
    }

    protected async Task SendNoContentAsync(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var response = await SendCoreAsync(method, path, body, ct);
    }

    protected async Task<HttpResponseMessage> SendCoreAsync(HttpMethod method, string path, object? body, CancellationToken ct)
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
            throw new CliException($"cannot reach the {_service.Name} at {_service.Url} ({reason}). {_service.StartHint}");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new CliException($"the {_service.Name} at {_service.Url} did not answer within {_http.Timeout.TotalSeconds:0} seconds.");
        }
        if (response.IsSuccessStatusCode) return response;
        using (response)
        {
            throw Failure(await ProblemReader.ReadAsync(response, ct));
        }
    }

    private CliException Failure(RemoteProblem problem)
    {
        var (status, type, detail) = ((HttpStatusCode)problem.Status, problem.Type, problem.DetailOrTitle);
        if (status == HttpStatusCode.Unauthorized)
        {
            var lookup = $"it is taken from {_service.TokenLookup}";
            return _service.Token is null
                ? new CliException($"no {_service.Name} administrator token: {lookup} ({_service.MissingTokenHint}).")
                : new CliException($"the {_service.Name} refused the administrator token from {_service.TokenSource} ({(detail ?? "unauthorized").TrimEnd('.')}); {lookup}.");
        }
        return detail is not null
            ? new ProblemException((int)status, type, detail)
            : new CliException($"the {_service.Name} at {_service.Url} answered {(int)status} {status}.");
    }
}
