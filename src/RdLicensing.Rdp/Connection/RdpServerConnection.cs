using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using RdLicensing.Rdp.Licensing;
using RdLicensing.Rdp.Relay;
using RdLicensing.Rdp.Security;
using RdLicensing.Rdp.Wire;

namespace RdLicensing.Rdp.Connection;

/// <summary>
/// One client connection, server side, from the X.224 Connection Request to the disconnect: negotiation (standard RDP
/// security or TLS), MCS connect and domain set-up, the Security Exchange and Client Info, the licensing exchange
/// (<see cref="LicensingExchange"/>), then a minimal activation and a clean disconnect — until the session host can
/// hand the session on to a desktop. Every PDU is read within <see cref="RdpEndpointOptions.ReadTimeout"/>, the whole
/// sequence within <see cref="RdpEndpointOptions.HandshakeTimeout"/>; anything malformed or out of order ends this
/// connection only (<see cref="RdpProtocolException"/>).
/// </summary>
public sealed partial class RdpServerConnection
{
    public const ushort IoChannel = 1003;

    /// <summary>Domain PDUs accepted before the first data PDU: erect domain, attach user and one join per channel, with room to spare.</summary>
    private const int MaxDomainPdus = ClientDataBlocks.MaxChannels + 8;

    /// <summary>PDUs a client may send during the activation before its Font List.</summary>
    private const int MaxActivationPdus = 64;

    private readonly RdpServerContext _context;
    private readonly IPEndPoint? _remote;
    private readonly FrameReader _reader;
    private readonly SecureChannel _security = SecureChannel.ForServer();
    private Stream _stream;
    private ClientDataBlocks? _client;
    private bool _tls;
    private SecurityProtocols _requested;
    private EncryptionMethod _encryption;
    private byte[] _serverRandom = [];
    private string? _cookie;
    private byte[] _clientInfo = [];
    private CancellationToken _session;

    public RdpServerConnection(Stream stream, IPEndPoint? remote, RdpServerContext context)
    {
        _stream = stream;
        _reader = new FrameReader(stream);
        _remote = remote;
        _context = context;
    }

    /// <summary>
    /// The static channels the client asked for, numbered from 1004 in its order (rdesktop assumes so), then the user
    /// channel after them.
    /// </summary>
    private ushort StaticChannel(int index) => (ushort)(IoChannel + 1 + index);

    private ushort UserChannel => _desktopUser ?? StaticChannel(_client!.Channels.Count);

    /// <param name="cancellationToken">Ends the connection set-up and licensing (the endpoint's handshake deadline).</param>
    /// <param name="session">
    /// Ends a relayed session (the endpoint stopping); the relay runs without the handshake deadline. Default: the
    /// handshake token.
    /// </param>
    public async Task<RdpConnectionResult> RunAsync(CancellationToken cancellationToken, CancellationToken session = default)
    {
        _session = session.CanBeCanceled ? session : cancellationToken;
        try
        {
            await NegotiateAsync(cancellationToken);
            await ConnectMcsAsync(cancellationToken);
            var first = await JoinDomainAsync(cancellationToken);
            if (!_tls) first = await ExchangeSecurityAsync(first, cancellationToken);
            var info = ReadClientInfo(first);
            if (_desktopFailure is { } failure)
            {
                // No desktop to relay to: the client is told why before any licensing (no CAL is spent on nothing).
                await DisconnectAsync(ErrorInfo.DesktopNotFound, null, cancellationToken);
                throw new DesktopUnreachableException(failure);
            }
            if (_desktop is not null && (info.Flags & ClientInfo.InfoAutologon) == 0)
            {
                // No password with the connection: the desktop would show its login screen, whose input the relay does not
                // pass on (LoginScreenInput), and which could not say who signs in. Refused before licensing: no CAL spent.
                await DisconnectAsync(ErrorInfo.ServerInsufficientPrivileges, null, cancellationToken);
                throw new RdpProtocolException($"the client {(string.IsNullOrEmpty(info.UserName) ? "(no user name)" : info.UserName)} sent no password with the connection (no INFO_AUTOLOGON): "
                    + "through the RDP endpoint a desktop signs in only the account whose user name and password come with the connection; refused with ERRINFO_SERVER_INSUFFICIENT_PRIVILEGES before licensing (xfreerdp /u: /p:, rdesktop -u -p).");
            }
            return await LicenseAsync(info, cancellationToken);
        }
        finally
        {
            if (_desktop is not null) await _desktop.DisposeAsync();
            // The TLS layer's OpenSSL handles are freed now, not by the finalizer thread (the listener disposes the socket's stream).
            if (_stream is SslStream tls) await tls.DisposeAsync();
        }
    }

