using System.Security.Cryptography;

namespace RdLicensing.Rdp.Security;

/// <summary>
/// The MD5-over-SHA-1 constructions shared by session key generation (MS-RDPBCGR 5.3.5.1), licensing key
/// generation (MS-RDPELE 5.1.2), the MACs (MS-RDPBCGR 5.3.6.1, MS-RDPELE 5.1.5) and key updates (MS-RDPBCGR 5.3.7.1).
/// </summary>
internal static class KeyHashing
{
    /// <summary>MD5(secret + SHA1(label + secret + first + second)): 16 bytes.</summary>
    public static byte[] SaltedHash(ReadOnlySpan<byte> secret, ReadOnlySpan<byte> label, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second)
    {
        using var sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        sha1.AppendData(label);
        sha1.AppendData(secret);
        sha1.AppendData(first);
        sha1.AppendData(second);
        Span<byte> shaComponent = stackalloc byte[SHA1.HashSizeInBytes];
        sha1.GetHashAndReset(shaComponent);

        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        md5.AppendData(secret);
        md5.AppendData(shaComponent);
        return md5.GetHashAndReset();
    }

    /// <summary>The 48 bytes SaltedHash(label1) + SaltedHash(label2) + SaltedHash(label3).</summary>
    public static byte[] SaltedHash48(ReadOnlySpan<byte> secret, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, string label1, string label2, string label3)
    {
        var output = new byte[48];
        SaltedHash(secret, Ascii(label1), first, second).CopyTo(output, 0);
        SaltedHash(secret, Ascii(label2), first, second).CopyTo(output, 16);
        SaltedHash(secret, Ascii(label3), first, second).CopyTo(output, 32);
        return output;
    }

    /// <summary>MD5(key + first + second): FinalHash of MS-RDPBCGR 5.3.5.1, and the licensing encryption key of MS-RDPELE 5.1.2.</summary>
    public static byte[] FinalHash(ReadOnlySpan<byte> key, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second)
    {
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        md5.AppendData(key);
        md5.AppendData(first);
        md5.AppendData(second);
        return md5.GetHashAndReset();
    }

    /// <summary>
    /// MD5(key + Pad2 + SHA1(key + Pad1 + first + second + third)), Pad1 = 0x36 × 40, Pad2 = 0x5C × 48: 16 bytes.
    /// The MAC (5.3.6.1) hashes length ‖ data ‖ optional salt; the key update (5.3.7.1) hashes the current key.
    /// </summary>
    public static byte[] PaddedHash(ReadOnlySpan<byte> key, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second = default, ReadOnlySpan<byte> third = default)
    {
        Span<byte> pad1 = stackalloc byte[40];
        pad1.Fill(0x36);
        Span<byte> pad2 = stackalloc byte[48];
        pad2.Fill(0x5C);

        using var sha1 = IncrementalHash.CreateHash(HashAlgorithmName.SHA1);
        sha1.AppendData(key);
        sha1.AppendData(pad1);
        sha1.AppendData(first);
        sha1.AppendData(second);
        sha1.AppendData(third);
        Span<byte> shaComponent = stackalloc byte[SHA1.HashSizeInBytes];
        sha1.GetHashAndReset(shaComponent);

        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        md5.AppendData(key);
        md5.AppendData(pad2);
        md5.AppendData(shaComponent);
        return md5.GetHashAndReset();
    }

    private static byte[] Ascii(string label) => System.Text.Encoding.ASCII.GetBytes(label);
}
