using RdLicensing.Rdp.Client;
using RdLicensing.Rdp.Connection;
using RdLicensing.Rdp.Relay;
using RdLicensing.Rdp.Security;
using RdLicensing.Rdp.Wire;

namespace RdLicensing.Rdp.Tests.Security;

/// <summary>
/// The relay's transcoding between a client on standard RDP security and a TLS backend: what a real client encrypts
/// reaches the backend as a TLS client would send it, what the backend sends reaches the client encrypted so that
/// the client's own channel decrypts and verifies it; tampered, unencrypted, truncated and oversized PDUs end the
/// connection (RdpProtocolException), each beside the legitimate PDU that passes.
/// </summary>
public sealed class RelaySecurityTests
{
    private const ushort IoChannel = 1003;
    private const ushort ClipboardChannel = 1004;
    private const ushort MessageChannel = 1006;
    private const ushort UserId = 1007;

    public static TheoryData<EncryptionMethod, bool> MethodsAndSalting => new()
    {
        { EncryptionMethod.Bits40, false }, { EncryptionMethod.Bits40, true },
        { EncryptionMethod.Bits56, false }, { EncryptionMethod.Bits56, true },
        { EncryptionMethod.Bits128, false }, { EncryptionMethod.Bits128, true },
    };

    [Theory]
    [MemberData(nameof(MethodsAndSalting))]
    public void Client_share_data_reaches_the_backend_plain_and_without_a_security_header(EncryptionMethod method, bool salted)
    {
        var (client, relay) = Pair(method);
        var share = Bytes(300, seed: 1);

        var wire = relay.ClientToBackend(ClientSlowPath(client, IoChannel, share, SecurityFlags.None, salted));

        var pdu = ParseMcs(wire);
        Assert.Equal(McsPduType.SendDataRequest, pdu.Type);
        Assert.Equal(UserId, pdu.Initiator);
        Assert.Equal(IoChannel, pdu.Channel);
        Assert.Equal(share, pdu.Data);
    }

    [Fact]
    public void Virtual_channel_data_passes_plain_on_its_own_channel()
    {
        var (client, relay) = Pair(EncryptionMethod.Bits128);
        var clipboard = Bytes(1600, seed: 2);

        var pdu = ParseMcs(relay.ClientToBackend(ClientSlowPath(client, ClipboardChannel, clipboard, SecurityFlags.None, salted: true)));

        Assert.Equal(ClipboardChannel, pdu.Channel);
        Assert.Equal(clipboard, pdu.Data);
    }

    [Fact]
    public void Client_info_and_message_channel_PDUs_keep_a_basic_header_without_the_encryption_flags()
    {
        var (client, relay) = Pair(EncryptionMethod.Bits128);
        var info = Bytes(120, seed: 3);
        var autoDetect = Bytes(10, seed: 4);

        var infoPdu = ParseMcs(relay.ClientToBackend(ClientSlowPath(client, IoChannel, info, SecurityFlags.Info, salted: true)));
        var autoDetectPdu = ParseMcs(relay.ClientToBackend(ClientSlowPath(client, MessageChannel, autoDetect, (SecurityFlags)0x2000, salted: false)));

        Assert.Equal([0x40, 0x00, 0x00, 0x00, .. info], infoPdu.Data);
        Assert.Equal([0x00, 0x20, 0x00, 0x00, .. autoDetect], autoDetectPdu.Data);
    }

    [Theory]
    [MemberData(nameof(MethodsAndSalting))]
    public void Backend_data_reaches_the_client_encrypted_and_signed(EncryptionMethod method, bool salted)
    {
        var (client, relay) = Pair(method);
        relay.SaltedOutput = salted;
        var update = Bytes(900, seed: 5);

        var pdu = ParseMcs(relay.BackendToClient(Frame(McsDomain.SendDataIndication(IoChannel, update))));

        Assert.Equal(McsPduType.SendDataIndication, pdu.Type);
        Assert.Equal(IoChannel, pdu.Channel);
        Assert.NotEqual(update, pdu.Data[12..]);
        var secured = client.Unwrap(pdu.Data, hasHeader: true);
        Assert.True(secured.Flags.HasFlag(SecurityFlags.Encrypt));
        Assert.Equal(salted, secured.Flags.HasFlag(SecurityFlags.SecureChecksum));
        Assert.Equal(update, secured.Payload);
    }

