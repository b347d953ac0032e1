using System.Security.Cryptography;
using RdLicensing.Rdp.Connection;
using RdLicensing.Rdp.Security;
using RdLicensing.Rdp.Wire;

namespace RdLicensing.Rdp.Client;

/// <summary>
/// One connection of <see cref="RdpLicensingClient"/>, from the X.224 Connection Request to the Client Info PDU
/// (MS-RDPBCGR 1.3.1.1 phases 1 to 5); licensing and activation follow in the other parts of this class. It reads
/// with the endpoint's codecs (<see cref="X224ConnectionConfirm"/>, <see cref="McsConnect"/>, <see cref="Gcc"/>,
/// <see cref="ServerDataBlocks"/>, <see cref="McsDomain"/>) and writes with their client-side builders.
/// </summary>
internal sealed partial class ClientConnection(RdpClientOptions options, ClientTransport transport)
{
    /// <summary>RDP 5.0 and later (RDP_VERSION_5_PLUS), as xfreerdp and rdesktop announce.</summary>
    private const uint ClientRdpVersion = 0x0008_0004;

    private const uint ClientBuild = 2600;

    /// <summary>40-, 56- and 128-bit RC4, what rdesktop offers (xfreerdp adds FIPS, which the endpoint does not do).</summary>
    private const uint OfferedEncryptionMethods = (uint)(EncryptionMethod.Bits40 | EncryptionMethod.Bits56 | EncryptionMethod.Bits128);

    private const int ClientRandomLength = 32;

    /// <summary>Set Error Info PDUs accepted in a row before anything else: far more than any server sends.</summary>
    private const int MaxErrorInfoInARow = 16;

    private readonly ClientSecureChannel _security = new();
    private bool _tls;
    private SecurityProtocols _selected = SecurityProtocols.Rdp;
    private ushort _ioChannel;
    private ushort _userId;
    private EncryptionMethod _method;
    private byte[] _serverRandom = [];
    private ServerPublicKey? _serverKey;

    /// <summary>The last Set Error Info code, wherever in the sequence it came.</summary>
    private uint? _errorInfo;

    public async Task<RdpClientResult> RunAsync(CancellationToken cancellationToken)
    {
        await NegotiateAsync(cancellationToken);
        await ConnectMcsAsync(cancellationToken);
        await JoinDomainAsync(cancellationToken);
        if (!_tls) await ExchangeSecurityAsync(cancellationToken);
        var info = Connection.ClientInfo.Build(options.Domain, options.UserName, options.Password);
        await SendIoAsync(RdpClientStage.ClientInfo, _security.Wrap(info, SecurityFlags.Info, header: true), cancellationToken);

        var licensing = await LicenseAsync(cancellationToken);
        var activated = licensing.Outcome != RdpLicensingOutcome.Refused && await ActivateAsync(cancellationToken);
        return new RdpClientResult(licensing.Outcome, licensing.License, _errorInfo, licensing.Error, activated, _tls, TimeSpan.Zero);
    }

    /// <summary>Only the X.224 negotiation (and the TLS handshake when asked for): a bare connection, the benchmark's baseline.</summary>
    public Task NegotiateOnlyAsync(CancellationToken cancellationToken) => NegotiateAsync(cancellationToken);

    private async Task NegotiateAsync(CancellationToken cancellationToken)
    {
        var wantTls = options.Security == RdpClientSecurity.Tls;
        // Like xfreerdp /sec:rdp, standard security sends no RDP_NEG_REQ at all.
        var request = new X224ConnectionRequest(Cookie(options.UserName), wantTls ? SecurityProtocols.Tls : null);
        await transport.SendAsync(RdpClientStage.X224Request, request.ToBytes(), cancellationToken);
        var confirm = X224ConnectionConfirm.Parse(await transport.ReadSlowPathAsync("X.224 Connection Confirm", cancellationToken));
        if (confirm.FailureCode is { } failure)
            throw new RdpProtocolException($"the server refused the connection in the X.224 negotiation: {NegotiationFailure(failure)}.");
        if (wantTls && confirm.Selected != SecurityProtocols.Tls)
            throw new RdpProtocolException($"X.224 Connection Confirm: the server selected {Describe(confirm.Selected)} where the client asked for TLS.");
        if (!wantTls && confirm.Selected is { } selected && selected != SecurityProtocols.Rdp)
            throw new RdpProtocolException($"X.224 Connection Confirm: the server selected {Describe(selected)} though the client asked for standard RDP security.");
        _tls = wantTls;
        _selected = confirm.Selected ?? SecurityProtocols.Rdp;
        if (_tls) await transport.StartTlsAsync(cancellationToken);
    }

