using System.Diagnostics;
using System.Security.Cryptography;
using RdLicensing.Rdp.Security;

namespace RdLicensing.Cli.Bench;

/// <summary>
/// The endpoint's 2048-bit private RSA operation (<see cref="ServerRsaKey.DecryptRaw"/>: raw, blinded) against the
/// platform's OpenSSL doing a private operation with the same key directly (.NET's <see cref="RSA.Decrypt"/> with PKCS#1
/// v1.5 padding, which is OpenSSL's own blinded private decryption on Linux), timed alternately on one thread.
/// </summary>
/// <param name="Implementation">What runs the endpoint's operation (<see cref="ServerRsaKey.Implementation"/>).</param>
/// <param name="Ratio">Ours ÷ OpenSSL directly; issue 13's target is at most <see cref="Target"/>.</param>
internal sealed record RsaFigure(string Implementation, int Bits, int Operations, double OursMs, double OpenSslMs, double Ratio, double Target)
{
    public const double TargetRatio = 2.0;

    public static RsaFigure Measure(TimeSpan duration)
    {
        const int bits = 2048;
        const int batch = 20;
        using var key = ServerRsaKey.Generate(bits);
        using var platform = RSA.Create();
        platform.ImportFromPem(key.ExportPkcs8Pem());
        var message = RandomNumberGenerator.GetBytes(32);
        var cipherBe = platform.Encrypt(message, RSAEncryptionPadding.Pkcs1);
        // As a client sends it: little-endian, followed by 8 zero bytes.
        byte[] cipherLe = [.. cipherBe.Reverse(), .. new byte[8]];
        for (var i = 0; i < 5; i++)
        {
            key.DecryptRaw(cipherLe);
            platform.Decrypt(cipherBe, RSAEncryptionPadding.Pkcs1);
        }

        long ours = 0, openSsl = 0;
        var operations = 0;
        var total = Stopwatch.StartNew();
        while (total.Elapsed < duration || operations == 0)
        {
            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < batch; i++) key.DecryptRaw(cipherLe);
            ours += Stopwatch.GetTimestamp() - start;
            start = Stopwatch.GetTimestamp();
            for (var i = 0; i < batch; i++) platform.Decrypt(cipherBe, RSAEncryptionPadding.Pkcs1);
            openSsl += Stopwatch.GetTimestamp() - start;
            operations += batch;
        }
        var oursMs = Stopwatch.GetElapsedTime(0, ours).TotalMilliseconds / operations;
        var openSslMs = Stopwatch.GetElapsedTime(0, openSsl).TotalMilliseconds / operations;
        return new RsaFigure(ServerRsaKey.Implementation, bits, operations, Math.Round(oursMs, 3), Math.Round(openSslMs, 3), Math.Round(oursMs / openSslMs, 2), TargetRatio);
    }
}