    [Fact]
    public void A_backend_heartbeat_on_the_message_channel_keeps_its_flag_and_is_encrypted()
    {
        var (client, relay) = Pair(EncryptionMethod.Bits56);
        byte[] heartbeat = [0x00, 0x40, 0x00, 0x00, 0x00, 0x05, 0x03, 0x04];

        var pdu = ParseMcs(relay.BackendToClient(Frame(McsDomain.SendDataIndication(MessageChannel, heartbeat))));

        var secured = client.Unwrap(pdu.Data, hasHeader: true);
        Assert.Equal((SecurityFlags)0x4000 | SecurityFlags.Encrypt, secured.Flags);
        Assert.Equal(heartbeat[4..], secured.Payload);
    }

    [Fact]
    public void A_backend_licensing_PDU_keeps_its_basic_header_unencrypted_as_standard_security_servers_send_it()
    {
        var (client, relay) = Pair(EncryptionMethod.Bits128);
        byte[] validClient = [0x80, 0x00, 0x00, 0x00, 0xFF, 0x03, 0x10, 0x00, 0x07, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00];

        var pdu = ParseMcs(relay.BackendToClient(Frame(McsDomain.SendDataIndication(IoChannel, validClient))));

        Assert.Equal(validClient, pdu.Data);
        Assert.Equal(validClient[4..], client.Unwrap(pdu.Data, hasHeader: true).Payload);
    }

    [Theory]
    [InlineData(10, false)]
    [InlineData(10, true)]
    [InlineData(120, true)] // 1-byte length on the backend side, 2-byte on the client side
    [InlineData(3000, false)]
    public void Fast_path_input_reaches_the_backend_plain_with_its_length_re_encoded(int size, bool salted)
    {
        var (client, relay) = Pair(EncryptionMethod.Bits128);
        var events = Bytes(size, seed: 6);
        const byte header = 0x08; // FASTPATH_INPUT_ACTION_FASTPATH, numEvents 2

        var wire = relay.ClientToBackend(ClientFastPath(client, header, events, salted));

        Assert.Equal(header, wire[0]);
        Assert.Equal(size + 2 <= 0x7F ? size + 2 : size + 3, wire.Length);
        var frame = Frame(wire);
        Assert.True(frame.FastPath);
        Assert.False(frame.FastPathEncrypted);
        Assert.Equal(events, frame.Payload);
    }

    [Theory]
    [InlineData(20, false)]
    [InlineData(120, true)] // 1-byte length from the backend, 2-byte once signed
    [InlineData(16_000, true)]
    [InlineData(FastPathLength.MaxPdu - 3 - 8, false)] // the longest that still fits once signed
    public void Fast_path_output_reaches_the_client_encrypted_with_its_length_re_encoded(int size, bool salted)
    {
        var (client, relay) = Pair(EncryptionMethod.Bits128);
        relay.SaltedOutput = salted;
        var updates = Bytes(size, seed: 7);

        var wire = relay.BackendToClient(Frame(FastPathLength.Frame(0x00, [], updates)));

        var frame = Frame(wire);
        Assert.True(frame.FastPathEncrypted);
        Assert.Equal(salted, frame.FastPathSalted);
        Assert.Equal(size + 8 + 2 <= 0x7F ? size + 10 : size + 11, wire.Length);
        Assert.Equal(updates, client.UnwrapFastPath(frame.Payload, salted));
    }

    [Theory]
    [InlineData(EncryptionMethod.Bits40)]
    [InlineData(EncryptionMethod.Bits56)]
    [InlineData(EncryptionMethod.Bits128)]
    public void Five_thousand_packets_each_way_cross_the_key_update_in_step(EncryptionMethod method)
    {
        var (client, relay) = Pair(method);
        relay.SaltedOutput = true;
        for (var n = 0; n < 5000; n++)
        {
            var data = Bytes(16 + n % 200, seed: n);
            var fromClient = n % 2 == 0
                ? ParseMcs(relay.ClientToBackend(ClientSlowPath(client, IoChannel, data, SecurityFlags.None, salted: n % 3 == 0))).Data
                : Frame(relay.ClientToBackend(ClientFastPath(client, 0x04, data, salted: n % 3 == 0))).Payload;
            Assert.Equal(data, fromClient);

            var toClient = n % 2 == 0
                ? client.Unwrap(ParseMcs(relay.BackendToClient(Frame(McsDomain.SendDataIndication(IoChannel, data)))).Data, hasHeader: true).Payload
                : client.UnwrapFastPath(Frame(relay.BackendToClient(Frame(FastPathLength.Frame(0x00, [], data)))).Payload, salted: true);
            Assert.Equal(data, toClient);
        }
        Assert.Equal(5000, relay.FromClientPackets);
        Assert.Equal(5000, relay.ToClientPackets);
    }