    private async Task ConnectMcsAsync(CancellationToken cancellationToken)
    {
        var client = new ClientDataBlocks(ClientRdpVersion, options.ClientHostname, ClientBuild, _tls ? 0 : OfferedEncryptionMethods, 0, [], options.Console, _selected);
        var initial = Tpkt.Data(McsConnect.Initial(Gcc.ConferenceCreateRequest(client.ToBytes())));
        await transport.SendAsync(RdpClientStage.McsConnectInitial, initial, cancellationToken);
        var response = await transport.ReadSlowPathAsync("MCS Connect Response", cancellationToken);
        var server = ServerDataBlocks.Parse(Gcc.ServerBlocks(McsConnect.ResponseUserData(Tpkt.DataPayload(response))));
        if (server.IoChannel == 0) throw new RdpProtocolException("MCS Connect Response: the server network data (SC_NET) names no I/O channel.");
        _ioChannel = server.IoChannel;
        if (_tls) return;

        _method = (EncryptionMethod)server.EncryptionMethod;
        if (_method is not (EncryptionMethod.Bits40 or EncryptionMethod.Bits56 or EncryptionMethod.Bits128))
            throw new RdpProtocolException($"MCS Connect Response: encryption method 0x{server.EncryptionMethod:X} under standard RDP security, where the client offered 40-, 56- or 128-bit RC4.");
        if (server.ServerRandom is not { Length: ClientRandomLength } serverRandom)
            throw new RdpProtocolException($"MCS Connect Response: the server security data (SC_SECURITY) carries no {ClientRandomLength}-byte server random.");
        if (server.ServerCertificate is not { Length: > 0 } certificate)
            throw new RdpProtocolException("MCS Connect Response: the server security data (SC_SECURITY) carries no server certificate.");
        _serverRandom = serverRandom;
        _serverKey = ServerPublicKey.FromCertificate(certificate);
    }

    /// <summary>Erect Domain, Attach User, then a join of the user channel and of the I/O channel, each confirmed.</summary>
    private async Task JoinDomainAsync(CancellationToken cancellationToken)
    {
        await transport.SendAsync(RdpClientStage.ErectDomain, McsDomain.ErectDomainRequest(), cancellationToken);
        await transport.SendAsync(RdpClientStage.AttachUser, McsDomain.AttachUserRequest(), cancellationToken);
        var attach = await ReadDomainPduAsync("MCS Attach User Confirm", cancellationToken);
        if (attach.Type != McsPduType.AttachUserConfirm) throw OutOfOrder(attach, "MCS Attach User Confirm");
        // The result (T.125 rt-successful = 0) follows the PDU type; the codec reads past it.
        if (attach.Result != 0) throw new RdpProtocolException($"MCS Attach User Confirm: result {attach.Result}, the server did not attach the client.");
        _userId = attach.Initiator;

        foreach (var channel in new[] { _userId, _ioChannel })
        {
            await transport.SendAsync(RdpClientStage.ChannelJoin, McsDomain.ChannelJoinRequest(_userId, channel), cancellationToken);
            var join = await ReadDomainPduAsync($"MCS Channel Join Confirm for channel {channel}", cancellationToken);
            if (join.Type != McsPduType.ChannelJoinConfirm) throw OutOfOrder(join, $"MCS Channel Join Confirm for channel {channel}");
            if (join.Channel != channel)
                throw new RdpProtocolException($"MCS Channel Join Confirm: the server did not join channel {channel} (it answered for channel {join.Channel}, result {join.Result}).");
        }
    }

