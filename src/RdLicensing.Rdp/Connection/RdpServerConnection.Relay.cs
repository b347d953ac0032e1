using RdLicensing.Rdp.Licensing;
using RdLicensing.Rdp.Relay;
using RdLicensing.Rdp.Wire;

namespace RdLicensing.Rdp.Connection;

/// <summary>
/// The relay (a desktop behind the endpoint, `--desktop`): the desktop is connected while the client's MCS Connect
/// Initial is handled, so the client gets the desktop's MCS Connect Response, user id and channel ids; the Security
/// Exchange, Client Info and licensing stay with this endpoint; once the client is licensed its Client Info goes to the
/// desktop, the desktop's own licensing is consumed, and PDUs flow both ways until either side closes. See docs/RDP.md.
/// </summary>
public sealed partial class RdpServerConnection
{
    /// <summary>Licensing PDUs the desktop may send before it says the client is valid (xrdp 0.9.21 sends two).</summary>
    private const int MaxDesktopLicensingPdus = 8;

    private DesktopLeg? _desktop;
    private ushort? _desktopUser;
    private string? _desktopFailure;
    private HashSet<ushort> _sessionChannels = [];
    private ushort? _messageChannel;
    private string _clientInfoUser = "";
    private string _clientInfoDomain = "";

    /// <summary>
    /// Opens the desktop and answers the client with its MCS Connect Response; false when no desktop could be reached
    /// (the client then gets the endpoint's own response, and after its Client Info the reason).
    /// </summary>
    private async Task<bool> ConnectDesktopAsync(byte[] clientBlocks, CancellationToken cancellationToken)
    {
        byte[] response;
        try
        {
            var stream = await _context.Relay!.OpenAsync(UserOfCookie(_cookie), cancellationToken);
            _desktop = await DesktopLeg.NegotiateAsync(stream, _cookie, _context.Options.ReadTimeout, cancellationToken);
            var desktopBlocks = await _desktop.ConnectMcsAsync(RelayBlocks.ForDesktop(clientBlocks, SecurityProtocols.Tls), cancellationToken);
            // The desktop numbers the client's channels in the client's order (SC_NET): which ids its session serves.
            var ids = ServerDataBlocks.Parse(desktopBlocks).ChannelIds;
            _messageChannel = RelayBlocks.MessageChannel(desktopBlocks);
            _sessionChannels = [.. _client!.Channels.Zip(ids).Where(c => DesktopLogon.SessionChannelNames.Contains(c.First.Name.TrimEnd('\0'))).Select(c => c.Second)];
            var (method, level, serverRandom) = ChooseSecurity();
            var security = _tls ? null : new ByteWriter().U32Le(method).U32Le(level)
                .U32Le((uint)serverRandom!.Length).U32Le((uint)_context.ProprietaryCertificate.Length).Bytes(serverRandom).Bytes(_context.ProprietaryCertificate).ToArray();
            response = Tpkt.Data(McsConnect.Response(Gcc.ConferenceCreateResponse(RelayBlocks.ForClient(desktopBlocks, _requested, security))));
        }
        catch (Exception e) when (e is DesktopUnreachableException or RdpProtocolException or RdpTimeoutException or IOException)
        {
            _desktopFailure = e is DesktopUnreachableException ? e.Message : $"the desktop {_desktop?.Address} failed during the connection set-up: {e.Message}";
            if (_desktop is not null) await _desktop.DisposeAsync();
            _desktop = null;
            return false;
        }
        await SendAsync(response, cancellationToken);
        return true;
    }

    /// <summary>"Cookie: mstshash=NAME" (xfreerdp and rdesktop put the user name there): the user, for the desktop that holds their session.</summary>
    private static string? UserOfCookie(string? cookie)
    {
        const string prefix = "Cookie: mstshash=";
        return cookie is not null && cookie.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && cookie.Length > prefix.Length ? cookie[prefix.Length..] : null;
    }

    /// <summary>Attach User or Channel Join: to the desktop, and its confirm back to the client unchanged.</summary>
    private async Task RelayDomainRequestAsync(byte[] request, McsPduType expected, CancellationToken cancellationToken)
    {
        await _desktop!.SendAsync(Tpkt.Wrap(request), cancellationToken);
        var answer = await _desktop.ReadSlowPathAsync($"MCS {expected}", cancellationToken);
        var pdu = McsDomain.Parse(Tpkt.DataPayload(answer));
        if (pdu.Type != expected) throw new DesktopProtocolException($"the desktop answered MCS {pdu.Type} where the {expected} was expected.");
        if (pdu.Result != 0) throw new DesktopProtocolException($"the desktop refused the MCS request ({expected} result {pdu.Result}).");
        if (expected == McsPduType.AttachUserConfirm) _desktopUser = pdu.Initiator;
        await SendAsync(Tpkt.Wrap(answer), cancellationToken);
    }

