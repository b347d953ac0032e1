using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using RdLicensing.Cli.Client;
using RdLicensing.Core.Protocol;
using RdLicensing.ServiceDefaults;

namespace RdLicensing.Cli.Bench;

/// <summary>One call's result: the answer's body when it succeeded, else why not, in a few words that group alike failures.</summary>
internal readonly record struct CallResult<T>(T? Body, string? Error) where T : class
{
    public bool ConnectionFailed => Error?.StartsWith(SessionHostCalls.ConnectionFailure, StringComparison.Ordinal) == true;
}

/// <summary>
/// The license server's session host API, called as an enrolled session host does, over one pool of keep-alive
/// connections as wide as the benchmark's concurrency. Nothing throws: a refused connection, a reset, a timeout or an
/// error status is a result, so a server that dies under load (the crash test) is measured, not fatal.
/// </summary>
internal sealed class SessionHostCalls : IDisposable
{
    public const string ConnectionFailure = "connection failed";
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    private readonly HttpClient _http;

    public SessionHostCalls(string server, string hostToken, int connections)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        };
        _http = SocketErrorsAsHttpErrors.Client(RequestTimeout, server, handler);
        BearerCredential.Attach(_http, hostToken);
    }

    public Task<CallResult<CalResponseBody>> RequestCalAsync(CalRequestBody body) => PostAsync<CalRequestBody, CalResponseBody>("api/sessionhost/cals", body);

    public Task<CallResult<SignInResponse>> ReportSignInAsync(string hardwareId) =>
        PostAsync<SignInBody, SignInResponse>("api/sessionhost/cals/sign-in", new SignInBody(hardwareId));

    public Task<CallResult<PingView>> PingAsync() => CallAsync<PingView>(() => _http.GetAsync("api/sessionhost/ping"));

    public void Dispose() => _http.Dispose();

    private Task<CallResult<TResponse>> PostAsync<TBody, TResponse>(string path, TBody body) where TResponse : class =>
        CallAsync<TResponse>(() => _http.PostAsJsonAsync(path, body, JsonApiClient.Json));

    private static async Task<CallResult<T>> CallAsync<T>(Func<Task<HttpResponseMessage>> send) where T : class
    {
        try
        {
            using var response = await send();
            if (!response.IsSuccessStatusCode) return new(null, $"HTTP {(int)response.StatusCode}{await ProblemTypeAsync(response)}");
            return await response.Content.ReadFromJsonAsync<T>(JsonApiClient.Json) is { } value ? new(value, null) : new(null, "empty answer");
        }
        catch (HttpRequestException e)
        {
            return new(null, $"{ConnectionFailure}: {(e.InnerException?.Message ?? e.Message).TrimEnd('.')}");
        }
        catch (TaskCanceledException)
        {
            return new(null, $"no answer within {RequestTimeout.TotalSeconds:0} s");
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            return new(null, $"unreadable answer ({e.GetType().Name})");
        }
    }

    /// <summary>" (no-temporary-cal)": the stable problem type's last segment, so failures group by kind, not by message.</summary>
    private static async Task<string> ProblemTypeAsync(HttpResponseMessage response)
    {
        try
        {
            return (await ProblemReader.ReadAsync(response, CancellationToken.None)).Slug is { } slug ? $" ({slug})" : "";
        }
        catch (Exception e) when (e is IOException or HttpRequestException)
        {
            return "";
        }
    }
}

/// <summary>GET /api/sessionhost/ping's answer.</summary>
internal sealed record PingView(string Status);
