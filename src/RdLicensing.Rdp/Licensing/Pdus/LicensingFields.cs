using System.Text;
using RdLicensing.Rdp.Wire;

namespace RdLicensing.Rdp.Licensing;

/// <summary>Field encodings shared by the licensing messages: fixed-size byte arrays, counted strings, name blobs.</summary>
internal static class LicensingFields
{
    /// <summary>ClientRandom and ServerRandom (MS-RDPELE 2.2.2.1, 2.2.2.2).</summary>
    public const int RandomLength = 32;

    /// <summary>MACData: an MD5 digest (MS-RDPELE 5.1.5).</summary>
    public const int MacLength = 16;

    public static void WriteFixed(ByteWriter writer, byte[] value, int length, string field)
    {
        if (value.Length != length)
            throw new InvalidOperationException($"{field}: must be {length} bytes, is {value.Length}.");
        writer.Bytes(value);
    }

    /// <summary>A 32-bit byte count then that many bytes of NUL-terminated UTF-16LE (PRODUCT_INFO, NEW_LICENSE_INFO).</summary>
    public static string ReadCountedUtf16(ref ByteReader reader, string field)
    {
        var count = reader.U32Le($"{field} byte count");
        // MS-RDPELE 2.2.2.1.1: the count includes the terminator and MUST be greater than zero; UTF-16 is even.
        if (count < 2 || count % 2 != 0 || count > LicensingLimits.MaxNameBytes)
            throw new RdpProtocolException($"{field}: byte count {count} is not an even length from 2 to {LicensingLimits.MaxNameBytes}.");
        return reader.Utf16((int)count, field);
    }

    public static void WriteCountedUtf16(ByteWriter writer, string value, string field)
    {
        var bytes = ByteWriter.Utf16ZBytes(value);
        CheckNameLength(bytes.Length, field);
        writer.U32Le((uint)bytes.Length).Bytes(bytes);
    }

    /// <summary>A 32-bit byte count then that many bytes of NUL-terminated 8-bit text (NEW_LICENSE_INFO scope).</summary>
    public static string ReadCountedAnsi(ref ByteReader reader, string field)
    {
        var count = reader.U32Le($"{field} byte count");
        if (count > LicensingLimits.MaxNameBytes)
            throw new RdpProtocolException($"{field}: byte count {count} is over the {LicensingLimits.MaxNameBytes}-byte limit.");
        return reader.Ansi((int)count, field);
    }

    public static void WriteCountedAnsi(ByteWriter writer, string value, string field)
    {
        var bytes = ByteWriter.AnsiZBytes(value);
        CheckNameLength(bytes.Length, field);
        writer.U32Le((uint)bytes.Length).Bytes(bytes);
    }

    /// <summary>A blob holding NUL-terminated 8-bit text: scope, client user and machine names.</summary>
    public static string ReadAnsiBlob(ref ByteReader reader, BlobType type, string field)
    {
        var blob = LicenseBlob.Read(ref reader, field, type);
        if (blob.Data.Length > LicensingLimits.MaxNameBytes)
            throw new RdpProtocolException($"{field}: {blob.Data.Length} bytes are over the {LicensingLimits.MaxNameBytes}-byte name limit.");
        var text = blob.Data.AsSpan();
        var nul = text.IndexOf((byte)0);
        return Encoding.Latin1.GetString(nul >= 0 ? text[..nul] : text);
    }

    public static void WriteAnsiBlob(ByteWriter writer, BlobType type, string value, string field)
    {
        var bytes = ByteWriter.AnsiZBytes(value);
        CheckNameLength(bytes.Length, field);
        LicenseBlob.Write(writer, type, bytes, field);
    }

    private static void CheckNameLength(int length, string field)
    {
        if (length > LicensingLimits.MaxNameBytes)
            throw new InvalidOperationException($"{field}: {length} encoded bytes are over the {LicensingLimits.MaxNameBytes}-byte name limit.");
    }
}
