namespace RdLicensing.Rdp.Wire;

/// <summary>The few BER (T.125 MCS Connect) constructs RDP uses: a tag, a definite length, a value.</summary>
public static class Ber
{
    public const int ConnectInitialTag = 0x7F65;
    public const int ConnectResponseTag = 0x7F66;

    /// <summary>Reads a one- or two-byte tag and a definite length; the value must fit in what is left.</summary>
    public static ByteReader Element(scoped ref ByteReader r, int expectedTag, string what)
    {
        int tag = r.U8(what + " tag");
        if ((tag & 0x1F) == 0x1F) tag = (tag << 8) | r.U8(what + " tag");
        if (tag != expectedTag) throw new RdpProtocolException($"{what}: BER tag 0x{tag:X}, expected 0x{expectedTag:X}.");
        var length = Length(ref r, what);
        return r.Sub(length, what);
    }

    public static int Length(scoped ref ByteReader r, string what)
    {
        var first = r.U8(what + " length");
        if (first < 0x80) return first;
        var count = first & 0x7F;
        if (count is 0 or > 2) throw new RdpProtocolException($"{what}: BER length of {count} bytes is not supported (indefinite or over 64 KiB).");
        var length = 0;
        for (var i = 0; i < count; i++) length = (length << 8) | r.U8(what + " length");
        return length;
    }

    public static void WriteLength(ByteWriter w, int length)
    {
        if (length < 0x80) w.U8(length);
        else if (length <= 0xFF) w.U8(0x81).U8(length);
        else w.U8(0x82).U16Be(length);
    }

    public static void WriteElement(ByteWriter w, int tag, ReadOnlySpan<byte> value)
    {
        if (tag > 0xFF) w.U16Be(tag);
        else w.U8(tag);
        WriteLength(w, value.Length);
        w.Bytes(value);
    }

    public static void WriteInteger(ByteWriter w, int value)
    {
        if (value <= 0x7F) WriteElement(w, 0x02, [(byte)value]);
        else if (value <= 0x7FFF) WriteElement(w, 0x02, [(byte)(value >> 8), (byte)value]);
        else WriteElement(w, 0x02, [(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]);
    }
}
