using System.Buffers.Binary;

namespace RdLicensing.Rdp.Security;

/// <summary>
/// The non-FIPS MAC of standard RDP security (MS-RDPBCGR 5.3.6.1): the first 8 bytes of
/// MD5(MACKeyN + Pad2 + SHA1(MACKeyN + Pad1 + DataLength + Data)), Pad1 = 0x36 × 40, Pad2 = 0x5C × 48,
/// DataLength little-endian 32-bit. Licensing uses the same construction with all 16 bytes (MS-RDPELE 5.1.5).
/// </summary>
public static class RdpMac
{
    public const int Length = 8;

    public static byte[] Compute(ReadOnlySpan<byte> macKey, ReadOnlySpan<byte> data) => Digest(macKey, data, salt: null)[..Length];

    /// <summary>
    /// The salted MAC (5.3.6.1.1), used when SEC_SECURE_CHECKSUM is set: the cumulative count of packets this sender
    /// has already encrypted (little-endian 32-bit) follows the data in the SHA-1 component.
    /// </summary>
    public static byte[] ComputeSalted(ReadOnlySpan<byte> macKey, ReadOnlySpan<byte> data, uint encryptionCount) =>
        Digest(macKey, data, encryptionCount)[..Length];

    /// <summary>The full 16-byte MD5 of the construction.</summary>
    internal static byte[] Digest(ReadOnlySpan<byte> macKey, ReadOnlySpan<byte> data, uint? salt)
    {
        Span<byte> dataLength = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(dataLength, (uint)data.Length);
        Span<byte> saltBytes = stackalloc byte[4];
        if (salt is { } count) BinaryPrimitives.WriteUInt32LittleEndian(saltBytes, count);
        return KeyHashing.PaddedHash(macKey, dataLength, data, salt is null ? default : saltBytes);
    }
}