    private async Task NegotiateAsync(CancellationToken cancellationToken)
    {
        var request = X224ConnectionRequest.Parse(await ReadSlowPathAsync("X.224 Connection Request", cancellationToken));
        var offersTls = request.Requested is { } requested && requested.HasFlag(SecurityProtocols.Tls);
        var layer = _context.Options.SecurityLayer;
        if (layer == RdpSecurityLayer.Tls && !offersTls)
        {
            await SendAsync(new X224ConnectionConfirm(null, X224ConnectionConfirm.SslRequiredByServer).ToBytes(), cancellationToken);
            throw new RdpProtocolException("the client does not offer TLS and this endpoint requires it (security layer tls): refused with SSL_REQUIRED_BY_SERVER.");
        }
        _tls = offersTls && layer != RdpSecurityLayer.Rdp && _context.TlsCertificate is not null;
        // A client that sent no RDP_NEG_REQ must get no RDP_NEG_RSP either.
        var confirm = request.Requested is null ? new X224ConnectionConfirm(Selected: null)
            : new X224ConnectionConfirm(_tls ? SecurityProtocols.Tls : SecurityProtocols.Rdp);
        _requested = request.Requested ?? SecurityProtocols.Rdp;
        _cookie = request.Cookie;
        await SendAsync(confirm.ToBytes(), cancellationToken);
        if (!_tls) return;

        var ssl = new SslStream(_stream, leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificateContext = _context.TlsCertificateContext,
                EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                ClientCertificateRequired = false,
            }, cancellationToken);
        }
        catch (AuthenticationException e)
        {
            await ssl.DisposeAsync();
            throw new RdpProtocolException($"the TLS handshake failed: {e.Message}");
        }
        _stream = ssl;
        _reader.Stream = ssl;
    }

    private async Task ConnectMcsAsync(CancellationToken cancellationToken)
    {
        var mcs = Tpkt.DataPayload(await ReadSlowPathAsync("MCS Connect Initial", cancellationToken));
        var clientBlocks = Gcc.ClientBlocks(McsConnect.InitialUserData(mcs));
        _client = ClientDataBlocks.Parse(clientBlocks);
        if (_context.Relay is not null && await ConnectDesktopAsync(clientBlocks.ToArray(), cancellationToken)) return;
        var channelIds = Enumerable.Range(0, _client.Channels.Count).Select(StaticChannel).ToList();

        var (method, level, serverRandom) = ChooseSecurity();
        var blocks = new ServerDataBlocks(_requested, IoChannel, channelIds, method, level, serverRandom, _tls ? null : _context.ProprietaryCertificate);
        await SendAsync(Tpkt.Data(McsConnect.Response(Gcc.ConferenceCreateResponse(blocks.ToBytes()))), cancellationToken);
    }

    /// <summary>Under standard RDP security: the client's strongest method, both directions encrypted, a fresh server random.</summary>
    private (uint Method, uint Level, byte[]? ServerRandom) ChooseSecurity()
    {
        if (_tls) return (0, 0, null);
        _encryption = ChooseEncryption(_client!.EncryptionMethods | _client.ExtEncryptionMethods);
        _serverRandom = RandomNumberGenerator.GetBytes(32);
        // ENCRYPTION_LEVEL_CLIENT_COMPATIBLE: both directions encrypted at the client's strongest method.
        return ((uint)_encryption, 2, _serverRandom);
    }

    private static EncryptionMethod ChooseEncryption(uint offered)
    {
        if ((offered & (uint)EncryptionMethod.Bits128) != 0) return EncryptionMethod.Bits128;
        if ((offered & (uint)EncryptionMethod.Bits56) != 0) return EncryptionMethod.Bits56;
        if ((offered & (uint)EncryptionMethod.Bits40) != 0) return EncryptionMethod.Bits40;
        throw new RdpProtocolException($"the client offers no encryption method this endpoint supports (0x{offered:X}; 40-, 56- or 128-bit RC4 are; use TLS otherwise).");
    }

    /// <summary>Erect Domain, Attach User and the Channel Joins, up to the first data PDU, which is returned.</summary>
    private async Task<byte[]> JoinDomainAsync(CancellationToken cancellationToken)
    {
        var attached = false;
        for (var count = 0; count < MaxDomainPdus; count++)
        {
            var frame = await ReadSlowPathAsync("MCS domain PDU", cancellationToken);
            var pdu = McsDomain.Parse(Tpkt.DataPayload(frame));
            switch (pdu.Type)
            {
                case McsPduType.ErectDomainRequest:
                    if (_desktop is not null) await _desktop.SendAsync(Tpkt.Wrap(frame), cancellationToken);
                    break;
                case McsPduType.AttachUserRequest when _desktop is not null:
                    attached = true;
                    await RelayDomainRequestAsync(frame, McsPduType.AttachUserConfirm, cancellationToken);
                    break;
                case McsPduType.ChannelJoinRequest when attached && _desktop is not null:
                    await RelayDomainRequestAsync(frame, McsPduType.ChannelJoinConfirm, cancellationToken);
                    break;
                case McsPduType.AttachUserRequest:
                    attached = true;
                    await SendAsync(McsDomain.AttachUserConfirm(UserChannel), cancellationToken);
                    break;
                case McsPduType.ChannelJoinRequest when attached:
                    // The I/O channel, the static channels and the user channel are numbered consecutively from 1003.
                    if (pdu.Channel is < IoChannel || pdu.Channel > UserChannel) throw new RdpProtocolException($"MCS Channel Join Request for channel {pdu.Channel}, which this connection does not have.");
                    await SendAsync(McsDomain.ChannelJoinConfirm(UserChannel, pdu.Channel), cancellationToken);
                    break;
                case McsPduType.SendDataRequest when attached:
                    if (pdu.Channel != IoChannel) throw new RdpProtocolException($"the first data PDU came on channel {pdu.Channel}, not the I/O channel {IoChannel}.");
                    return pdu.Data;
                case McsPduType.DisconnectProviderUltimatum:
                    throw new ConnectionClosedException("the client disconnected during the MCS set-up");
                default:
                    throw new RdpProtocolException($"MCS {pdu.Type} is out of order during the domain set-up.");
            }
        }
        throw new RdpProtocolException($"more than {MaxDomainPdus} MCS PDUs without any data: the client never finished joining channels.");
    }

    /// <summary>Standard RDP security: the client random under the server's RSA key, then the session keys (MS-RDPBCGR 5.3.4, 5.3.5).</summary>
    private async Task<byte[]> ExchangeSecurityAsync(byte[] first, CancellationToken cancellationToken)
    {
        var pdu = _security.Unwrap(first, hasHeader: true);
        if ((pdu.Flags & SecurityFlags.Exchange) == 0) throw new RdpProtocolException($"expected the Security Exchange PDU, got security flags 0x{(ushort)pdu.Flags:X4}.");
        var r = new ByteReader(pdu.Payload);
        var length = (int)r.U32Le("Security Exchange length");
        if (length > 1024) throw new RdpProtocolException($"Security Exchange: a {length}-byte client random is larger than any key this server has.");
        var encrypted = r.Take(length, "Security Exchange encryptedClientRandom");
        var clientRandom = _context.Key.DecryptRaw(encrypted)[..32];
        _security.UseSessionKeys(RdpSessionKeys.Derive(clientRandom, _serverRandom, _encryption));
        return await ReadIoDataAsync("Client Info PDU", cancellationToken);
    }

    private ClientInfo ReadClientInfo(byte[] data)
    {
        var pdu = _security.Unwrap(data, hasHeader: true);
        if ((pdu.Flags & SecurityFlags.Info) == 0) throw new RdpProtocolException($"expected the Client Info PDU, got security flags 0x{(ushort)pdu.Flags:X4}.");
        var info = ClientInfo.Parse(pdu.Payload);
        _clientInfo = pdu.Payload;
        (_clientInfoUser, _clientInfoDomain) = (info.UserName, info.Domain);
        return info;
    }

    /// <summary>The next MCS Send Data Request on the I/O channel (its user data, still secured).</summary>
    private async Task<byte[]> ReadIoDataAsync(string what, CancellationToken cancellationToken)
    {
        while (true)
        {
            var frame = await ReadFrameAsync(what, cancellationToken);
            if (frame.FastPath)
            {
                SkipFastPath(frame);
                continue;
            }
            var pdu = McsDomain.Parse(Tpkt.DataPayload(frame.Payload));
            if (pdu.Type == McsPduType.DisconnectProviderUltimatum) throw new ConnectionClosedException($"the client disconnected while the server waited for the {what}");
            if (pdu.Type != McsPduType.SendDataRequest) throw new RdpProtocolException($"MCS {pdu.Type} where the {what} was expected.");
            // Data on a static virtual channel is not for the server's I/O channel; nothing here serves virtual channels.
            if (pdu.Channel != IoChannel) continue;
            return pdu.Data;
        }
    }

    /// <summary>Fast-path input is not served; an encrypted one is still decrypted so the client's RC4 stream stays in step.</summary>
    private void SkipFastPath(RdpFrame frame) => _security.SkipFastPath(frame.Payload, frame.FastPathEncrypted, frame.FastPathSalted);

    private async Task<byte[]> ReadSlowPathAsync(string what, CancellationToken cancellationToken)
    {
        var frame = await ReadFrameAsync(what, cancellationToken);
        if (frame.FastPath) throw new RdpProtocolException($"a fast-path PDU where the {what} was expected.");
        return frame.Payload;
    }

    private async Task<RdpFrame> ReadFrameAsync(string what, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_context.Options.ReadTimeout);
        try
        {
            return await _reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RdpTimeoutException($"the client sent nothing for {_context.Options.ReadTimeout.TotalSeconds:0} s while the server waited for the {what}.");
        }
    }

    private async Task SendAsync(byte[] packet, CancellationToken cancellationToken)
    {
        await _stream.WriteAsync(packet, cancellationToken);
        await _stream.FlushAsync(cancellationToken);
    }

    /// <summary>A slow-path PDU on the I/O channel, secured as this connection requires.</summary>
    /// <remarks>
    /// One array per packet: the TPKT, X.224 and MCS headers are written once and the payload is copied (or RC4-encrypted)
    /// straight into it after its security header — not wrapped layer by layer, one copy per layer.
    /// </remarks>
    private Task SendIoAsync(byte[] payload, SecurityFlags flags, bool encrypt, bool header, CancellationToken cancellationToken)
    {
        var length = _security.WrappedLength(payload.Length, encrypt, header);
        var packet = McsDomain.SendDataIndicationPacket(IoChannel, length, out var offset);
        _security.WrapInto(payload, flags, encrypt, header, packet.AsSpan(offset, length));
        return SendAsync(packet, cancellationToken);
    }
}

/// <summary>The client stopped sending in the middle of the sequence.</summary>
public sealed class RdpTimeoutException(string message) : TimeoutException(message);
