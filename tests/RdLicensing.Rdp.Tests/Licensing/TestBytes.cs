namespace RdLicensing.Rdp.Tests.Licensing;

/// <summary>Small byte surgeries for building malformed licensing PDUs from valid ones.</summary>
internal static class TestBytes
{
    /// <summary>A copy with wMsgSize (preamble bytes 2..3, little-endian) set to the copy's length.</summary>
    public static byte[] WithMessageSize(ReadOnlySpan<byte> pdu)
    {
        var copy = pdu.ToArray();
        if (copy.Length >= 4)
        {
            copy[2] = (byte)copy.Length;
            copy[3] = (byte)(copy.Length >> 8);
        }
        return copy;
    }

    /// <summary>A copy with the bytes at <paramref name="offset"/> replaced, wMsgSize unchanged.</summary>
    public static byte[] With(byte[] pdu, int offset, params byte[] replacement)
    {
        var copy = pdu.ToArray();
        replacement.CopyTo(copy, offset);
        return copy;
    }

    /// <summary>A copy with extra bytes at the end and wMsgSize grown to match.</summary>
    public static byte[] Appended(byte[] pdu, params byte[] extra) => WithMessageSize([.. pdu, .. extra]);

    /// <summary>A copy without <paramref name="count"/> bytes at <paramref name="offset"/> and wMsgSize shrunk to match.</summary>
    public static byte[] Without(byte[] pdu, int offset, int count = 1) => WithMessageSize([.. pdu[..offset], .. pdu[(offset + count)..]]);

    public static byte[] Utf16Z(string text) => System.Text.Encoding.Unicode.GetBytes(text + "\0");

    public static byte[] Filled(int length, byte value) => Enumerable.Repeat(value, length).ToArray();

    public static byte[] Sequence(int length, byte start = 0) => Enumerable.Range(start, length).Select(i => (byte)i).ToArray();
}
