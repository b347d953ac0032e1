using System.Security.Cryptography;
using RdLicensing.Core.Signing;

namespace RdLicensing.Core.Proof;

/// <summary>
/// Proof that whoever asks for a key rotation holds the NEW private key: the new key signs (Product ID, fingerprint of the
/// old key, nonce). The request carrying it is signed by the OLD key (<see cref="ServerRequestProof"/>), so the clearinghouse
/// records the new key only when both keys took part — or, when the old key is lost, on the vendor operator's path with
/// the purchase identifiers (which takes the new key's proof the same way).
/// </summary>
public static class KeyRotationProof
{
    private static readonly SignedDocumentSchema Schema = new("rdlicensing-key-rotation", 1, ["product", "old-key", "new-key", "nonce"]);

    /// <summary>Signs with <paramref name="newKey"/>; returns (nonce, signature), both for the request body.</summary>
    public static (string Nonce, byte[] Signature) Create(ECDsa newKey, string productId, string oldKeyFingerprint)
    {
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        return (nonce, newKey.SignData(SignedBytes(productId, oldKeyFingerprint, newKey.ExportSubjectPublicKeyInfo(), nonce),
            HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
    }

    /// <summary>Whether <paramref name="signature"/> is the new key's over these values (false for anything unreadable).</summary>
    public static bool Verifies(byte[] newPublicKey, string productId, string oldKeyFingerprint, string nonce, byte[] signature)
    {
        if (nonce.Length != 32 || !nonce.All(Uri.IsHexDigit) || signature.Length != 64) return false;
        try
        {
            using var key = ECDsa.Create();
            key.ImportSubjectPublicKeyInfo(newPublicKey, out var read);
            if (read != newPublicKey.Length || key.KeySize != 256) return false;
            return key.VerifyData(SignedBytes(productId, oldKeyFingerprint, newPublicKey, nonce), signature,
                HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static byte[] SignedBytes(string productId, string oldKeyFingerprint, byte[] newPublicKey, string nonce) =>
        CanonicalPayload.Build(Schema, new Dictionary<string, string>
        {
            ["product"] = productId,
            ["old-key"] = oldKeyFingerprint,
            ["new-key"] = Convert.ToBase64String(newPublicKey),
            ["nonce"] = nonce.ToLowerInvariant(),
        });
}
