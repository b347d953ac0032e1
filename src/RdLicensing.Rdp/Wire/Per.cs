namespace RdLicensing.Rdp.Wire;

/// <summary>PER (T.124 GCC, T.125 MCS domain PDUs) lengths: one byte below 0x80, else two with the top bit set.</summary>
public static class Per
{
    public static int Length(scoped ref ByteReader r, string what)
    {
        int first = r.U8(what + " length");
        if ((first & 0x80) == 0) return first;
        return ((first & 0x7F) << 8) | r.U8(what + " length");
    }

    public static void WriteLength(ByteWriter w, int length)
    {
        if (length < 0x80) w.U8(length);
        else if (length <= 0x7FFF) w.U16Be(length | 0x8000);
        else throw new InvalidOperationException($"PER length {length} is over 32767.");
    }

    /// <summary>Always the two-byte form: rdesktop skips a fixed 21-byte GCC header and then expects two length bytes.</summary>
    public static void WriteLength2(ByteWriter w, int length) => w.U16Be(length | 0x8000);
}
