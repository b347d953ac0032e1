using RdLicensing.Rdp.Security;
using RdLicensing.Rdp.Wire;

namespace RdLicensing.Rdp.Connection;

/// <summary>A slow-path PDU as received on the I/O channel: its security flags and its (decrypted) payload.</summary>
public readonly record struct SecuredPdu(SecurityFlags Flags, byte[] Payload);

/// <summary>
/// The security layer of one connection on the I/O channel, at either end. Under TLS (encryption level none) only the
/// Client Info and licensing PDUs carry a basic security header; under standard RDP security every client PDU has one
/// and those with SEC_ENCRYPT carry an 8-byte MAC and RC4 ciphertext. Each direction is one continuous RC4 stream
/// (<see cref="RdpEncryptionStream"/>), so every encrypted PDU must pass through here in order.
/// </summary>
public sealed class SecureChannel
{
    private readonly bool _server;
    private readonly string _peer;
    private RdpEncryptionStream? _incoming;
    private RdpEncryptionStream? _outgoing;

    private SecureChannel(bool server)
    {
        _server = server;
        _peer = server ? "client" : "server";
    }

    /// <summary>The server's end: it decrypts with the client's encryption key and encrypts with its own.</summary>
    public static SecureChannel ForServer() => new(server: true);

    public static SecureChannel ForClient() => new(server: false);

    /// <summary>Standard RDP security with session keys in place.</summary>
    public bool Encrypted => _incoming is not null;

    public void UseSessionKeys(RdpSessionKeys keys)
    {
        var clientToServer = new RdpEncryptionStream(keys.ClientEncryptKey, keys.MacKey, keys.Method);
        var serverToClient = new RdpEncryptionStream(keys.ServerEncryptKey, keys.MacKey, keys.Method);
        (_incoming, _outgoing) = _server ? (clientToServer, serverToClient) : (serverToClient, clientToServer);
    }

    /// <param name="hasHeader">Whether this PDU carries a security header (always under standard security).</param>
    public SecuredPdu Unwrap(ReadOnlySpan<byte> data, bool hasHeader)
    {
        if (!hasHeader && !Encrypted) return new SecuredPdu(SecurityFlags.None, data.ToArray());
        var r = new ByteReader(data);
        var flags = (SecurityFlags)r.U16Le("security header flags");
        r.U16Le("security header flagsHi");
        if ((flags & SecurityFlags.Encrypt) == 0) return new SecuredPdu(flags, r.Rest().ToArray());
        if (_incoming is null) throw new RdpProtocolException($"the {_peer} sent an encrypted PDU before any session keys were agreed.");
        var mac = r.Take(RdpMac.Length, "security header MAC");
        var plain = _incoming.Decrypt(r.Rest(), mac, salted: (flags & SecurityFlags.SecureChecksum) != 0);
        return new SecuredPdu(flags, plain);
    }

    /// <summary>Decrypts the body of an encrypted fast-path PDU so the peer's RC4 stream stays in step.</summary>
    public void SkipFastPath(ReadOnlySpan<byte> body, bool encrypted, bool salted)
    {
        if (!encrypted) return;
        UnwrapFastPath(body, salted);
    }

    /// <summary>
    /// The plaintext of an encrypted fast-path PDU's body (after its length: the 8-byte dataSignature, then the RC4
    /// ciphertext of everything that follows, numEvents included for input).
    /// </summary>
    /// <exception cref="RdpProtocolException">No session keys, a body shorter than its signature, or a MAC mismatch.</exception>
    public byte[] UnwrapFastPath(ReadOnlySpan<byte> body, bool salted)
    {
        if (_incoming is null) throw new RdpProtocolException($"the {_peer} sent an encrypted fast-path PDU before any session keys were agreed.");
        var r = new ByteReader(body);
        var mac = r.Take(RdpMac.Length, "fast-path MAC");
        return _incoming.Decrypt(r.Rest(), mac, salted);
    }

    /// <summary>Encrypts the body of a fast-path PDU for the peer: its 8-byte dataSignature in <paramref name="mac"/>, the ciphertext returned.</summary>
    public byte[] WrapFastPath(ReadOnlySpan<byte> payload, bool salted, out byte[] mac)
    {
        if (_outgoing is null) throw new InvalidOperationException("No session keys: fast-path PDUs are encrypted only under standard RDP security.");
        return _outgoing.Encrypt(payload, out mac, salted);
    }

    /// <summary>
    /// A PDU for the peer: encrypted when asked and keys exist (with the salted MAC, SEC_SECURE_CHECKSUM, when
    /// <paramref name="salted"/>); otherwise with a header when asked.
    /// </summary>
    /// <summary>Bytes <see cref="WrapInto"/> writes for a payload of <paramref name="payloadLength"/> bytes.</summary>
    public int WrappedLength(int payloadLength, bool encrypt, bool header) =>
        encrypt && _outgoing is not null ? payloadLength + 4 + MacLength : header ? payloadLength + 4 : payloadLength;

    /// <summary>
    /// What <see cref="Wrap"/> returns, written into <paramref name="destination"/> (exactly <see cref="WrappedLength"/>
    /// bytes): the payload is copied — or encrypted — once, straight into the packet that goes out.
    /// </summary>
    public void WrapInto(ReadOnlySpan<byte> payload, SecurityFlags flags, bool encrypt, bool header, Span<byte> destination, bool salted = false)
    {
        if (destination.Length != WrappedLength(payload.Length, encrypt, header))
            throw new ArgumentException($"The wrapped PDU takes {WrappedLength(payload.Length, encrypt, header)} bytes, not {destination.Length}.", nameof(destination));
        if (encrypt && _outgoing is not null)
        {
            var secured = flags | SecurityFlags.Encrypt | (salted ? SecurityFlags.SecureChecksum : SecurityFlags.None);
            WriteHeader(destination, secured);
            _outgoing.EncryptInto(payload, destination.Slice(4, MacLength), destination[(4 + MacLength)..], salted);
            return;
        }
        if (header)
        {
            WriteHeader(destination, flags);
            payload.CopyTo(destination[4..]);
        }
        else payload.CopyTo(destination);
    }

    private const int MacLength = 8;

    private static void WriteHeader(Span<byte> destination, SecurityFlags flags)
    {
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(destination, (ushort)flags);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16LittleEndian(destination[2..], 0);
    }

    public byte[] Wrap(ReadOnlySpan<byte> payload, SecurityFlags flags, bool encrypt, bool header, bool salted = false)
    {
        if (encrypt && _outgoing is not null)
        {
            var cipher = _outgoing.Encrypt(payload, out var mac, salted);
            var secured = flags | SecurityFlags.Encrypt | (salted ? SecurityFlags.SecureChecksum : SecurityFlags.None);
            return new ByteWriter(payload.Length + 4 + mac.Length).U16Le((ushort)secured).U16Le(0).Bytes(mac).Bytes(cipher).ToArray();
        }
        if (!header) return payload.ToArray();
        return new ByteWriter(payload.Length + 4).U16Le((ushort)flags).U16Le(0).Bytes(payload).ToArray();
    }
}
