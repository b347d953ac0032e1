using RdLicensing.Rdp.Connection;
using RdLicensing.Rdp.Security;
using RdLicensing.Rdp.Wire;

namespace RdLicensing.Rdp.Client;

/// <summary>
/// The client's side of the security layer on the I/O channel — <see cref="SecureChannel"/> seen from the other end.
/// Under standard RDP security every PDU after the Security Exchange is RC4-encrypted in one continuous stream per
/// direction, with the salted MAC xfreerdp uses (SEC_SECURE_CHECKSUM); under TLS only the Client Info and licensing
/// PDUs carry a basic security header, and nothing is encrypted.
/// </summary>
internal sealed class ClientSecureChannel
{
    private const int HeaderLength = 4;

    private RdpEncryptionStream? _toServer;
    private RdpEncryptionStream? _fromServer;

    public void UseSessionKeys(RdpSessionKeys keys)
    {
        // The client encrypts with the key the server decrypts with, and the other way round.
        _toServer = new RdpEncryptionStream(keys.ClientEncryptKey, keys.MacKey, keys.Method);
        _fromServer = new RdpEncryptionStream(keys.ServerEncryptKey, keys.MacKey, keys.Method);
    }

    /// <summary>A PDU for the server: encrypted once keys exist; otherwise with a header when <paramref name="header"/> asks for one.</summary>
    public byte[] Wrap(ReadOnlySpan<byte> payload, SecurityFlags flags, bool header)
    {
        if (_toServer is not null)
        {
            var cipher = _toServer.Encrypt(payload, out var mac, salted: true);
            var secured = flags | SecurityFlags.Encrypt | SecurityFlags.SecureChecksum;
            return new ByteWriter(payload.Length + HeaderLength + mac.Length).U16Le((ushort)secured).U16Le(0).Bytes(mac).Bytes(cipher).ToArray();
        }
        if (!header) return payload.ToArray();
        return new ByteWriter(payload.Length + HeaderLength).U16Le((ushort)flags).U16Le(0).Bytes(payload).ToArray();
    }

    /// <summary>
    /// A PDU from the server on the I/O channel. Under standard security each has a header (SEC_ENCRYPT for share PDUs,
    /// SEC_LICENSE_PKT for licensing ones). Under TLS only licensing PDUs have one: a header is recognised by
    /// SEC_LICENSE_PKT and a zero flagsHi, which a share control header (totalLength, then a pduType carrying the
    /// protocol version 0x10) never has.
    /// </summary>
    public SecuredPdu Unwrap(ReadOnlySpan<byte> data)
    {
        var r = new ByteReader(data);
        if (_fromServer is null)
        {
            if (data.Length < HeaderLength) return new SecuredPdu(SecurityFlags.None, data.ToArray());
            var candidate = (SecurityFlags)r.U16Le("security header flags");
            var flagsHi = r.U16Le("security header flagsHi");
            if ((candidate & SecurityFlags.License) == 0 || flagsHi != 0) return new SecuredPdu(SecurityFlags.None, data.ToArray());
            if ((candidate & SecurityFlags.Encrypt) != 0) throw new RdpProtocolException("the server sent an encrypted PDU, but no session keys were agreed (TLS).");
            return new SecuredPdu(candidate, r.Rest().ToArray());
        }

        var flags = (SecurityFlags)r.U16Le("security header flags");
        r.U16Le("security header flagsHi");
        if ((flags & SecurityFlags.Encrypt) == 0) return new SecuredPdu(flags, r.Rest().ToArray());
        var mac = r.Take(RdpMac.Length, "security header MAC");
        var plain = _fromServer.Decrypt(r.Rest(), mac, salted: (flags & SecurityFlags.SecureChecksum) != 0);
        return new SecuredPdu(flags, plain);
    }
}
