using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace RdLicensing.Rdp.Security;

/// <summary>
/// The raw (unpadded) private RSA operation done by the OpenSSL libcrypto that .NET itself already loaded for its
/// cryptography on Linux: <c>EVP_PKEY_decrypt</c> with <c>RSA_NO_PADDING</c> on the very <c>EVP_PKEY</c> .NET holds
/// (<see cref="RSAOpenSsl.DuplicateKeyHandle"/>). OpenSSL's RSA private operation is constant-time (Montgomery
/// exponentiation with fixed windows, CRT) and blinded (<c>RSA_FLAG_NO_BLINDING</c> is never set on such a key).
/// <para>
/// The library is the one mapped into this process (found in <c>/proc/self/maps</c> after .NET loaded it), and its
/// <c>OpenSSL_version_num</c> must equal the one .NET reports (<see cref="SafeEvpPKeyHandle.OpenSslVersion"/>):
/// an <c>EVP_PKEY</c> is never handed to another libcrypto than the one that made it. When that is not possible
/// (another platform, no libcrypto found, an OpenSSL before 3.0), <see cref="Unavailable"/> says why in one sentence and
/// <see cref="ServerRsaKey"/> uses its managed, blinded implementation instead.
/// </para>
/// <para>
/// Why P/Invoke here and not in the session host: this is computation on a key, no I/O, and the protocol library is where
/// RDP's raw RSA is needed (the session host, the tests and the bench all go through <see cref="ServerRsaKey"/>).
/// </para>
/// </summary>
internal sealed class OpenSslRawRsa : IDisposable
{
    private const string Library = "rdlicensing-libcrypto"; // resolved to the process's libcrypto by Resolve
    private const int RsaNoPadding = 3;

    /// <summary>Null when OpenSSL can be used; otherwise why not, in one sentence.</summary>
    public static string? Unavailable { get; }

    /// <summary>The libcrypto file in use, e.g. <c>/usr/lib/x86_64-linux-gnu/libcrypto.so.3</c>; null when unavailable.</summary>
    public static string? LibraryPath { get; }

    /// <summary>E.g. "OpenSSL 3.0.19 27 Jan 2026" (the library's own <c>OpenSSL_version(0)</c>).</summary>
    public static string? VersionText { get; }

    private static nint s_handle;

    static OpenSslRawRsa()
    {
        try
        {
            if (!OperatingSystem.IsLinux())
            {
                Unavailable = "OpenSSL's libcrypto is used only on Linux, where .NET's own cryptography loads it.";
                return;
            }
            var expected = SafeEvpPKeyHandle.OpenSslVersion; // makes .NET load its libcrypto, if it has not yet
            var path = MappedLibcrypto();
            if (path is null)
            {
                Unavailable = "no libcrypto is loaded in this process (is OpenSSL 3 installed, e.g. Debian's libssl3?).";
                return;
            }
            if (!NativeLibrary.TryLoad(path, out s_handle))
            {
                Unavailable = $"{path} could not be loaded.";
                return;
            }
            if (!NativeLibrary.TryGetExport(s_handle, "OpenSSL_version_num", out _) || !NativeLibrary.TryGetExport(s_handle, "EVP_PKEY_CTX_set_rsa_padding", out _))
            {
                Unavailable = $"{path} is not OpenSSL 3 (EVP_PKEY_CTX_set_rsa_padding is missing).";
                return;
            }
            NativeLibrary.SetDllImportResolver(typeof(OpenSslRawRsa).Assembly, (name, _, _) => name == Library ? s_handle : 0);
            var actual = (long)OpenSSL_version_num();
            if (actual != expected)
            {
                Unavailable = $"{path} reports OpenSSL version 0x{actual:X}, .NET uses 0x{expected:X}: not the library .NET loaded.";
                return;
            }
            LibraryPath = path;
            VersionText = Marshal.PtrToStringUTF8(OpenSSL_version(0));
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or PlatformNotSupportedException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            Unavailable = $"OpenSSL's libcrypto cannot be used ({e.Message}).";
        }
    }

