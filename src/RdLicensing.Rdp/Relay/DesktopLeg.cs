using System.Net.Security;
using System.Security.Authentication;
using RdLicensing.Rdp.Connection;
using RdLicensing.Rdp.Wire;

namespace RdLicensing.Rdp.Relay;

/// <summary>
/// The relay's own connection to the desktop, in the client role: X.224 asking for TLS (always: xrdp's standard RDP
/// security fails with xfreerdp, and the endpoint terminates the client's security anyway), the TLS handshake, the MCS
/// Connect Initial carrying the client's GCC blocks; then PDUs as frames. The desktop is the administrator's own
/// (`--desktop`): its certificate is not checked, as with `xfreerdp /cert:ignore`.
/// </summary>
internal sealed class DesktopLeg : IAsyncDisposable
{
    private static readonly byte[] ServerKey = "McDn"u8.ToArray();

    private readonly DesktopStream _desktop;
    private readonly TimeSpan _readTimeout;

    private DesktopLeg(DesktopStream desktop, TimeSpan readTimeout)
    {
        _desktop = desktop;
        _readTimeout = readTimeout;
        Reader = new FrameReader(desktop.Stream) { Peer = "desktop" };
    }

    public string Address => _desktop.Address;

    public Stream Stream => _desktop.Stream;

    public FrameReader Reader { get; }

    /// <summary>X.224 with TLS requested, then the TLS handshake.</summary>
    public static async Task<DesktopLeg> NegotiateAsync(DesktopStream desktop, string? cookie, TimeSpan readTimeout, CancellationToken cancellationToken)
    {
        var leg = new DesktopLeg(desktop, readTimeout);
        try
        {
            await leg.SendAsync(new X224ConnectionRequest(cookie, SecurityProtocols.Tls).ToBytes(), cancellationToken);
            var confirm = X224ConnectionConfirm.Parse(await leg.ReadSlowPathAsync("X.224 Connection Confirm", cancellationToken));
            if (confirm.FailureCode is { } failure)
                throw new DesktopProtocolException($"the desktop {desktop.Address} refused TLS (RDP_NEG_FAILURE 0x{failure:X}): let it offer TLS (xrdp: security_layer=negotiate or tls, with a certificate).");
            if (confirm.Selected != SecurityProtocols.Tls)
                throw new DesktopProtocolException($"the desktop {desktop.Address} selected {confirm.Selected?.ToString() ?? "standard RDP security"} instead of TLS: let it offer TLS (xrdp: security_layer=negotiate or tls).");
            var ssl = new SslStream(desktop.Stream, leaveInnerStreamOpen: false);
            var host = Uri.TryCreate(desktop.Address, UriKind.Absolute, out var uri) ? uri.Host : "desktop";
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(readTimeout);
                await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                {
                    TargetHost = host,
                    EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                    RemoteCertificateValidationCallback = (_, _, _, _) => true,
                }, timeout.Token);
            }
            catch (Exception e) when (e is AuthenticationException or IOException || e is OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                await ssl.DisposeAsync();
                throw new DesktopProtocolException($"the TLS handshake with the desktop {desktop.Address} failed: {e.Message}");
            }
            desktop.Stream = ssl;
            leg.Reader.Stream = ssl;
            return leg;
        }
        catch
        {
            await leg.DisposeAsync();
            throw;
        }
    }

    /// <summary>MCS Connect Initial with <paramref name="clientBlocks"/>; the desktop's server data blocks.</summary>
    public async Task<byte[]> ConnectMcsAsync(byte[] clientBlocks, CancellationToken cancellationToken)
    {
        await SendAsync(Tpkt.Data(McsConnect.Initial(Gcc.ConferenceCreateRequest(clientBlocks))), cancellationToken);
        var response = McsConnect.ResponseUserData(Tpkt.DataPayload(await ReadSlowPathAsync("MCS Connect Response", cancellationToken)));
        // The server's H.221 key "McDn" ends the fixed GCC header; the PER length of the blocks follows.
        var at = response[..Math.Min(response.Length, 64)].IndexOf(ServerKey);
        if (at < 0) throw new DesktopProtocolException("the desktop's GCC Conference Create Response has no 'McDn' key.");
        var r = new ByteReader(response[(at + ServerKey.Length)..]);
        var length = Per.Length(ref r, "GCC server data");
        return r.Take(length, "GCC server data blocks").ToArray();
    }

    public async Task SendAsync(ReadOnlyMemory<byte> packet, CancellationToken cancellationToken)
    {
        await _desktop.Stream.WriteAsync(packet, cancellationToken);
        await _desktop.Stream.FlushAsync(cancellationToken);
    }

    /// <summary>The next slow-path PDU (TPKT payload) during the set-up, within the read timeout; fast-path is out of order here.</summary>
    public async Task<byte[]> ReadSlowPathAsync(string what, CancellationToken cancellationToken)
    {
        var frame = await ReadFrameAsync(what, cancellationToken);
        if (frame.FastPath) throw new DesktopProtocolException($"the desktop sent a fast-path PDU where the {what} was expected.");
        return frame.Payload;
    }

    public async Task<RdpFrame> ReadFrameAsync(string what, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_readTimeout);
        try
        {
            return await Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RdpTimeoutException($"the desktop {Address} sent nothing for {_readTimeout.TotalSeconds:0} s while the relay waited for the {what}.");
        }
    }

    public ValueTask DisposeAsync() => _desktop.DisposeAsync();
}
