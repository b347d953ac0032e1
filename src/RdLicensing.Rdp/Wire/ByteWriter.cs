using System.Buffers.Binary;
using System.Text;

namespace RdLicensing.Rdp.Wire;

/// <summary>A growable buffer for building one PDU; lengths can be patched once the body is written.</summary>
public sealed class ByteWriter
{
    private byte[] _buffer;
    private int _length;

    public ByteWriter(int capacity = 256) => _buffer = new byte[Math.Max(16, capacity)];

    public int Length => _length;

    public ByteWriter U8(int value)
    {
        Ensure(1)[0] = (byte)value;
        return this;
    }

    public ByteWriter U16Le(int value) { BinaryPrimitives.WriteUInt16LittleEndian(Ensure(2), (ushort)value); return this; }
    public ByteWriter U16Be(int value) { BinaryPrimitives.WriteUInt16BigEndian(Ensure(2), (ushort)value); return this; }
    public ByteWriter U32Le(uint value) { BinaryPrimitives.WriteUInt32LittleEndian(Ensure(4), value); return this; }
    public ByteWriter U32Be(uint value) { BinaryPrimitives.WriteUInt32BigEndian(Ensure(4), value); return this; }

    public ByteWriter Bytes(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(Ensure(bytes.Length));
        return this;
    }

    public ByteWriter Zeros(int count)
    {
        Ensure(count).Clear();
        return this;
    }

    /// <summary>UTF-16LE with a terminating NUL.</summary>
    public ByteWriter Utf16Z(string text) => Bytes(Utf16ZBytes(text));

    public static byte[] Utf16ZBytes(string text) => Encoding.Unicode.GetBytes(text + "\0");
    public static byte[] AnsiZBytes(string text) => Encoding.Latin1.GetBytes(text + "\0");

    public void PatchU16Le(int offset, int value) => BinaryPrimitives.WriteUInt16LittleEndian(_buffer.AsSpan(offset, 2), (ushort)value);

    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, _length);

    public byte[] ToArray() => _buffer.AsSpan(0, _length).ToArray();

    private Span<byte> Ensure(int count)
    {
        if (_length + count > _buffer.Length) Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + count));
        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }
}