    private readonly SafeEvpPKeyHandle _key;
    private readonly int _modulusLength;

    /// <param name="parameters">The full private key (modulus, exponents, primes, CRT values).</param>
    public OpenSslRawRsa(RSAParameters parameters)
    {
        if (Unavailable is not null || !OperatingSystem.IsLinux()) throw new PlatformNotSupportedException($"OpenSSL raw RSA is unavailable: {Unavailable}");
        using var rsa = new RSAOpenSsl(parameters);
        _key = rsa.DuplicateKeyHandle();
        _modulusLength = parameters.Modulus!.Length;
    }

    /// <summary>
    /// c^d mod n, big-endian in and out, both exactly the modulus length. OpenSSL itself refuses an input not below
    /// the modulus; the caller checks that first to say so as a protocol error.
    /// </summary>
    public void PrivateBigEndian(ReadOnlySpan<byte> inputBe, Span<byte> outputBe)
    {
        if (inputBe.Length != _modulusLength || outputBe.Length != _modulusLength)
            throw new ArgumentException($"Raw RSA takes and gives exactly {_modulusLength} bytes.");
        var ctx = EVP_PKEY_CTX_new(_key, 0);
        if (ctx == 0) throw Failure("EVP_PKEY_CTX_new");
        try
        {
            if (EVP_PKEY_decrypt_init(ctx) != 1) throw Failure("EVP_PKEY_decrypt_init");
            if (EVP_PKEY_CTX_set_rsa_padding(ctx, RsaNoPadding) != 1) throw Failure("EVP_PKEY_CTX_set_rsa_padding");
            var written = (nuint)outputBe.Length;
            if (EVP_PKEY_decrypt(ctx, ref MemoryMarshal.GetReference(outputBe), ref written, in MemoryMarshal.GetReference(inputBe), (nuint)inputBe.Length) != 1)
                throw Failure("EVP_PKEY_decrypt");
            if ((int)written != _modulusLength) throw new CryptographicException($"OpenSSL gave {written} bytes of raw RSA output where {_modulusLength} were expected.");
        }
        finally
        {
            EVP_PKEY_CTX_free(ctx);
        }
    }

    public void Dispose() => _key.Dispose();

    private static CryptographicException Failure(string function)
    {
        var code = ERR_get_error();
        while (ERR_get_error() != 0) { } // leave the thread's error queue empty for .NET's next call
        return new CryptographicException($"OpenSSL {function} failed (error 0x{code:X}).");
    }

    /// <summary>The libcrypto mapped into this process, from /proc/self/maps.</summary>
    private static string? MappedLibcrypto()
    {
        foreach (var line in File.ReadLines("/proc/self/maps"))
        {
            var slash = line.IndexOf('/');
            if (slash < 0) continue;
            var path = line[slash..];
            if (Path.GetFileName(path).StartsWith("libcrypto.so", StringComparison.Ordinal)) return path;
        }
        return null;
    }

#pragma warning disable SYSLIB1054 // LibraryImport needs unsafe code, which this project does not allow; these signatures are blittable
    [DllImport(Library)] private static extern nuint OpenSSL_version_num();
    [DllImport(Library)] private static extern nint OpenSSL_version(int type);
    [DllImport(Library)] private static extern nint EVP_PKEY_CTX_new(SafeEvpPKeyHandle pkey, nint engine);
    [DllImport(Library)] private static extern void EVP_PKEY_CTX_free(nint ctx);
    [DllImport(Library)] private static extern int EVP_PKEY_decrypt_init(nint ctx);
    [DllImport(Library)] private static extern int EVP_PKEY_CTX_set_rsa_padding(nint ctx, int padding);
    [DllImport(Library)] private static extern int EVP_PKEY_decrypt(nint ctx, ref byte output, ref nuint outputLength, in byte input, nuint inputLength);
    [DllImport(Library)] private static extern ulong ERR_get_error();
#pragma warning restore SYSLIB1054
}
