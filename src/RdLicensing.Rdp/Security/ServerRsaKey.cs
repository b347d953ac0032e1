using System.Security.Cryptography;

namespace RdLicensing.Rdp.Security;

/// <summary>
/// The server's RSA key for standard RDP security and licensing: its public half goes out in the proprietary
/// certificate (<see cref="ProprietaryCertificate"/>), its private half recovers the client random (MS-RDPBCGR 5.3.4)
/// and the licensing premaster secret (MS-RDPELE 5.1.1). Values are kept little-endian, as they travel.
/// </summary>
public sealed class ServerRsaKey : IDisposable
{
    private readonly RSA _rsa;
    private readonly OpenSslRawRsa? _openSsl;
    private readonly RsaPrivateCrt? _managed;
    private bool _disposed;

    private ServerRsaKey(RSA rsa)
    {
        _rsa = rsa;
        var parameters = rsa.ExportParameters(includePrivateParameters: true);
        if (parameters.Modulus is null || parameters.Exponent is null || parameters.P is null || parameters.Q is null
            || parameters.DP is null || parameters.DQ is null || parameters.InverseQ is null)
            throw new CryptographicException("The RSA key has no private CRT parameters (P, Q, DP, DQ, InverseQ).");
        ModulusLe = LittleEndian(parameters.Modulus);
        PublicExponent = ToUInt32(parameters.Exponent);
        if (OpenSslRawRsa.Unavailable is null) _openSsl = new OpenSslRawRsa(parameters);
        else _managed = new RsaPrivateCrt(parameters.P, parameters.Q, parameters.DP, parameters.DQ, parameters.InverseQ, ModulusLe, PublicExponent);
        ZeroIfPresent(parameters.D, parameters.P, parameters.Q, parameters.DP, parameters.DQ, parameters.InverseQ);
    }

    /// <summary>Little-endian modulus without padding; its length is <see cref="ModulusLength"/>.</summary>
    public byte[] ModulusLe { get; }

    public uint PublicExponent { get; }

    public int ModulusLength => ModulusLe.Length;

    /// <summary>The key itself, to certify it (its X.509 chain) and sign the certificate that carries it.</summary>
    public RSA Algorithm => _rsa;

    /// <param name="bits">2048 by default; rdesktop accepts moduli of 64 to 256 bytes, i.e. 512 to 2048 bits.</param>
    public static ServerRsaKey Generate(int bits = 2048)
    {
        if (bits < 512 || bits % 64 != 0) throw new ArgumentOutOfRangeException(nameof(bits), bits, "An RSA key for RDP has at least 512 bits, in steps of 64.");
        return Adopt(RSA.Create(bits), load: null);
    }

    /// <summary>Reads a "BEGIN PRIVATE KEY" (PKCS#8) PEM as written by <see cref="ExportPkcs8Pem"/>.</summary>
    public static ServerRsaKey FromPkcs8Pem(string pem)
    {
        ArgumentNullException.ThrowIfNull(pem);
        if (!pem.Contains("-----BEGIN PRIVATE KEY-----", StringComparison.Ordinal))
            throw new ArgumentException("Expected a PKCS#8 PEM (-----BEGIN PRIVATE KEY-----).", nameof(pem));
        return Adopt(RSA.Create(), rsa => rsa.ImportFromPem(pem));
    }

    public string ExportPkcs8Pem()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _rsa.ExportPkcs8PrivateKeyPem();
    }

    /// <summary>
    /// What does the private operation in this process: OpenSSL's libcrypto (the one .NET loaded; constant-time and
    /// blinded), or — where that cannot be used, and then saying why — the managed blinded CRT of <see cref="RsaPrivateCrt"/>.
    /// </summary>
    public static string Implementation => OpenSslRawRsa.Unavailable is null
        ? $"{OpenSslRawRsa.VersionText} ({OpenSslRawRsa.LibraryPath}), EVP_PKEY_decrypt RSA_NO_PADDING, blinded"
        : $"managed BigInteger CRT, blinded (OpenSSL not used: {OpenSslRawRsa.Unavailable})";

    /// <summary>True when the private operation runs in OpenSSL (see <see cref="Implementation"/>).</summary>
    public static bool UsesOpenSsl => OpenSslRawRsa.Unavailable is null;

    /// <summary>
    /// Raw RSA with the private key, blinded (<see cref="Implementation"/>: OpenSSL's constant-time private operation where
    /// available). The ciphertext is little-endian, as sent (modulus length + 8 zero bytes is fine: only the first
    /// modulus-length bytes count); the result is little-endian, <see cref="ModulusLength"/> bytes.
    /// </summary>
    /// <exception cref="RdpProtocolException">The ciphertext is not below the modulus.</exception>
    public byte[] DecryptRaw(ReadOnlySpan<byte> ciphertextLe)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_openSsl is null) return _managed!.Apply(ciphertextLe, ModulusLe, ModulusLength);

        var significant = ciphertextLe.Length > ModulusLength ? ciphertextLe[..ModulusLength] : ciphertextLe;
        if (!IsBelowModulus(significant)) throw new RdpProtocolException("RSA input is not below the modulus: it was not produced with this key.");
        Span<byte> inputBe = stackalloc byte[ModulusLength];
        Span<byte> outputBe = stackalloc byte[ModulusLength];
        inputBe.Clear();
        for (var i = 0; i < significant.Length; i++) inputBe[ModulusLength - 1 - i] = significant[i];
        try
        {
            _openSsl.PrivateBigEndian(inputBe, outputBe);
            var output = new byte[ModulusLength];
            for (var i = 0; i < output.Length; i++) output[i] = outputBe[ModulusLength - 1 - i];
            return output;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(outputBe);
        }
    }

    /// <summary>Little-endian comparison with the modulus (the ciphertext is public: no need for constant time).</summary>
    private bool IsBelowModulus(ReadOnlySpan<byte> valueLe)
    {
        for (var i = ModulusLength - 1; i >= 0; i--)
        {
            var v = i < valueLe.Length ? valueLe[i] : 0;
            if (v != ModulusLe[i]) return v < ModulusLe[i];
        }
        return false; // equal
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _openSsl?.Dispose();
        _managed?.Dispose();
        _rsa.Dispose();
    }

    /// <summary>Takes ownership of <paramref name="rsa"/> once loaded; disposes it if loading or reading it fails.</summary>
    private static ServerRsaKey Adopt(RSA rsa, Action<RSA>? load)
    {
        RSA? owned = rsa;
        try
        {
            load?.Invoke(rsa);
            var key = new ServerRsaKey(rsa);
            owned = null;
            return key;
        }
        finally
        {
            owned?.Dispose();
        }
    }

    private static byte[] LittleEndian(byte[] bigEndian)
    {
        var copy = (byte[])bigEndian.Clone();
        Array.Reverse(copy);
        return copy;
    }

    private static uint ToUInt32(byte[] bigEndian)
    {
        var significant = bigEndian.AsSpan().TrimStart((byte)0);
        if (significant.Length > 4) throw new CryptographicException("The RSA public exponent does not fit the 32-bit pubExp field of RSA_PUBLIC_KEY.");
        uint value = 0;
        foreach (var b in significant) value = (value << 8) | b;
        return value;
    }

    private static void ZeroIfPresent(params byte[]?[] secrets)
    {
        foreach (var secret in secrets)
            if (secret is not null) CryptographicOperations.ZeroMemory(secret);
    }
}
