using System.Numerics;
using System.Security.Cryptography;

namespace RdLicensing.Rdp.Security;

/// <summary>
/// The private half of an RSA key in CRT form (PKCS #1 section 5.1.2): m1 = c^dP mod p, m2 = c^dQ mod q,
/// h = qInv·(m1 − m2) mod p, m = m2 + h·q. The parameters are kept as big-endian bytes and zeroed on dispose.
/// </summary>
internal sealed class RsaPrivateCrt(byte[] p, byte[] q, byte[] dp, byte[] dq, byte[] inverseQ) : IDisposable
{
    private readonly byte[] _p = (byte[])p.Clone();
    private readonly byte[] _q = (byte[])q.Clone();
    private readonly byte[] _dp = (byte[])dp.Clone();
    private readonly byte[] _dq = (byte[])dq.Clone();
    private readonly byte[] _inverseQ = (byte[])inverseQ.Clone();

    /// <summary>Same contract as <see cref="RawRsa.Apply"/> with the private exponent.</summary>
    public byte[] Apply(ReadOnlySpan<byte> valueLe, ReadOnlySpan<byte> modulusLe, int outputLength)
    {
        var modulus = new BigInteger(modulusLe, isUnsigned: true, isBigEndian: false);
        var significant = valueLe.Length > modulusLe.Length ? valueLe[..modulusLe.Length] : valueLe;
        var value = new BigInteger(significant, isUnsigned: true, isBigEndian: false);
        if (value >= modulus) throw new RdpProtocolException("RSA input is not below the modulus: it was not produced with this key.");

        var p = Big(_p);
        var q = Big(_q);
        var m1 = BigInteger.ModPow(value % p, Big(_dp), p);
        var m2 = BigInteger.ModPow(value % q, Big(_dq), q);
        var h = Big(_inverseQ) * (m1 - m2) % p;
        if (h.Sign < 0) h += p;
        var result = m2 + h * q;

        var output = new byte[outputLength];
        if (!result.TryWriteBytes(output, out _, isUnsigned: true, isBigEndian: false))
            throw new ArgumentOutOfRangeException(nameof(outputLength), $"{outputLength} byte(s) cannot hold a {result.GetByteCount(isUnsigned: true)}-byte RSA result.");
        return output;
    }

    public void Dispose()
    {
        foreach (var secret in new[] { _p, _q, _dp, _dq, _inverseQ }) CryptographicOperations.ZeroMemory(secret);
    }

    private static BigInteger Big(byte[] bigEndian) => new(bigEndian, isUnsigned: true, isBigEndian: true);
}
