using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;

namespace RdLicensing.ServiceDefaults;

/// <summary>
/// Makes every failure to reach a server an <see cref="HttpRequestException"/> (<see cref="HttpRequestError.ConnectionError"/>),
/// which is what each caller handles: a session host then asks its next license server, rdlic says the server cannot be
/// reached, the benchmark counts a connection error.
/// </summary>
/// <remarks>
/// .NET 10's SocketsHttpHandler lets one socket error through bare. After the TCP handshake it reads the peer's address
/// for its diagnostics (<c>Socket.RemoteEndPoint</c>, getpeername) outside the code that wraps connection errors. When
/// the server resets the connection in between — a server killed or restarting with the connection still in its accept
/// queue — that read throws <see cref="SocketException"/> "Transport endpoint is not connected" (ENOTCONN) from
/// <c>HttpClient.SendAsync</c>. The crash test met it once in CI, and stopped on it.
/// </remarks>
public sealed class SocketErrorsAsHttpErrors : DelegatingHandler
{
    public SocketErrorsAsHttpErrors()
    {
    }

    public SocketErrorsAsHttpErrors(HttpMessageHandler inner) : base(inner)
    {
    }

    /// <summary>
    /// An HttpClient made outside a container (rdlic, the benchmark): over <paramref name="transport"/> (else a default
    /// SocketsHttpHandler) behind this handler, relative addresses resolved under <paramref name="baseAddress"/>.
    /// </summary>
    public static HttpClient Client(TimeSpan timeout, string? baseAddress = null, SocketsHttpHandler? transport = null) =>
        new(new SocketErrorsAsHttpErrors(transport ?? new SocketsHttpHandler()))
        {
            BaseAddress = baseAddress is null ? null : new Uri(baseAddress.TrimEnd('/') + "/"),
            Timeout = timeout,
        };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await base.SendAsync(request, cancellationToken);
        }
        catch (SocketException e)
        {
            throw Wrapped(e, request);
        }
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return base.Send(request, cancellationToken);
        }
        catch (SocketException e)
        {
            throw Wrapped(e, request);
        }
    }

    // As the handler words its own connection errors: "Connection refused (127.0.0.1:5080)", the socket error inside.
    private static HttpRequestException Wrapped(SocketException e, HttpRequestMessage request) =>
        new(HttpRequestError.ConnectionError, $"{e.Message} ({request.RequestUri?.Authority})", e);
}

public static class SocketErrorsAsHttpErrorsRegistration
{
    /// <summary>Every HttpClient the container makes gets <see cref="SocketErrorsAsHttpErrors"/> in its pipeline.</summary>
    public static IServiceCollection AddSocketErrorsAsHttpErrors(this IServiceCollection services)
    {
        services.ConfigureHttpClientDefaults(client => client.AddHttpMessageHandler(() => new SocketErrorsAsHttpErrors()));
        return services;
    }
}
