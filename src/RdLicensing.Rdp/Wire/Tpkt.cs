namespace RdLicensing.Rdp.Wire;

/// <summary>TPKT (T.123) framing and the X.224 Data TPDU header every later slow-path PDU travels in.</summary>
public static class Tpkt
{
    public static byte[] Wrap(ReadOnlySpan<byte> x224)
    {
        var total = x224.Length + 4;
        if (total > ushort.MaxValue) throw new InvalidOperationException($"A {total}-byte TPKT packet is over the 65535-byte limit.");
        var w = new ByteWriter(total);
        w.U8(3).U8(0).U16Be(total).Bytes(x224);
        return w.ToArray();
    }

    /// <summary>A TPKT packet holding an X.224 Data TPDU with <paramref name="payload"/> (an MCS PDU).</summary>
    public static byte[] Data(ReadOnlySpan<byte> payload)
    {
        var w = new ByteWriter(payload.Length + 3);
        w.U8(2).U8(0xF0).U8(0x80).Bytes(payload);
        return Wrap(w.Written);
    }

    /// <summary>The MCS PDU inside an X.224 Data TPDU (the TPKT header is already gone).</summary>
    public static ReadOnlySpan<byte> DataPayload(ReadOnlySpan<byte> x224)
    {
        var r = new ByteReader(x224);
        var li = r.U8("X.224 length indicator");
        var code = r.U8("X.224 TPDU code");
        if (li != 2 || code != 0xF0) throw new RdpProtocolException($"expected an X.224 Data TPDU, got code 0x{code:X2} (length indicator {li}).");
        r.U8("X.224 EOT");
        return r.Rest();
    }
}
