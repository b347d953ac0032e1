using System.Buffers.Binary;
using System.Text;

namespace RdLicensing.Rdp.Wire;

/// <summary>
/// A bounds-checked cursor over one received PDU. Every read checks the remaining length first and throws
/// <see cref="RdpProtocolException"/> naming what was being read, so a truncated or lying PDU can never read past
/// its buffer. Licensing fields are little-endian; TPKT, MCS and PER lengths big-endian: each read says which.
/// </summary>
public ref struct ByteReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public ByteReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    public readonly int Position => _position;
    public readonly int Remaining => _data.Length - _position;
    public readonly bool IsEmpty => _position >= _data.Length;

    public byte U8(string what)
    {
        Need(1, what);
        return _data[_position++];
    }

    public ushort U16Le(string what) => BinaryPrimitives.ReadUInt16LittleEndian(Take(2, what));
    public ushort U16Be(string what) => BinaryPrimitives.ReadUInt16BigEndian(Take(2, what));
    public uint U32Le(string what) => BinaryPrimitives.ReadUInt32LittleEndian(Take(4, what));
    public uint U32Be(string what) => BinaryPrimitives.ReadUInt32BigEndian(Take(4, what));

    public ReadOnlySpan<byte> Take(int count, string what)
    {
        if (count < 0) throw new RdpProtocolException($"{what}: negative length {count}.");
        Need(count, what);
        var slice = _data.Slice(_position, count);
        _position += count;
        return slice;
    }

    public byte[] Bytes(int count, string what) => Take(count, what).ToArray();

    public ReadOnlySpan<byte> Rest() => Take(Remaining, "rest");

    public void Skip(int count, string what) => Take(count, what);

    /// <summary>A reader over the next <paramref name="count"/> bytes; this reader moves past them.</summary>
    public ByteReader Sub(int count, string what) => new(Take(count, what));

    /// <summary>The PDU must end here: FreeRDP and rdesktop send exact lengths, and so must anything accepted.</summary>
    public readonly void End(string what)
    {
        if (Remaining != 0) throw new RdpProtocolException($"{what}: {Remaining} unexpected trailing byte(s).");
    }

    /// <summary>NUL-terminated (or padded) UTF-16LE of <paramref name="byteCount"/> bytes, up to the first NUL.</summary>
    public string Utf16(int byteCount, string what)
    {
        var raw = Take(byteCount, what);
        var text = Encoding.Unicode.GetString(raw[..(raw.Length & ~1)]);
        var nul = text.IndexOf('\0');
        return nul >= 0 ? text[..nul] : text;
    }

    /// <summary>NUL-terminated (or padded) 8-bit text of <paramref name="byteCount"/> bytes, up to the first NUL.</summary>
    public string Ansi(int byteCount, string what)
    {
        var raw = Take(byteCount, what);
        var nul = raw.IndexOf((byte)0);
        return Encoding.Latin1.GetString(nul >= 0 ? raw[..nul] : raw);
    }

    private readonly void Need(int count, string what)
    {
        if (count > _data.Length - _position)
            throw new RdpProtocolException($"{what}: needs {count} byte(s) at offset {_position}, only {_data.Length - _position} left (truncated PDU).");
    }
}