    [Fact]
    public void Our_clients_secure_channel_and_the_relay_understand_each_other()
    {
        var keys = Keys(EncryptionMethod.Bits128);
        var ourClient = new ClientSecureChannel();
        ourClient.UseSessionKeys(keys);
        var relay = new RelaySecurity(ServerChannel(keys), IoChannel, MessageChannel);
        var confirm = Bytes(64, seed: 8);

        var sent = ourClient.Wrap(confirm, SecurityFlags.None, header: true);
        var atBackend = ParseMcs(relay.ClientToBackend(Frame(McsDomain.SendDataRequest(UserId, IoChannel, sent))));
        var answer = ParseMcs(relay.BackendToClient(Frame(McsDomain.SendDataIndication(IoChannel, confirm))));

        Assert.Equal(confirm, atBackend.Data);
        Assert.Equal(confirm, ourClient.Unwrap(answer.Data).Payload);
    }

    [Fact]
    public void The_client_gets_salted_MACs_once_its_Confirm_Active_asks_for_them()
    {
        var (client, relay) = Pair(EncryptionMethod.Bits128);
        relay.ClientToBackend(ClientSlowPath(client, IoChannel, ConfirmActive(extraFlags: 0x0001), SecurityFlags.None, salted: true));
        Assert.False(relay.SaltedOutput);

        relay.ClientToBackend(ClientSlowPath(client, IoChannel, ConfirmActive(extraFlags: 0x0415), SecurityFlags.None, salted: true));
        Assert.True(relay.SaltedOutput);
        var pdu = ParseMcs(relay.BackendToClient(Frame(McsDomain.SendDataIndication(IoChannel, Bytes(40, seed: 9)))));
        Assert.True(client.Unwrap(pdu.Data, hasHeader: true).Flags.HasFlag(SecurityFlags.SecureChecksum));
    }

    [Fact]
    public void A_tampered_MAC_is_refused_on_the_slow_path()
    {
        var data = Bytes(80, seed: 10);
        var (goodClient, goodRelay) = Pair(EncryptionMethod.Bits128);
        Assert.Equal(data, ParseMcs(goodRelay.ClientToBackend(ClientSlowPath(goodClient, IoChannel, data, SecurityFlags.None, salted: true))).Data);

        var (client, relay) = Pair(EncryptionMethod.Bits128);
        var wire = McsDomain.SendDataRequest(UserId, IoChannel, client.Wrap(data, SecurityFlags.None, encrypt: true, header: true, salted: true));
        wire[wire.Length - data.Length - 1] ^= 0x01; // the MAC's last byte
        var error = Assert.Throws<RdpProtocolException>(() => relay.ClientToBackend(Frame(wire)));
        Assert.Contains("MAC mismatch", error.Message);
    }

    [Fact]
    public void A_tampered_ciphertext_is_refused_on_the_fast_path()
    {
        var events = Bytes(30, seed: 11);
        var (goodClient, goodRelay) = Pair(EncryptionMethod.Bits40);
        Assert.Equal(events, Frame(goodRelay.ClientToBackend(ClientFastPath(goodClient, 0x04, events, salted: true))).Payload);

        var (client, relay) = Pair(EncryptionMethod.Bits40);
        var wire = ClientFastPathBytes(client, 0x04, events, salted: true);
        wire[^1] ^= 0x80; // flips one input bit
        Assert.Contains("MAC mismatch", Assert.Throws<RdpProtocolException>(() => relay.ClientToBackend(Frame(wire))).Message);
    }

