using System.Buffers.Binary;
using System.Security.Cryptography;

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
        Span<byte> pad1 = stackalloc byte[40];
        pad1.Fill(0x36);
        Span<byte> pad2 = stackalloc byte[48];
        pad2.Fill(0x5C);
        Span<byte> littleEndian = stackalloc byte[4];

        using var sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        sha1.AppendData(macKey);
        sha1.AppendData(pad1);
        BinaryPrimitives.WriteUInt32LittleEndian(littleEndian, (uint)data.Length);
        sha1.AppendData(littleEndian);
        sha1.AppendData(data);
        if (salt is { } count)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(littleEndian, count);
            sha1.AppendData(littleEndian);
        }
        Span<byte> shaComponent = stackalloc byte[SHA1.HashSizeInBytes];
        sha1.GetHashAndReset(shaComponent);

        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        md5.AppendData(macKey);
        md5.AppendData(pad2);
        md5.AppendData(shaComponent);
        return md5.GetHashAndReset();
    }
}
