using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using RdLicensing.Rdp;
using RdLicensing.Rdp.Connection;
using RdLicensing.Rdp.Licensing;
using RdLicensing.Rdp.Wire;

namespace RdLicensing.Cli.Bench;

/// <summary>
/// The stand-in desktop of `rdlic bench relay`: a minimal RDP server on loopback that behaves as xrdp does towards a
/// gateway — TLS only (PROTOCOL_SSL, a self-signed certificate), MCS connect with the client's channels, STATUS_VALID_CLIENT
/// at once for licensing, the activation (Demand Active … Font Map) — and then streams fast-path bitmap updates of
/// <see cref="UpdateBytes"/> bytes each, as fast as the reader takes them, until the reader closes. What the client
/// sends meanwhile (input, its disconnect) is read and dropped. Only for the benchmark: it checks what it needs, no more.
/// </summary>
internal sealed class SyntheticDesktop : IAsyncDisposable
{
    /// <summary>The body of each fast-path update PDU: about what a busy desktop's bitmap fragments are (FreeRDP sends up to 16 KB).</summary>
    public const int UpdateBytes = 16_000;

    private const ushort IoChannel = 1003;
    private const int MaxDomainPdus = ClientDataBlocks.MaxChannels + 8;
    private const int MaxActivationPdus = 64;

    private readonly TcpListener _listener;
    private readonly X509Certificate2 _certificate;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private readonly byte[] _update;
    private int _sessions;
    private int _failures;

    private SyntheticDesktop(TcpListener listener, X509Certificate2 certificate)
    {
        _listener = listener;
        _certificate = certificate;
        // One fast-path PDU (FASTPATH_UPDATETYPE_BITMAP, one fragment, no compression), built once and sent again and again.
        var body = new byte[UpdateBytes];
        RandomNumberGenerator.Fill(body);
        body[0] = 0x01;
        body[1] = (UpdateBytes - 3) & 0xFF;
        body[2] = (UpdateBytes - 3) >> 8;
        _update = FastPathLength.Frame(0x00, [], body);
        _accepting = AcceptAsync();
    }

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndpoint;

    /// <summary>What `--desktop` takes: rdp://127.0.0.1:PORT.</summary>
    public string Address => $"rdp://127.0.0.1:{EndPoint.Port}";

    public Uri Uri => new(Address);

    /// <summary>Sessions that reached the streaming phase, and connections that failed before it.</summary>
    public int Sessions => Volatile.Read(ref _sessions);

    public int Failures => Volatile.Read(ref _failures);