    [Fact]
    public void A_replayed_packet_is_refused()
    {
        var (client, relay) = Pair(EncryptionMethod.Bits128);
        var packet = ClientSlowPath(client, IoChannel, Bytes(50, seed: 12), SecurityFlags.None, salted: true);
        relay.ClientToBackend(packet);

        Assert.Throws<RdpProtocolException>(() => relay.ClientToBackend(packet));
    }

    [Fact]
    public void Unencrypted_client_data_is_refused_on_either_path()
    {
        var (client, relay) = Pair(EncryptionMethod.Bits128);
        var data = Bytes(40, seed: 13);
        Assert.Equal(data, ParseMcs(relay.ClientToBackend(ClientSlowPath(client, IoChannel, data, SecurityFlags.None, salted: false))).Data);

        var plainSlow = Frame(McsDomain.SendDataRequest(UserId, IoChannel, [0x00, 0x00, 0x00, 0x00, .. data]));
        Assert.Contains("unencrypted data", Assert.Throws<RdpProtocolException>(() => relay.ClientToBackend(plainSlow)).Message);
        var noHeader = Frame(McsDomain.SendDataRequest(UserId, IoChannel, [0x01, 0x00]));
        Assert.Throws<RdpProtocolException>(() => relay.ClientToBackend(noHeader));
        var plainFast = Frame(FastPathLength.Frame(0x04, [], data));
        Assert.Contains("unencrypted fast-path", Assert.Throws<RdpProtocolException>(() => relay.ClientToBackend(plainFast)).Message);
    }

    [Fact]
    public void A_Security_Exchange_after_the_keys_is_refused()
    {
        var (client, relay) = Pair(EncryptionMethod.Bits128);

        var exchange = ClientSlowPath(client, IoChannel, Bytes(72, seed: 14), SecurityFlags.Exchange, salted: false);

        Assert.Contains("Security Exchange", Assert.Throws<RdpProtocolException>(() => relay.ClientToBackend(exchange)).Message);
    }

    [Fact]
    public void Truncated_client_PDUs_are_refused()
    {
        var (client, relay) = Pair(EncryptionMethod.Bits128);
        // A header whose MAC is cut short, and a fast-path body shorter than its signature.
        var shortMac = Frame(McsDomain.SendDataRequest(UserId, IoChannel, [0x08, 0x00, 0x00, 0x00, 1, 2, 3]));
        Assert.Contains("truncated", Assert.Throws<RdpProtocolException>(() => relay.ClientToBackend(shortMac)).Message);
        var shortFast = Frame(FastPathLength.Frame(0x84, [], [1, 2, 3, 4, 5]));
        Assert.Contains("truncated", Assert.Throws<RdpProtocolException>(() => relay.ClientToBackend(shortFast)).Message);
        // An MCS length that claims more than the packet holds.
        var lying = ClientSlowPath(client, IoChannel, Bytes(40, seed: 15), SecurityFlags.None, salted: false).Payload;
        Assert.Throws<RdpProtocolException>(() => relay.ClientToBackend(new RdpFrame(false, lying[..^5])));
    }

    [Fact]
    public void Backend_output_too_long_to_sign_is_refused()
    {
        var (_, relay) = Pair(EncryptionMethod.Bits128);
        var longest = FastPathLength.MaxPdu - 3 - 8;
        relay.BackendToClient(Frame(FastPathLength.Frame(0x00, [], new byte[longest])));

        var tooLong = Frame(FastPathLength.Frame(0x00, [], new byte[longest + 1]));
        Assert.Contains("too long", Assert.Throws<RdpProtocolException>(() => relay.BackendToClient(tooLong)).Message);
        var slowTooLong = Frame(McsDomain.SendDataIndication(IoChannel, new byte[0x7FFF - 11]));
        Assert.Contains("too long", Assert.Throws<RdpProtocolException>(() => relay.BackendToClient(slowTooLong)).Message);
        relay.BackendToClient(Frame(McsDomain.SendDataIndication(IoChannel, new byte[0x7FFF - 12])));
    }