    /// <summary>The client random under the server's RSA key (MS-RDPBCGR 2.2.1.10), then the session keys (5.3.5).</summary>
    private async Task ExchangeSecurityAsync(CancellationToken cancellationToken)
    {
        var clientRandom = RandomNumberGenerator.GetBytes(ClientRandomLength);
        var encrypted = _serverKey!.Encrypt(clientRandom);
        var body = new ByteWriter(encrypted.Length + 4).U32Le((uint)encrypted.Length).Bytes(encrypted);
        await SendIoAsync(RdpClientStage.SecurityExchange, _security.Wrap(body.Written, SecurityFlags.Exchange, header: true), cancellationToken);
        _security.UseSessionKeys(RdpSessionKeys.Derive(clientRandom, _serverRandom, _method));
    }

    private Task SendIoAsync(RdpClientStage stage, byte[] secured, CancellationToken cancellationToken) =>
        transport.SendAsync(stage, McsDomain.SendDataRequest(_userId, _ioChannel, secured), cancellationToken);

    /// <summary>
    /// The next PDU on the I/O channel, unwrapped; null when the server sent the Disconnect Provider Ultimatum. Set
    /// Error Info PDUs, which may come at any point, are taken here: <see cref="_errorInfo"/> keeps the last code.
    /// </summary>
    private async Task<SecuredPdu?> ReadIoAsync(string what, CancellationToken cancellationToken)
    {
        for (var count = 0; count < MaxErrorInfoInARow; count++)
        {
            var pdu = await ReadDomainPduAsync(what, cancellationToken);
            if (pdu.Type == McsPduType.DisconnectProviderUltimatum) return null;
            if (pdu.Type != McsPduType.SendDataIndication) throw OutOfOrder(pdu, what);
            if (pdu.Channel != _ioChannel) throw new RdpProtocolException($"data on channel {pdu.Channel} where the {what} was expected on the I/O channel {_ioChannel}.");
            var secured = _security.Unwrap(pdu.Data);
            if ((secured.Flags & SecurityFlags.License) == 0 && ShareControl.ErrorInfo(secured.Payload) is { } code)
            {
                _errorInfo = code;
                continue;
            }
            return secured;
        }
        throw new RdpProtocolException($"more than {MaxErrorInfoInARow} Set Error Info PDUs in a row where the {what} was expected.");
    }

    private async Task<McsDomainPdu> ReadDomainPduAsync(string what, CancellationToken cancellationToken) =>
        McsDomain.Parse(Tpkt.DataPayload(await transport.ReadSlowPathAsync(what, cancellationToken)));

    private static RdpProtocolException OutOfOrder(McsDomainPdu pdu, string expected) =>
        pdu.Type == McsPduType.DisconnectProviderUltimatum
            ? new RdpProtocolException($"the server disconnected (Disconnect Provider Ultimatum) where the {expected} was expected.")
            : new RdpProtocolException($"MCS {pdu.Type} from the server where the {expected} was expected.");

    /// <summary>"Cookie: mstshash=USER", as xfreerdp sends it, when the user name can travel in it.</summary>
    private static string? Cookie(string userName) =>
        userName.Length > 0 && userName.All(c => c is > ' ' and < '\x7F') ? "Cookie: mstshash=" + userName : null;

    private static string Describe(SecurityProtocols? protocol) => protocol switch
    {
        null => "no protocol (no RDP_NEG_RSP)",
        SecurityProtocols.Rdp => "standard RDP security",
        SecurityProtocols.Tls => "TLS",
        var other => $"protocol 0x{(uint)other:X}",
    };

    /// <summary>RDP_NEG_FAILURE codes (MS-RDPBCGR 2.2.1.2.2).</summary>
    private static string NegotiationFailure(uint code) => code switch
    {
        X224ConnectionConfirm.SslRequiredByServer => "SSL_REQUIRED_BY_SERVER (the endpoint accepts TLS only)",
        X224ConnectionConfirm.SslNotAllowedByServer => "SSL_NOT_ALLOWED_BY_SERVER (the endpoint accepts standard RDP security only)",
        X224ConnectionConfirm.SslCertNotOnServer => "SSL_CERT_NOT_ON_SERVER",
        X224ConnectionConfirm.InconsistentFlags => "INCONSISTENT_FLAGS",
        X224ConnectionConfirm.HybridRequiredByServer => "HYBRID_REQUIRED_BY_SERVER",
        X224ConnectionConfirm.SslWithUserAuthRequiredByServer => "SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER",
        _ => $"failure code 0x{code:X}",
    };
}
