namespace RdLicensing.Rdp.Wire;

/// <summary>
/// Framing of a fast-path PDU (MS-RDPBCGR 2.2.8.1.2 input, 2.2.9.1.2 output): the header byte, then the length of the
/// whole PDU (header and length bytes included) in one byte (length1 below 0x80) or two (length1 with its top bit
/// set holding the high 7 bits, length2 the low 8), so at most 0x7FFF bytes. The shortest form is always written, as
/// FreeRDP and Windows do; <see cref="FrameReader"/> reads both.
/// </summary>
public static class FastPathLength
{
    /// <summary>The largest whole fast-path PDU the two-byte length can describe.</summary>
    public const int MaxPdu = 0x7FFF;

    /// <summary>The whole PDU: <paramref name="header"/>, its length, then <paramref name="signature"/> (empty or 8 bytes) and <paramref name="body"/>.</summary>
    /// <exception cref="RdpProtocolException">The PDU would be longer than 0x7FFF bytes, which no fast-path length can say.</exception>
    public static byte[] Frame(byte header, ReadOnlySpan<byte> signature, ReadOnlySpan<byte> body)
    {
        var content = signature.Length + body.Length;
        var total = content + 2 <= 0x7F ? content + 2 : content + 3;
        if (total > MaxPdu)
            throw new RdpProtocolException($"a {total}-byte fast-path PDU is over the {MaxPdu}-byte limit of its length field.");
        var frame = new byte[total];
        frame[0] = header;
        int offset;
        if (total <= 0x7F)
        {
            frame[1] = (byte)total;
            offset = 2;
        }
        else
        {
            frame[1] = (byte)(0x80 | (total >> 8));
            frame[2] = (byte)total;
            offset = 3;
        }
        signature.CopyTo(frame.AsSpan(offset));
        body.CopyTo(frame.AsSpan(offset + signature.Length));
        return frame;
    }
}