    [Fact]
    public void Backend_output_claiming_RDP_encryption_is_refused()
    {
        var (_, relay) = Pair(EncryptionMethod.Bits128);

        Assert.Throws<RdpProtocolException>(() => relay.BackendToClient(Frame(FastPathLength.Frame(0x80, [], new byte[20]))));
        Assert.Throws<RdpProtocolException>(() => relay.BackendToClient(Frame(McsDomain.SendDataIndication(MessageChannel, [0x08, 0x40, 0x00, 0x00, 1, 2]))));
        Assert.Throws<RdpProtocolException>(() => relay.ClientToBackend(Frame(McsDomain.SendDataIndication(IoChannel, new byte[20]))));
    }

    [Fact]
    public void Domain_PDUs_pass_as_they_came()
    {
        var (_, relay) = Pair(EncryptionMethod.Bits128);

        Assert.Equal(McsDomain.DisconnectProviderUltimatum(), relay.ClientToBackend(Frame(McsDomain.DisconnectProviderUltimatum())));
        Assert.Equal(McsDomain.DisconnectProviderUltimatum(), relay.BackendToClient(Frame(McsDomain.DisconnectProviderUltimatum())));
    }

    [Fact]
    public void A_channel_without_session_keys_cannot_be_transcoded()
    {
        Assert.Throws<ArgumentException>(() => new RelaySecurity(SecureChannel.ForServer(), IoChannel));
    }

    private static RdpSessionKeys Keys(EncryptionMethod method) =>
        RdpSessionKeys.Derive(RdpSessionKeysTests.ClientRandom, RdpSessionKeysTests.ServerRandom, method);

    private static SecureChannel ServerChannel(RdpSessionKeys keys)
    {
        var server = SecureChannel.ForServer();
        server.UseSessionKeys(keys);
        return server;
    }

    private static (SecureChannel Client, RelaySecurity Relay) Pair(EncryptionMethod method)
    {
        var keys = Keys(method);
        var client = SecureChannel.ForClient();
        client.UseSessionKeys(keys);
        return (client, new RelaySecurity(ServerChannel(keys), IoChannel, MessageChannel));
    }

    private static RdpFrame ClientSlowPath(SecureChannel client, ushort channel, byte[] payload, SecurityFlags flags, bool salted) =>
        Frame(McsDomain.SendDataRequest(UserId, channel, client.Wrap(payload, flags, encrypt: true, header: true, salted)));

    private static byte[] ClientFastPathBytes(SecureChannel client, byte header, byte[] events, bool salted)
    {
        var cipher = client.WrapFastPath(events, salted, out var mac);
        return FastPathLength.Frame((byte)(header | 0x80 | (salted ? 0x40 : 0)), mac, cipher);
    }

    private static RdpFrame ClientFastPath(SecureChannel client, byte header, byte[] events, bool salted) =>
        Frame(ClientFastPathBytes(client, header, events, salted));

    /// <summary>The one frame in <paramref name="wire"/>, read as the endpoint reads it; its length must cover the bytes exactly.</summary>
    private static RdpFrame Frame(byte[] wire)
    {
        using var stream = new MemoryStream(wire);
        var frame = new FrameReader(stream).ReadAsync(CancellationToken.None).GetAwaiter().GetResult();
        Assert.Equal(wire.Length, stream.Position);
        return frame;
    }

    private static McsDomainPdu ParseMcs(byte[] wire)
    {
        var frame = Frame(wire);
        Assert.False(frame.FastPath);
        return McsDomain.Parse(Tpkt.DataPayload(frame.Payload));
    }

    private static byte[] Bytes(int count, int seed)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>A Confirm Active with one General Capability Set (MS-RDPBCGR 2.2.1.13.2, 2.2.7.1.1).</summary>
    private static byte[] ConfirmActive(ushort extraFlags)
    {
        var general = new ByteWriter().U16Le(1).U16Le(24).U16Le(1).U16Le(3).U16Le(0x200).U16Le(0).U16Le(0).U16Le(extraFlags)
            .U16Le(0).U16Le(0).U16Le(0).U8(1).U8(1).ToArray();
        var body = new ByteWriter().U32Le(ShareControl.ShareId).U16Le(ShareControl.ServerChannel).U16Le(6).U16Le(general.Length + 4)
            .Bytes("MSTSC\0"u8).U16Le(1).U16Le(0).Bytes(general).ToArray();
        return new ByteWriter().U16Le(body.Length + 6).U16Le(0x13).U16Le(UserId).Bytes(body).ToArray();
    }
}
