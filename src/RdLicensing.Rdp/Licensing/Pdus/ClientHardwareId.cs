using RdLicensing.Rdp.Wire;

namespace RdLicensing.Rdp.Licensing;

/// <summary>
/// CLIENT_HARDWARE_ID (MS-RDPELE 2.2.2.3.1), the plaintext of EncryptedHWID: PlatformId then 16 bytes of client data
/// (Data1..Data4). PlatformId differs per client and even per message of one client (reference pitfall 4), so a
/// client's identity is the 16 data bytes alone: compare <see cref="ToIdentityString"/>, never the whole record
/// (record equality also compares the byte array by reference).
/// </summary>
public sealed record ClientHardwareId(uint PlatformId, byte[] Data)
{
    public const string StructureName = "CLIENT_HARDWARE_ID";
    public const int Size = 20;
    public const int DataLength = 16;

    public static ClientHardwareId Parse(ReadOnlySpan<byte> plaintext)
    {
        if (plaintext.Length != Size)
            throw new RdpProtocolException($"{StructureName}: {plaintext.Length} byte(s), expected {Size}.");
        var r = new ByteReader(plaintext);
        return new ClientHardwareId(r.U32Le($"{StructureName} PlatformId"), r.Bytes(DataLength, $"{StructureName} Data"));
    }

    public byte[] ToBytes()
    {
        var w = new ByteWriter(Size);
        w.U32Le(PlatformId);
        LicensingFields.WriteFixed(w, Data, DataLength, $"{StructureName} Data");
        return w.ToArray();
    }

    /// <summary>
    /// The 16 data bytes in wire order as upper-case hex, four groups of 8 digits joined by '-'
    /// (e.g. "F159873E-C9D898AF-2402F8F3-293AF026"); PlatformId is left out on purpose.
    /// </summary>
    public string ToIdentityString()
    {
        if (Data.Length != DataLength)
            throw new InvalidOperationException($"{StructureName} Data: must be {DataLength} bytes, is {Data.Length}.");
        var hex = Convert.ToHexString(Data);
        return string.Join('-', hex[..8], hex[8..16], hex[16..24], hex[24..]);
    }
}
