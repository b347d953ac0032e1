using System.Numerics;
using System.Security.Cryptography;

namespace RdLicensing.Core.Identity;

/// <summary>
/// The license server's own key pair (ECDSA P-256). Its Product ID is derived from the public key,
/// so it cannot be claimed by another server; CAL tokens are signed with the private key.
/// </summary>
public sealed class LicenseServerIdentity : IDisposable
{
    private LicenseServerIdentity(ECDsa key)
    {
        Key = key;
        ProductId = DeriveProductId(key.ExportSubjectPublicKeyInfo());
    }

    public ECDsa Key { get; }

    /// <summary>23 characters, four groups of five digits: <c>12345-67890-12345-67890</c>.</summary>
    public string ProductId { get; }

    public static LicenseServerIdentity Create() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    public static LicenseServerIdentity FromPkcs8(byte[] privateKey)
    {
        var key = ECDsa.Create();
        key.ImportPkcs8PrivateKey(privateKey, out _);
        return new LicenseServerIdentity(key);
    }

    public byte[] ExportPkcs8() => Key.ExportPkcs8PrivateKey();

    public static string DeriveProductId(byte[] subjectPublicKeyInfo)
    {
        var hash = SHA256.HashData(subjectPublicKeyInfo);
        var number = new BigInteger(hash.AsSpan(0, 12), isUnsigned: true) % BigInteger.Pow(10, 20);
        var digits = number.ToString("D20");
        return string.Join('-', digits.Chunk(5).Select(group => new string(group)));
    }

    public void Dispose() => Key.Dispose();
}
