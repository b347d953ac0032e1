using System.Numerics;

namespace RdLicensing.Rdp.Security;

/// <summary>
/// Textbook RSA (value^exponent mod modulus) on little-endian unsigned integers, as RDP sends them: the client random
/// (MS-RDPBCGR 5.3.4.1), the licensing premaster secret (MS-RDPELE 5.1.1.1) and the proprietary certificate
/// signature (MS-RDPBCGR 5.3.3.1.2) are all unpadded. .NET's <see cref="System.Security.Cryptography.RSA"/> only does
/// padded operations, hence <see cref="BigInteger.ModPow"/>.
/// </summary>
public static class RawRsa
{
    /// <param name="valueLe">
    /// The value. Clients send modulus length + 8 zero bytes: only the first modulus-length bytes count. A zero value
    /// is accepted (rdesktop "encrypts" an all-zero premaster secret).
    /// </param>
    /// <param name="outputLength">The result is zero-padded to this many bytes.</param>
    /// <exception cref="RdpProtocolException">The value is not below the modulus: no RSA operation produced it.</exception>
    public static byte[] Apply(ReadOnlySpan<byte> valueLe, ReadOnlySpan<byte> exponentLe, ReadOnlySpan<byte> modulusLe, int outputLength)
    {
        var modulus = new BigInteger(modulusLe, isUnsigned: true, isBigEndian: false);
        if (modulus.IsZero) throw new ArgumentException("The RSA modulus is zero.", nameof(modulusLe));
        var significant = valueLe.Length > modulusLe.Length ? valueLe[..modulusLe.Length] : valueLe;
        var value = new BigInteger(significant, isUnsigned: true, isBigEndian: false);
        if (value >= modulus) throw new RdpProtocolException("RSA input is not below the modulus: it was not produced with this key.");
        var exponent = new BigInteger(exponentLe, isUnsigned: true, isBigEndian: false);

        var result = BigInteger.ModPow(value, exponent, modulus);
        var output = new byte[outputLength];
        if (!result.TryWriteBytes(output, out _, isUnsigned: true, isBigEndian: false))
            throw new ArgumentOutOfRangeException(nameof(outputLength), $"{outputLength} byte(s) cannot hold a {result.GetByteCount(isUnsigned: true)}-byte RSA result.");
        return output;
    }
}
