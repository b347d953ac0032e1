using System.Numerics;
using System.Security.Cryptography;

namespace RdLicensing.Core.Identity;

/// <summary>
/// The license server's own key pair (ECDSA P-256). Its Product ID is derived from its first public key, so it cannot
/// be claimed by another server; CAL tokens are signed with the private key. A key rotation (reactivation because the key
/// was compromised or the certificate corrupted) replaces the key and keeps the Product ID, to which activation and key
/// packs are bound: the Product ID is then stored with the identity, no longer derived from the current key.
/// </summary>
public sealed class LicenseServerIdentity : IDisposable
{
    private LicenseServerIdentity(ECDsa key, string? productId = null)
    {
        Key = key;
        ProductId = productId ?? DeriveProductId(key.ExportSubjectPublicKeyInfo());
    }

    public ECDsa Key { get; }

    /// <summary>23 characters, four groups of five digits: <c>12345-67890-12345-67890</c>.</summary>
    public string ProductId { get; }

    public static LicenseServerIdentity Create() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <param name="productId">The stored Product ID after a rotation; null: the one the key derives (never rotated).</param>
    public static LicenseServerIdentity FromPkcs8(byte[] privateKey, string? productId = null)
    {
        var key = ECDsa.Create();
        key.ImportPkcs8PrivateKey(privateKey, out _);
        return new LicenseServerIdentity(key, productId);
    }

    /// <summary>A new key for the same Product ID (key rotation).</summary>
    public LicenseServerIdentity WithNewKey() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256), ProductId);

    /// <summary>Whether the Product ID still derives from the key (false after a rotation: store the Product ID with the key).</summary>
    public bool ProductIdDerivesFromKey => DeriveProductId(Key.ExportSubjectPublicKeyInfo()) == ProductId;

    /// <summary>The public key as DER SubjectPublicKeyInfo.</summary>
    public byte[] PublicKey => Key.ExportSubjectPublicKeyInfo();

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
