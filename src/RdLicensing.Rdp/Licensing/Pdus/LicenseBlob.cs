using RdLicensing.Rdp.Wire;

namespace RdLicensing.Rdp.Licensing;

/// <summary>
/// A Licensing Binary BLOB (MS-RDPBCGR 2.2.1.12.1.2): wBlobType, wBlobLen, then wBlobLen bytes. The PDU records keep
/// only the payload of most blobs; this type is the wire form and the read/write rules they share.
/// </summary>
public sealed record LicenseBlob(BlobType Type, byte[] Data)
{
    /// <summary>
    /// Reads a blob whose type must be one of <paramref name="acceptedTypes"/>. An empty blob may carry any type: a
    /// sender may leave a blob empty (wBlobLen 0, e.g. the ServerCertificate of MS-RDPELE 2.2.2.1) and then does not
    /// always set its type, as with type 0 from clients; FreeRDP skips the type check for empty blobs too.
    /// </summary>
    internal static LicenseBlob Read(ref ByteReader reader, string field, params ReadOnlySpan<BlobType> acceptedTypes)
    {
        var blob = ReadAnyType(ref reader, field);
        if (blob.Data.Length == 0 || IsOneOf(blob.Type, acceptedTypes)) return blob;
        throw new RdpProtocolException($"{field}: wBlobType is {Describe(blob.Type)}, expected {DescribeAll(acceptedTypes)}.");
    }

    /// <summary>Reads a blob of any type: for the fields whose wBlobType the spec declares unused.</summary>
    internal static LicenseBlob ReadAnyType(ref ByteReader reader, string field)
    {
        var type = (BlobType)reader.U16Le($"{field} wBlobType");
        var length = reader.U16Le($"{field} wBlobLen");
        if (length > LicensingLimits.MaxBlobDataLength)
            throw new RdpProtocolException($"{field}: wBlobLen {length} is over the {LicensingLimits.MaxBlobDataLength}-byte limit.");
        return new LicenseBlob(type, reader.Bytes(length, $"{field} blobData"));
    }

    internal static void Write(ByteWriter writer, BlobType type, ReadOnlySpan<byte> data, string field)
    {
        if (data.Length > LicensingLimits.MaxBlobDataLength)
            throw new InvalidOperationException($"{field}: {data.Length} bytes are over the {LicensingLimits.MaxBlobDataLength}-byte blob limit.");
        writer.U16Le((ushort)type).U16Le(data.Length).Bytes(data);
    }

    internal static string Describe(BlobType type) =>
        Enum.IsDefined(type) ? $"0x{(ushort)type:X4} ({type})" : $"0x{(ushort)type:X4}";

    private static string DescribeAll(ReadOnlySpan<BlobType> types)
    {
        var names = new string[types.Length];
        for (var i = 0; i < types.Length; i++) names[i] = Describe(types[i]);
        return string.Join(" or ", names);
    }

    private static bool IsOneOf(BlobType type, ReadOnlySpan<BlobType> acceptedTypes)
    {
        foreach (var accepted in acceptedTypes)
            if (accepted == type) return true;
        return false;
    }
}
