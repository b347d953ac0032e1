using RdLicensing.Rdp.Connection;
using RdLicensing.Rdp.Security;
using RdLicensing.Rdp.Wire;

namespace RdLicensing.Rdp.Client;

/// <summary>
/// The client's end of the security layer: <see cref="SecureChannel"/>, sending with the salted MAC xfreerdp uses
/// (SEC_SECURE_CHECKSUM). What it adds is telling, under TLS, a licensing PDU (with a basic security header) from a
/// share PDU (without one) — the server knows from the state which one comes next, the client does not.
/// </summary>
internal sealed class ClientSecureChannel
{
    private const int HeaderLength = 4;

    private readonly SecureChannel _channel = SecureChannel.ForClient();

    public void UseSessionKeys(RdpSessionKeys keys) => _channel.UseSessionKeys(keys);

    /// <summary>A PDU for the server: encrypted once keys exist; otherwise with a header when <paramref name="header"/> asks for one.</summary>
    public byte[] Wrap(ReadOnlySpan<byte> payload, SecurityFlags flags, bool header) =>
        _channel.Wrap(payload, flags, encrypt: true, header, salted: true);

    /// <summary>
    /// A PDU from the server on the I/O channel. Under standard security each has a header (SEC_ENCRYPT for share PDUs,
    /// SEC_LICENSE_PKT for licensing ones). Under TLS only licensing PDUs have one: a header is recognised by
    /// SEC_LICENSE_PKT and a zero flagsHi, which a share control header (totalLength, then a pduType carrying the
    /// protocol version 0x10) never has.
    /// </summary>
    public SecuredPdu Unwrap(ReadOnlySpan<byte> data)
    {
        if (_channel.Encrypted) return _channel.Unwrap(data, hasHeader: true);
        if (data.Length < HeaderLength) return new SecuredPdu(SecurityFlags.None, data.ToArray());
        var r = new ByteReader(data);
        var candidate = (SecurityFlags)r.U16Le("security header flags");
        var flagsHi = r.U16Le("security header flagsHi");
        if ((candidate & SecurityFlags.License) == 0 || flagsHi != 0) return new SecuredPdu(SecurityFlags.None, data.ToArray());
        if ((candidate & SecurityFlags.Encrypt) != 0) throw new RdpProtocolException("the server sent an encrypted PDU, but no session keys were agreed (TLS).");
        return new SecuredPdu(candidate, r.Rest().ToArray());
    }

    /// <summary>The plaintext of an encrypted fast-path PDU from the server, its MAC verified.</summary>
    public byte[] UnwrapFastPath(ReadOnlySpan<byte> body, bool salted) => _channel.UnwrapFastPath(body, salted);
}