    /// <summary>The licensed client's session: Client Info to the desktop, its licensing consumed, then both ways.</summary>
    private async Task RelayAsync(RdpClientIdentity client, RdpLicensingVerdict verdict, CancellationToken cancellationToken)
    {
        var desktop = _desktop!;
        await desktop.SendAsync(DesktopIo(SecurityFlags.Info, _clientInfo), cancellationToken);
        try
        {
            await ConsumeDesktopLicensingAsync(desktop, cancellationToken);
        }
        catch (Exception e) when (e is RdpProtocolException or RdpTimeoutException or IOException)
        {
            await TryEndAsync(ErrorInfo.DesktopNotFound, cancellationToken);
            throw new DesktopProtocolException($"the desktop {desktop.Address} ended the connection after the Client Info: {e.Message}");
        }

        using var end = CancellationTokenSource.CreateLinkedTokenSource(_session);
        using var session = _context.Relay!.Begin(verdict, client, desktop.Address, end);
        // Under standard RDP security towards the client each PDU is decrypted or encrypted on the way (the desktop's leg is TLS).
        var transcoder = _tls ? null : new RelaySecurity(_security, IoChannel, _messageChannel);
        var pump = new RelayPump(this, desktop, session, verdict, _sessionChannels, transcoder, end.Token);
        var fromClient = pump.FromClientAsync();
        var fromDesktop = pump.FromDesktopAsync();
        var first = await Task.WhenAny(fromClient, fromDesktop);
        var administrative = end.IsCancellationRequested && !_session.IsCancellationRequested;
        await end.CancelAsync();
        // Closing the desktop's stream ends a write the other pump may be blocked in.
        await desktop.DisposeAsync();
        try
        {
            await Task.WhenAll(fromClient, fromDesktop);
        }
        catch (Exception)
        {
            // The other leg's end after the first closed (cancelled, or reset): what matters is how the first ended.
        }
        if (administrative)
        {
            session.Ended("closed by this server (rdlic disconnect)");
            await TryEndAsync(ErrorInfo.RpcInitiatedDisconnect, CancellationToken.None);
            return;
        }
        if (first.IsFaulted) session.Ended(first.Exception!.InnerException!.Message);
        else if (first.IsCompletedSuccessfully) session.Ended(first.Result);
        await first;
    }

    /// <summary>
    /// The desktop's licensing: xrdp 0.9.21 sends a fixed License Request and answers anything with STATUS_VALID_CLIENT;
    /// xrdp 0.10.1 and later send STATUS_VALID_CLIENT at once. The relay answers a License Request minimally (an Error
    /// Alert STATUS_VALID_CLIENT of its own) and waits for the desktop's; a desktop that issues CALs itself is refused.
    /// </summary>
    private async Task ConsumeDesktopLicensingAsync(DesktopLeg desktop, CancellationToken cancellationToken)
    {
        for (var count = 0; count < MaxDesktopLicensingPdus; count++)
        {
            var pdu = McsDomain.Parse(Tpkt.DataPayload(await desktop.ReadSlowPathAsync("desktop's licensing PDU", cancellationToken)));
            if (pdu.Type == McsPduType.DisconnectProviderUltimatum) throw new ConnectionClosedException("the desktop disconnected");
            if (pdu.Type != McsPduType.SendDataIndication || pdu.Channel != IoChannel || pdu.Data.Length < 8)
                throw new DesktopProtocolException($"the desktop sent MCS {pdu.Type} on channel {pdu.Channel} where its licensing was expected.");
            var r = new ByteReader(pdu.Data);
            var flags = (SecurityFlags)r.U16Le("security header flags");
            r.U16Le("security header flagsHi");
            if ((flags & SecurityFlags.License) == 0) throw new DesktopProtocolException($"the desktop sent security flags 0x{(ushort)flags:X4} where its licensing was expected.");
            var type = (LicensingMessageType)r.U8("licensing bMsgType");
            r.Skip(3, "licensing preamble");
            if (type == LicensingMessageType.LicenseRequest)
            {
                await desktop.SendAsync(DesktopIo(SecurityFlags.License, LicensingExchange.ValidClient()), cancellationToken);
                continue;
            }
            if (type == LicensingMessageType.ErrorAlert)
            {
                var code = r.U32Le("licensing dwErrorCode");
                if (code == (uint)LicenseErrorCode.StatusValidClient) return;
                throw new DesktopProtocolException($"the desktop's licensing ended with error 0x{code:X2}.");
            }
            throw new DesktopProtocolException($"the desktop runs a licensing exchange of its own ({type}); the relay licenses clients itself and needs a desktop that does not (xrdp, or an RDP server without RDS licensing).");
        }
        throw new DesktopProtocolException($"the desktop sent {MaxDesktopLicensingPdus} licensing PDUs without saying the client is valid.");
    }

    /// <summary>A PDU for the desktop's I/O channel under TLS: the basic security header only where one belongs (Client Info, licensing).</summary>
    private byte[] DesktopIo(SecurityFlags flags, ReadOnlySpan<byte> payload) =>
        McsDomain.SendDataRequest(UserChannel, IoChannel, new ByteWriter(payload.Length + 4).U16Le((ushort)flags).U16Le(0).Bytes(payload).Written);

    /// <summary>Set Error Info and the ultimatum to the client; a client already gone changes nothing.</summary>
    internal async Task TryEndAsync(uint errorInfo, CancellationToken cancellationToken)
    {
        try
        {
            await SendIoAsync(ShareControl.SetErrorInfo(errorInfo), SecurityFlags.None, encrypt: !_tls, header: !_tls, cancellationToken);
            await SendAsync(McsDomain.DisconnectProviderUltimatum(), cancellationToken);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or NotSupportedException)
        {
            // The client is gone already.
        }
    }

    // The pump reaches the client leg through these.
    internal FrameReader ClientReader => _reader;
    internal Stream ClientStream => _stream;
    internal RdpServerContext Context => _context;
    internal string ClientUserName => _clientInfoUser;
    internal string ClientDomain => _clientInfoDomain;
}
