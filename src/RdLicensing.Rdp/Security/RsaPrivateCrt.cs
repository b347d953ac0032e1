using System.Numerics;
using System.Security.Cryptography;

namespace RdLicensing.Rdp.Security;

/// <summary>
/// The managed private half of an RSA key in CRT form (PKCS #1 section 5.1.2): m1 = c^dP mod p, m2 = c^dQ mod q,
/// h = qInv·(m1 − m2) mod p, m = m2 + h·q — used only where OpenSSL's libcrypto cannot be (<see cref="ServerRsaKey.Implementation"/>),
/// and as the reference the OpenSSL path is tested against. Blinded (RFC 8017 section 5.1.2 note, Kocher's timing attack):
/// the input is multiplied by r^e for a fresh random r and the result by r⁻¹, so the exponentiations never see the
/// attacker's value. <see cref="BigInteger.ModPow"/> itself is not constant-time; blinding is what protects the key here.
/// The parameters are kept as big-endian bytes and zeroed on dispose.
/// </summary>
internal sealed class RsaPrivateCrt(byte[] p, byte[] q, byte[] dp, byte[] dq, byte[] inverseQ, byte[] modulusLe, uint publicExponent) : IDisposable
{
    private readonly byte[] _p = (byte[])p.Clone();
    private readonly byte[] _q = (byte[])q.Clone();
    private readonly byte[] _dp = (byte[])dp.Clone();
    private readonly byte[] _dq = (byte[])dq.Clone();
    private readonly byte[] _inverseQ = (byte[])inverseQ.Clone();
    private readonly BigInteger _n = new(modulusLe, isUnsigned: true, isBigEndian: false);
    private readonly BigInteger _e = publicExponent;

    /// <summary>Same contract as <see cref="RawRsa.Apply"/> with the private exponent.</summary>
    public byte[] Apply(ReadOnlySpan<byte> valueLe, ReadOnlySpan<byte> modulusLe, int outputLength)
    {
        var modulus = new BigInteger(modulusLe, isUnsigned: true, isBigEndian: false);
        var significant = valueLe.Length > modulusLe.Length ? valueLe[..modulusLe.Length] : valueLe;
        var value = new BigInteger(significant, isUnsigned: true, isBigEndian: false);
        if (value >= modulus) throw new RdpProtocolException("RSA input is not below the modulus: it was not produced with this key.");

        var (r, rInverse) = BlindingPair();
        var blinded = value * BigInteger.ModPow(r, _e, _n) % _n;

        var p = Big(_p);
        var q = Big(_q);
        var m1 = BigInteger.ModPow(blinded % p, Big(_dp), p);
        var m2 = BigInteger.ModPow(blinded % q, Big(_dq), q);
        var h = Big(_inverseQ) * (m1 - m2) % p;
        if (h.Sign < 0) h += p;
        var result = (m2 + h * q) * rInverse % _n;

        var output = new byte[outputLength];
        if (!result.TryWriteBytes(output, out _, isUnsigned: true, isBigEndian: false))
            throw new ArgumentOutOfRangeException(nameof(outputLength), $"{outputLength} byte(s) cannot hold a {result.GetByteCount(isUnsigned: true)}-byte RSA result.");
        return output;
    }

    public void Dispose()
    {
        foreach (var secret in new[] { _p, _q, _dp, _dq, _inverseQ }) CryptographicOperations.ZeroMemory(secret);
    }

    /// <summary>A random r in [2, n) invertible modulo n, and r⁻¹ mod n (extended Euclid).</summary>
    private (BigInteger R, BigInteger Inverse) BlindingPair()
    {
        var bytes = new byte[_n.GetByteCount(isUnsigned: true) + 8];
        while (true)
        {
            RandomNumberGenerator.Fill(bytes);
            var r = new BigInteger(bytes, isUnsigned: true) % _n;
            if (r < 2) continue;
            BigInteger oldR = r, rr = _n, oldS = 1, s = 0;
            while (!rr.IsZero)
            {
                var quotient = oldR / rr;
                (oldR, rr) = (rr, oldR - quotient * rr);
                (oldS, s) = (s, oldS - quotient * s);
            }
            if (!oldR.IsOne) continue; // shares a factor with n: astronomically unlikely
            var inverse = oldS % _n;
            if (inverse.Sign < 0) inverse += _n;
            return (r, inverse);
        }
    }

    private static BigInteger Big(byte[] bigEndian) => new(bigEndian, isUnsigned: true, isBigEndian: true);
}
