using RdLicensing.Rdp.Connection;
using RdLicensing.Rdp.Licensing;

namespace RdLicensing.Rdp.Client;

/// <summary>
/// Our own RDP licensing client: drives a real RDP endpoint over TCP the way xfreerdp does — X.224 (TLS when asked),
/// MCS connect and domain set-up, the Security Exchange and Client Info, the MS-RDPELE exchange as a client (New
/// License Request or Client License Info, Platform Challenge Response, New or Upgrade License), the activation as
/// far as the server takes it, and the server's Set Error Info and Disconnect Provider Ultimatum. The benchmark
/// (`rdlic bench rdp`), the robustness tests and the diagnostics use it.
/// </summary>
/// <remarks>
/// Every reply is read with the endpoint's own bounds-checked codecs; anything the server sends out of order,
/// malformed or with a MAC that does not verify is an <see cref="RdpProtocolException"/> naming it, a server that goes
/// silent an <see cref="RdpTimeoutException"/>, an unreachable one a <see cref="System.Net.Sockets.SocketException"/>.
/// Each <see cref="ConnectAsync"/> is one new connection; the client keeps nothing between them: store
/// <see cref="RdpClientResult.License"/> and pass it back as <see cref="RdpClientOptions.StoredLicense"/>.
/// </remarks>
public sealed class RdpLicensingClient
{
    private readonly RdpClientOptions _options;

    public RdpLicensingClient(RdpClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
    }

    /// <summary>The HWID the client sends for <paramref name="hostname"/> (PlatformId 0x04010000 + MD5 of the hostname, as xfreerdp).</summary>
    public static ClientHardwareId HardwareIdOf(string hostname) => ClientLicensing.HardwareIdOf(hostname);

    /// <summary>
    /// A bare connection — TCP, the X.224 negotiation and, under <see cref="RdpClientSecurity.Tls"/>, the TLS handshake —
    /// closed at once: what every exchange costs before MCS and licensing, the benchmark's baseline. Its time to completion.
    /// </summary>
    public async Task<TimeSpan> ConnectBareAsync(CancellationToken cancellationToken = default)
    {
        var started = _options.Clock.GetTimestamp();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.Timeout);
        try
        {
            await using var transport = await ClientTransport.ConnectAsync(_options, deadline.Token);
            await new ClientConnection(_options, transport).NegotiateOnlyAsync(deadline.Token);
            return _options.Clock.GetElapsedTime(started);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new RdpTimeoutException($"the bare connection to {_options.Host}:{_options.Port} did not finish within {_options.Timeout.TotalSeconds:0.#} s.");
        }
    }

    /// <summary>One connection, from the TCP connect to the server's disconnect, within <see cref="RdpClientOptions.Timeout"/>.</summary>
    public async Task<RdpClientResult> ConnectAsync(CancellationToken cancellationToken = default)
    {
        var started = _options.Clock.GetTimestamp();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_options.Timeout);
        try
        {
            await using var transport = await ClientTransport.ConnectAsync(_options, deadline.Token);
            var result = await new ClientConnection(_options, transport).RunAsync(deadline.Token);
            return result with { Elapsed = _options.Clock.GetElapsedTime(started) };
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new RdpTimeoutException($"the exchange with {_options.Host}:{_options.Port} did not finish within {_options.Timeout.TotalSeconds:0.#} s.");
        }
    }
}
