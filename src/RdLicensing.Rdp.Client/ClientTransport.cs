using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using RdLicensing.Rdp.Connection;
using RdLicensing.Rdp.Wire;

namespace RdLicensing.Rdp.Client;

/// <summary>
/// The client's TCP (then TLS) connection: whole frames in through the server's own <see cref="FrameReader"/>, each
/// within <see cref="RdpClientOptions.ReadTimeout"/>; packets out through <see cref="RdpClientOptions.Tamper"/>. A
/// server that closes, resets or goes silent becomes an exception that says what the client was waiting for.
/// </summary>
internal sealed class ClientTransport : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly RdpClientOptions _options;
    private readonly FrameReader _reader;
    private Stream _stream;

    private ClientTransport(TcpClient tcp, RdpClientOptions options)
    {
        _tcp = tcp;
        _options = options;
        _stream = tcp.GetStream();
        _reader = new FrameReader(_stream);
    }

    /// <exception cref="SocketException">Nobody listens there, or the host is unknown.</exception>
    public static async Task<ClientTransport> ConnectAsync(RdpClientOptions options, CancellationToken cancellationToken)
    {
        var tcp = new TcpClient { NoDelay = true };
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.ConnectTimeout);
            try
            {
                await tcp.ConnectAsync(options.Host, options.Port, timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new RdpTimeoutException($"the TCP connection to {options.Host}:{options.Port} was not established within {options.ConnectTimeout.TotalSeconds:0.#} s.");
            }
            var transport = new ClientTransport(tcp, options);
            tcp = null;
            return transport;
        }
        finally
        {
            tcp?.Dispose();
        }
    }

    /// <summary>TLS over the connection; the server's certificate is not checked (a self-signed one is the norm, as with `/cert:ignore`).</summary>
    public async Task StartTlsAsync(CancellationToken cancellationToken)
    {
        var ssl = new SslStream(_stream, leaveInnerStreamOpen: false);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ConnectTimeout);
        try
        {
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = _options.Host,
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                RemoteCertificateValidationCallback = (_, _, _, _) => true,
            }, timeout.Token);
        }
        catch (AuthenticationException e)
        {
            await ssl.DisposeAsync();
            throw new RdpProtocolException($"the TLS handshake with the server failed: {e.Message}");
        }
        catch (IOException e)
        {
            await ssl.DisposeAsync();
            throw new RdpProtocolException($"the server broke off the TLS handshake ({e.Message}).");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await ssl.DisposeAsync();
            throw new RdpTimeoutException($"the TLS handshake did not finish within {_options.ConnectTimeout.TotalSeconds:0.#} s.");
        }
        _stream = ssl;
        _reader.Stream = ssl;
    }

    /// <summary>Sends one packet as <see cref="RdpClientOptions.Tamper"/> lets it through.</summary>
    /// <exception cref="RdpClientClosedException">The tamper hook chose to close the connection instead.</exception>
    public async Task SendAsync(RdpClientStage stage, byte[] packet, CancellationToken cancellationToken)
    {
        var sent = _options.Tamper is { } tamper ? tamper(stage, packet) : packet;
        // The connection is closed as the exception leaves RdpLicensingClient.ConnectAsync, which disposes this transport.
        if (sent is null) throw new RdpClientClosedException(stage);
        try
        {
            await _stream.WriteAsync(sent, cancellationToken);
            await _stream.FlushAsync(cancellationToken);
        }
        catch (IOException e)
        {
            throw new RdpProtocolException($"the connection broke while the client sent its {stage} packet ({e.Message}).");
        }
    }

    /// <summary>The payload of the next TPKT packet; the server sends no fast-path output before the session starts.</summary>
    public async Task<byte[]> ReadSlowPathAsync(string what, CancellationToken cancellationToken)
    {
        var frame = await ReadFrameAsync(what, cancellationToken);
        if (frame.FastPath) throw new RdpProtocolException($"a fast-path PDU from the server where the {what} was expected.");
        return frame.Payload;
    }

    /// <summary>The next frame, slow or fast path, within <see cref="RdpClientOptions.ReadTimeout"/>.</summary>
    public async Task<RdpFrame> ReadFrameAsync(string what, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ReadTimeout);
        RdpFrame frame;
        try
        {
            frame = await _reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RdpTimeoutException($"the server sent nothing for {_options.ReadTimeout.TotalSeconds:0.#} s while the client waited for the {what}.");
        }
        catch (ConnectionClosedException)
        {
            throw new RdpProtocolException($"the server closed the connection while the client waited for the {what}.");
        }
        catch (IOException e)
        {
            throw new RdpProtocolException($"the connection broke while the client waited for the {what} ({e.Message}).");
        }
        return frame;
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _tcp.Dispose();
    }
}
