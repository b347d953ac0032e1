namespace RdLicensing.Rdp.Wire;

/// <summary>
/// One frame off the wire: a TPKT packet (slow path: its payload after the 4-byte header) or a fast-path PDU (its body
/// after the length, with the first header byte, whose top two bits say whether it is encrypted and salted).
/// </summary>
public readonly record struct RdpFrame(bool FastPath, byte[] Payload, byte FastPathHeader = 0)
{
    public bool FastPathEncrypted => FastPath && (FastPathHeader & 0x80) != 0;
    public bool FastPathSalted => FastPath && (FastPathHeader & 0x40) != 0;

    /// <summary>The frame as it travelled (TPKT header or fast-path header and length re-encoded), for the relay.</summary>
    public byte[] ToBytes() => FastPath ? FastPathBytes(FastPathHeader, Payload) : Tpkt.Wrap(Payload);

    /// <summary>A fast-path PDU: the header byte, its length (one byte up to 127, else two), the body.</summary>
    public static byte[] FastPathBytes(byte header, ReadOnlySpan<byte> body)
    {
        var total = body.Length + 2;
        if (total > 0x7F) total++;
        if (total > 0x7FFF) throw new RdpProtocolException($"a {total}-byte fast-path PDU is over the 32767-byte limit.");
        var bytes = new byte[total];
        bytes[0] = header;
        var at = 1;
        if (total > 0x7F)
        {
            bytes[at++] = (byte)(0x80 | (total >> 8));
            bytes[at++] = (byte)total;
        }
        else bytes[at++] = (byte)total;
        body.CopyTo(bytes.AsSpan(at));
        return bytes;
    }
}
