using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Logging;
using Microsoft.Extensions.Logging;

namespace RdLicensing.ServiceDefaults;

/// <summary>
/// Outgoing calls carry credentials: the license server's (the console's administrator token, a migration source's
/// token), a session host's (its rdlh_ token). HttpClientFactory's own loggers print header values as "*" in the message but hand the raw values to every
/// structured sink in the log state (OpenTelemetry, JSON consoles), so they are replaced by this one, which logs the
/// method, where (scheme, host, port and path: no user info, no query) and the outcome — never a header.
/// </summary>
public static class HttpClientLogging
{
    public static IServiceCollection AddCredentialFreeHttpClientLogging(this IServiceCollection services)
    {
        services.AddSingleton<CredentialFreeHttpClientLogger>();
        services.ConfigureHttpClientDefaults(client => client.RemoveAllLoggers().AddLogger<CredentialFreeHttpClientLogger>());
        return services;
    }
}

internal sealed partial class CredentialFreeHttpClientLogger(ILogger<CredentialFreeHttpClientLogger> log) : IHttpClientLogger
{
    public object? LogRequestStart(HttpRequestMessage request) => null;

    public void LogRequestStop(object? context, HttpRequestMessage request, HttpResponseMessage response, TimeSpan elapsed) =>
        Answered(request.Method, Where(request.RequestUri), (int)response.StatusCode, elapsed.TotalMilliseconds);

    public void LogRequestFailed(object? context, HttpRequestMessage request, HttpResponseMessage? response, Exception exception, TimeSpan elapsed) =>
        Failed(request.Method, Where(request.RequestUri), elapsed.TotalMilliseconds, exception.GetType().Name);

    private static string Where(Uri? uri) => uri is { IsAbsoluteUri: true }
        ? uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped)
        : "(relative)";

    [LoggerMessage(Level = LogLevel.Debug, Message = "HTTP {Method} {Where} answered {Status} after {ElapsedMs:0} ms")]
    private partial void Answered(HttpMethod method, string where, int status, double elapsedMs);

    // The exception's type only: its message can quote what was sent.
    [LoggerMessage(Level = LogLevel.Warning, Message = "HTTP {Method} {Where} failed after {ElapsedMs:0} ms ({Failure})")]
    private partial void Failed(HttpMethod method, string where, double elapsedMs, string failure);
}
