using RdLicensing.Rdp.Connection;
using RdLicensing.Rdp.Security;
using RdLicensing.Rdp.Wire;

namespace RdLicensing.Rdp.Relay;

/// <summary>
/// Transcodes the data phase between a client on standard RDP security and a backend on TLS (MS-RDPBCGR 5.3 and
/// 5.4): each client PDU is verified, decrypted and sent on as a TLS client would send it; each backend PDU is
/// encrypted and signed as a standard-security server sends it. One instance per relayed connection, over the
/// client's <see cref="SecureChannel"/> (the server's end, session keys in place, RC4 streams where the licensing
/// and activation left them). <see cref="ClientToBackend"/> and <see cref="BackendToClient"/> may run concurrently
/// (one pump each way: they use different RC4 streams) but each must see its direction's frames in wire order.
/// <para>
/// What changes on the way (MS-RDPBCGR 5.3.8: without encryption a PDU carries no security header except the Client
/// Info and licensing PDUs; message-channel PDUs, 2.2.14 to 2.2.16, always carry a basic one):
/// slow-path client data loses its non-FIPS security header (flags, MAC) unless its flags say Client Info,
/// licensing, auto-detect or multitransport response, or it travels on the message channel, in which case a basic
/// header with the same flags less SEC_ENCRYPT and SEC_SECURE_CHECKSUM remains; backend data gains a non-FIPS header
/// with SEC_ENCRYPT (and SEC_SECURE_CHECKSUM when salted) over the flags it had; fast-path input loses
/// FASTPATH_INPUT_ENCRYPTED / _SECURE_CHECKSUM and its 8-byte signature, fast-path output gains them; every length
/// (fast-path length1/length2, MCS PER length, TPKT) is written again. Key updates every 4,096 packets each way
/// (5.3.7) happen inside <see cref="RdpEncryptionStream"/>.
/// </para>
/// </summary>
public sealed class RelaySecurity
{
    // Basic security header flags (MS-RDPBCGR 2.2.8.1.1.2.1) beyond those SecurityFlags names.
    private const ushort SecTransportRsp = 0x0004;
    private const ushort SecResetSeqno = 0x0010;
    private const ushort SecIgnoreSeqno = 0x0020;
    private const ushort SecAutodetectRsp = 0x2000;

    /// <summary>Flags that make sense only with encryption: dropped when a header stays under TLS.</summary>
    private const ushort EncryptionOnlyFlags = (ushort)SecurityFlags.Encrypt | (ushort)SecurityFlags.SecureChecksum | SecResetSeqno | SecIgnoreSeqno;

    /// <summary>Client PDUs that keep a basic security header under TLS.</summary>
    private const ushort HeaderKeepingFlags = (ushort)SecurityFlags.Info | (ushort)SecurityFlags.License | SecTransportRsp | SecAutodetectRsp;

    /// <summary>fpInputHeader / fpOutputHeader flags (top two bits): FASTPATH_*_ENCRYPTED and FASTPATH_*_SECURE_CHECKSUM.</summary>
    private const byte FastPathEncrypted = 0x80;
    private const byte FastPathSalted = 0x40;
    private const byte FastPathFlags = FastPathEncrypted | FastPathSalted;

    /// <summary>General Capability Set extraFlags ENC_SALTED_CHECKSUM (MS-RDPBCGR 2.2.7.1.1).</summary>
    private const ushort EncSaltedChecksum = 0x0010;

    /// <summary>The longest MCS user data a PER length can give (and so the longest secured data sent to the client).</summary>
    private const int MaxMcsUserData = 0x7FFF;

    private readonly SecureChannel _client;
    private readonly ushort _ioChannel;
    private readonly ushort? _messageChannel;
    private volatile bool _saltedOutput;

    /// <param name="client">The server end of the client's channel, with session keys (<see cref="SecureChannel.Encrypted"/>).</param>
    /// <param name="ioChannel">The I/O channel: the client's Confirm Active is read on it to learn whether the client wants salted MACs.</param>
    /// <param name="messageChannel">The MCS message channel when the backend granted one (Server Message Channel Data): its PDUs always keep a security header.</param>
    public RelaySecurity(SecureChannel client, ushort ioChannel, ushort? messageChannel = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (!client.Encrypted) throw new ArgumentException("The client's channel has no session keys: transcoding is for standard RDP security only.", nameof(client));
        _client = client;
        _ioChannel = ioChannel;
        _messageChannel = messageChannel;
    }

    /// <summary>
    /// Whether PDUs to the client carry the salted MAC (SEC_SECURE_CHECKSUM, FASTPATH_OUTPUT_SECURE_CHECKSUM, 5.3.6.1.1).
    /// Set by itself when the client's Confirm Active advertises ENC_SALTED_CHECKSUM, as Windows servers do; the relay
    /// may set it too.
    /// </summary>
    public bool SaltedOutput
    {
        get => _saltedOutput;
        set => _saltedOutput = value;
    }