    public static SyntheticDesktop Start()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start(backlog: 512);
        return new SyntheticDesktop(listener, SelfSignedCertificate());
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient tcp;
            try
            {
                tcp = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = ServeAsync(tcp);
        }
    }

    private async Task ServeAsync(TcpClient tcp)
    {
        using (tcp)
        {
            tcp.NoDelay = true;
            Stream stream = tcp.GetStream();
            try
            {
                await using var _ = stream;
                stream = await HandshakeAsync(stream, _stop.Token);
                Interlocked.Increment(ref _sessions);
                await StreamAsync(stream, _stop.Token);
            }
            catch (Exception e) when (e is RdpProtocolException or IOException or OperationCanceledException or AuthenticationException or ObjectDisposedException)
            {
                // Only what fails before the streaming counts: the end of a stream is the reader closing.
                if (!_stop.IsCancellationRequested && e is not IOException) Interlocked.Increment(ref _failures);
            }
        }
    }

    /// <summary>X.224 with TLS, MCS, domain joins, Client Info, STATUS_VALID_CLIENT, activation: the TLS stream after the Font Map.</summary>
    private async Task<Stream> HandshakeAsync(Stream tcp, CancellationToken ct)
    {
        var reader = new FrameReader(tcp);
        var request = X224ConnectionRequest.Parse(await SlowPathAsync(reader, ct));
        if (request.Requested is not { } requested || !requested.HasFlag(SecurityProtocols.Tls))
        {
            await tcp.WriteAsync(new X224ConnectionConfirm(null, X224ConnectionConfirm.SslRequiredByServer).ToBytes(), ct);
            throw new RdpProtocolException("the synthetic desktop accepts TLS only, as xrdp behind a gateway.");
        }
        await tcp.WriteAsync(new X224ConnectionConfirm(SecurityProtocols.Tls).ToBytes(), ct);
        var ssl = new SslStream(tcp, leaveInnerStreamOpen: false);
        await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
        {
            ServerCertificate = _certificate,
            EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
        }, ct);
        reader.Stream = ssl;

        var client = ClientDataBlocks.Parse(Gcc.ClientBlocks(McsConnect.InitialUserData(Tpkt.DataPayload(await SlowPathAsync(reader, ct)))));
        var channels = Enumerable.Range(0, client.Channels.Count).Select(i => (ushort)(IoChannel + 1 + i)).ToList();
        var userChannel = (ushort)(IoChannel + 1 + channels.Count);
        var blocks = new ServerDataBlocks(requested, IoChannel, channels, 0, 0, null, null);
        await SendAsync(ssl, Tpkt.Data(McsConnect.Response(Gcc.ConferenceCreateResponse(blocks.ToBytes()))), ct);

        // Erect Domain, Attach User, Channel Joins, up to the Client Info (the first data PDU).
        for (var count = 0; ; count++)
        {
            if (count > MaxDomainPdus) throw new RdpProtocolException("no Client Info after the domain set-up.");
            var pdu = McsDomain.Parse(Tpkt.DataPayload(await SlowPathAsync(reader, ct)));
            if (pdu.Type == McsPduType.AttachUserRequest) await SendAsync(ssl, McsDomain.AttachUserConfirm(userChannel), ct);
            else if (pdu.Type == McsPduType.ChannelJoinRequest) await SendAsync(ssl, McsDomain.ChannelJoinConfirm(userChannel, pdu.Channel), ct);
            else if (pdu.Type == McsPduType.SendDataRequest) break;
        }

        // Licensing as xrdp 0.10 does it: STATUS_VALID_CLIENT at once (basic security header, SEC_LICENSE_PKT).
        await SendIoAsync(ssl, [0x80, 0x00, 0x00, 0x00, .. LicensingExchange.ValidClient()], ct);

        await SendIoAsync(ssl, ShareControl.DemandActive(), ct);
        for (var count = 0; count < MaxActivationPdus; count++)
        {
            var frame = await reader.ReadAsync(ct);
            if (frame.FastPath) continue;
            var pdu = McsDomain.Parse(Tpkt.DataPayload(frame.Payload));
            if (pdu.Type == McsPduType.DisconnectProviderUltimatum) throw new RdpProtocolException("the client disconnected during the activation.");
            if (pdu.Type != McsPduType.SendDataRequest || pdu.Channel != IoChannel) continue;
            var share = ShareControl.Parse(pdu.Data);
            if (share.IsControlRequest)
            {
                await SendIoAsync(ssl, ShareControl.Synchronize(userChannel), ct);
                await SendIoAsync(ssl, ShareControl.ControlCooperate(), ct);
                await SendIoAsync(ssl, ShareControl.ControlGranted(userChannel), ct);
            }
            else if (share is { Type: ShareControlType.Data, DataType: ShareDataType.FontList })
            {
                await SendIoAsync(ssl, ShareControl.FontMap(), ct);
                return ssl;
            }
        }
        throw new RdpProtocolException($"more than {MaxActivationPdus} PDUs during the activation without a Font List.");
    }

    /// <summary>Writes updates until the reader closes; reads and drops the client's input meanwhile.</summary>
    private async Task StreamAsync(Stream ssl, CancellationToken ct)
    {
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var draining = DrainAsync(ssl, ended);
        try
        {
            // Several PDUs per write: fewer TLS records and system calls, as a real server batches its output.
            var batch = new byte[_update.Length * 4];
            for (var n = 0; n < 4; n++) _update.CopyTo(batch, n * _update.Length);
            while (!ended.IsCancellationRequested) await ssl.WriteAsync(batch, ended.Token);
        }
        finally
        {
            await ended.CancelAsync();
            await draining;
        }
    }

    private static async Task DrainAsync(Stream ssl, CancellationTokenSource ended)
    {
        var buffer = new byte[4096];
        try
        {
            while (await ssl.ReadAsync(buffer, ended.Token) > 0)
            {
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
        {
        }
        await ended.CancelAsync();
    }

    private static async Task<byte[]> SlowPathAsync(FrameReader reader, CancellationToken ct)
    {
        var frame = await reader.ReadAsync(ct);
        return frame.FastPath ? throw new RdpProtocolException("a fast-path PDU during the connection sequence.") : frame.Payload;
    }

    private static Task SendIoAsync(Stream stream, byte[] pdu, CancellationToken ct) =>
        SendAsync(stream, McsDomain.SendDataIndication(IoChannel, pdu), ct);

    private static async Task SendAsync(Stream stream, byte[] packet, CancellationToken ct)
    {
        await stream.WriteAsync(packet, ct);
        await stream.FlushAsync(ct);
    }

    private static X509Certificate2 SelfSignedCertificate()
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest("CN=rdlic-bench-desktop", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        // Exported and imported again so SslStream gets a key it can use on every platform.
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _certificate.Dispose();
        _stop.Dispose();
    }
}