    /// <summary>PDUs decrypted from the client and encrypted for it: each count crosses a key update every 4,096.</summary>
    public long FromClientPackets { get; private set; }

    public long ToClientPackets { get; private set; }

    /// <summary>A frame from the client, as the bytes a TLS client would have sent the backend (TPKT or fast-path framed).</summary>
    /// <exception cref="RdpProtocolException">
    /// A MAC mismatch (tampered, replayed or lost packet), an unencrypted data PDU, a truncated or malformed PDU, a
    /// Security Exchange after the keys, or MCS PDUs only a server sends: the connection must end.
    /// </exception>
    public byte[] ClientToBackend(RdpFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame.Payload);
        if (frame.FastPath) return FastPathInput(frame);
        var pdu = McsDomain.Parse(Tpkt.DataPayload(frame.Payload));
        switch (pdu.Type)
        {
            case McsPduType.SendDataRequest:
                return SendData(McsPduType.SendDataRequest, pdu.Initiator, pdu.Channel, ClientData(pdu.Channel, pdu.Data));
            case McsPduType.SendDataIndication or McsPduType.AttachUserConfirm or McsPduType.ChannelJoinConfirm:
                throw new RdpProtocolException($"MCS {pdu.Type} from the client: only a server sends it.");
            default:
                // Domain PDUs carry no security layer (Disconnect Provider Ultimatum, a late join): as they came.
                return Tpkt.Wrap(frame.Payload);
        }
    }

    /// <summary>A frame from the backend (TLS, so unencrypted), as the bytes a standard-security server sends the client.</summary>
    /// <exception cref="RdpProtocolException">
    /// Backend output that claims encryption (it cannot have any under TLS), a truncated or malformed PDU, or one that
    /// would be too long once the 8-byte signature is added.
    /// </exception>
    public byte[] BackendToClient(RdpFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame.Payload);
        if (frame.FastPath) return FastPathOutput(frame);
        var pdu = McsDomain.Parse(Tpkt.DataPayload(frame.Payload));
        switch (pdu.Type)
        {
            case McsPduType.SendDataIndication:
                return SendData(McsPduType.SendDataIndication, pdu.Initiator, pdu.Channel, BackendData(pdu.Channel, pdu.Data));
            case McsPduType.SendDataRequest:
                throw new RdpProtocolException("MCS Send Data Request from the backend: only a client sends it.");
            default:
                return Tpkt.Wrap(frame.Payload);
        }
    }

    private byte[] ClientData(ushort channel, byte[] data)
    {
        if (data.Length < 4) throw new RdpProtocolException($"data on channel {channel}: {data.Length} byte(s) cannot hold the security header standard RDP security requires.");
        var secured = _client.Unwrap(data, hasHeader: true);
        var flags = (ushort)secured.Flags;
        if ((secured.Flags & SecurityFlags.Exchange) != 0)
            throw new RdpProtocolException("a Security Exchange PDU after the session keys were agreed.");
        if ((secured.Flags & SecurityFlags.Encrypt) == 0 && (secured.Flags & SecurityFlags.License) == 0)
            throw new RdpProtocolException($"unencrypted data on channel {channel} (security flags 0x{flags:X4}): under standard RDP security every client PDU after the Security Exchange is encrypted.");
        FromClientPackets++;
        var keepHeader = channel == _messageChannel || (flags & HeaderKeepingFlags) != 0;
        if (!keepHeader)
        {
            if (channel == _ioChannel) NoteConfirmActive(secured.Payload);
            return secured.Payload;
        }
        return BasicHeader((ushort)(flags & ~EncryptionOnlyFlags), secured.Payload);
    }

    private byte[] BackendData(ushort channel, byte[] data)
    {
        var flags = SecurityFlags.None;
        ReadOnlySpan<byte> payload = data;
        if (channel == _messageChannel || (channel == _ioChannel && IsLicensingHeader(data)))
        {
            var r = new ByteReader(data);
            flags = (SecurityFlags)r.U16Le("security header flags");
            r.U16Le("security header flagsHi");
            if ((flags & SecurityFlags.Encrypt) != 0)
                throw new RdpProtocolException($"the backend sent SEC_ENCRYPT on channel {channel}, though no RDP security keys exist under TLS.");
            payload = data.AsSpan(4);
            // A licensing PDU goes as standard-security servers send it: basic header, not encrypted (MS-RDPELE 2.2.2).
            if ((flags & SecurityFlags.License) != 0) return BasicHeader((ushort)flags, payload);
        }
        if (payload.Length + 12 > MaxMcsUserData)
            throw new RdpProtocolException($"a {payload.Length}-byte PDU from the backend on channel {channel} is too long to encrypt for the client (the limit is {MaxMcsUserData - 12}).");
        ToClientPackets++;
        return _client.Wrap(payload, flags, encrypt: true, header: true, salted: _saltedOutput);
    }

    private byte[] FastPathInput(RdpFrame frame)
    {
        if (!frame.FastPathEncrypted)
            throw new RdpProtocolException("unencrypted fast-path input (FASTPATH_INPUT_ENCRYPTED not set): under standard RDP security the client encrypts all input.");
        var plain = _client.UnwrapFastPath(frame.Payload, frame.FastPathSalted);
        FromClientPackets++;
        return FastPathLength.Frame((byte)(frame.FastPathHeader & ~FastPathFlags), [], plain);
    }

    private byte[] FastPathOutput(RdpFrame frame)
    {
        if ((frame.FastPathHeader & FastPathFlags) != 0)
            throw new RdpProtocolException($"fast-path output from the backend with security flags (header 0x{frame.FastPathHeader:X2}), though no RDP security keys exist under TLS.");
        if (frame.Payload.Length + RdpMac.Length + 3 > FastPathLength.MaxPdu)
            throw new RdpProtocolException($"{frame.Payload.Length} bytes of fast-path output from the backend are too long to sign for the client (the limit is {FastPathLength.MaxPdu - RdpMac.Length - 3}).");
        var salted = _saltedOutput;
        var cipher = _client.WrapFastPath(frame.Payload, salted, out var mac);
        ToClientPackets++;
        var header = (byte)(frame.FastPathHeader | FastPathEncrypted | (salted ? FastPathSalted : 0));
        return FastPathLength.Frame(header, mac, cipher);
    }

    /// <summary>
    /// A basic security header with SEC_LICENSE_PKT and a zero flagsHi: what a TLS server sends before licensing PDUs
    /// on the I/O channel. A share control header never reads so (its second field, pduType, carries version 0x10).
    /// </summary>
    private static bool IsLicensingHeader(ReadOnlySpan<byte> data) =>
        data.Length >= 4 && (data[0] & (byte)SecurityFlags.License) != 0 && data[2] == 0 && data[3] == 0;

    /// <summary>An MCS Send Data PDU as it came (initiator and channel kept; priority high, whole segment, as RDP always sends).</summary>
    private static byte[] SendData(McsPduType type, ushort initiator, ushort channel, ReadOnlySpan<byte> data)
    {
        var w = new ByteWriter(data.Length + 8);
        w.U8((int)type << 2).U16Be(initiator - McsDomain.UserIdBase).U16Be(channel).U8(0x70);
        Per.WriteLength(w, data.Length);
        w.Bytes(data);
        return Tpkt.Data(w.Written);
    }

    private static byte[] BasicHeader(ushort flags, ReadOnlySpan<byte> payload) =>
        new ByteWriter(payload.Length + 4).U16Le(flags).U16Le(0).Bytes(payload).ToArray();

    /// <summary>
    /// The client's Confirm Active (MS-RDPBCGR 2.2.1.13.2): when its General Capability Set has ENC_SALTED_CHECKSUM,
    /// the client wants salted MACs on what it receives. A malformed one changes nothing here: the backend judges it.
    /// </summary>
    private void NoteConfirmActive(ReadOnlySpan<byte> pdu)
    {
        if (pdu.Length < 6 || (pdu[2] & 0x0F) != (byte)ShareControlType.ConfirmActive) return;
        try
        {
            if (AdvertisesSaltedChecksum(pdu)) _saltedOutput = true;
        }
        catch (RdpProtocolException)
        {
        }
    }

    internal static bool AdvertisesSaltedChecksum(ReadOnlySpan<byte> confirmActive)
    {
        var r = new ByteReader(confirmActive);
        r.Skip(2 + 2 + 2, "share control header");
        r.Skip(4 + 2, "Confirm Active shareId and originatorId");
        var sourceLength = r.U16Le("Confirm Active lengthSourceDescriptor");
        r.U16Le("Confirm Active lengthCombinedCapabilities");
        r.Skip(sourceLength, "Confirm Active sourceDescriptor");
        var count = r.U16Le("Confirm Active numberCapabilities");
        r.U16Le("Confirm Active pad2Octets");
        for (var n = 0; n < count; n++)
        {
            var type = r.U16Le("capability set type");
            var length = r.U16Le("capability set length");
            if (length < 4) throw new RdpProtocolException($"capability set length {length} is shorter than its header.");
            var set = r.Sub(length - 4, "capability set");
            if (type != 0x0001) continue;
            set.Skip(2 + 2 + 2 + 2 + 2, "General Capability Set up to extraFlags");
            return (set.U16Le("General Capability Set extraFlags") & EncSaltedChecksum) != 0;
        }
        return false;
    }
}
