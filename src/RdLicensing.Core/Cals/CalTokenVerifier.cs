using System.Formats.Asn1;
using System.Security.Cryptography;
using RdLicensing.Core.Identity;
using RdLicensing.Core.Signing;

namespace RdLicensing.Core.Cals;

/// <summary>
/// Checks CAL tokens with only a license server's public key, as a session host does: the signature over
/// the certificate, then the licensed-product payload. Needs no private key, so a host can verify the CAL a
/// client presents without asking the license server.
/// </summary>
public sealed class CalTokenVerifier : IDisposable
{
    private readonly ECDsa _publicKey;

    private CalTokenVerifier(ECDsa publicKey, byte[] subjectPublicKeyInfo, string? productId)
    {
        _publicKey = publicKey;
        ProductId = productId ?? LicenseServerIdentity.DeriveProductId(subjectPublicKeyInfo);
    }

    /// <summary>
    /// The Product ID of the license server whose key this is: derived from the key (so it cannot be claimed), or — for a
    /// rotated key — the Product ID its license server keeps, given by the caller who checked the rotation.
    /// </summary>
    public string ProductId { get; }

    /// <summary>The license server's P-256 public key as DER SubjectPublicKeyInfo.</summary>
    /// <exception cref="CalTokenException">The bytes are not an ECDSA P-256 public key.</exception>
    public static CalTokenVerifier FromSubjectPublicKeyInfo(byte[] subjectPublicKeyInfo, string? rotatedKeyProductId = null)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out var read);
            if (read != subjectPublicKeyInfo.Length || key.KeySize != 256)
                throw new CalTokenException("the license server public key is not a P-256 SubjectPublicKeyInfo");
            return new CalTokenVerifier(key, subjectPublicKeyInfo, rotatedKeyProductId);
        }
        catch (CryptographicException e)
        {
            key.Dispose();
            throw new CalTokenException($"the license server public key is unreadable ({e.Message})");
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>Verifies the token was signed with this key and returns what it binds.</summary>
    public CalTokenContent Verify(ReadOnlySpan<byte> token) => Verify(_publicKey, token);

    /// <summary>Verifies a revocation list (X.509 CRL) was signed with this key as this server's, and reads it.</summary>
    public RevocationListContent VerifyRevocationList(ReadOnlySpan<byte> crl) => RevocationList.Verify(_publicKey, ProductId, crl);

    internal static CalTokenContent Verify(ECDsa key, ReadOnlySpan<byte> token)
    {
        if (token.IsEmpty || token.Length > CalTokenService.MaxTokenBytes)
            throw new CalTokenException($"the license is empty or larger than {CalTokenService.MaxTokenBytes} bytes");
        byte[] tbs, signature;
        try
        {
            var outer = new AsnReader(token.ToArray(), AsnEncodingRules.DER);
            var certificate = outer.ReadSequence();
            outer.ThrowIfNotEmpty();
            tbs = certificate.ReadEncodedValue().ToArray();
            // The outer algorithm and the bit string's unused-bit count lie outside what the signature covers: anything
            // but what this server writes is a certificate altered after signing, however well its signature verifies.
            var algorithm = certificate.ReadSequence();
            var algorithmOid = algorithm.ReadObjectIdentifier();
            algorithm.ThrowIfNotEmpty();
            signature = certificate.ReadBitString(out var unusedBits);
            certificate.ThrowIfNotEmpty();
            if (algorithmOid != CalTokenService.EcdsaWithSha256Oid || unusedBits != 0)
                throw new CalTokenException("the license was not issued by this license server or was altered");
        }
        catch (AsnContentException)
        {
            throw new CalTokenException("the license is not an X.509 certificate");
        }
        if (!key.VerifyData(tbs, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence))
            throw new CalTokenException("the license was not issued by this license server or was altered");

        try
        {
            var extension = LicensedProductInfo(tbs) ?? throw new CalTokenException("the license carries no licensed-product information");
            var text = new AsnReader(extension, AsnEncodingRules.DER).ReadCharacterString(UniversalTagNumber.UTF8String);
            return CalTokenService.FromFields(CanonicalPayloadReader.Read(CalTokenService.Schema, text));
        }
        catch (Exception e) when (e is CryptographicException or AsnContentException or SignedDocumentException or FormatException)
        {
            throw new CalTokenException($"the license content is unreadable ({e.Message})");
        }
    }

    /// <summary>
    /// The value of the licensed-product extension in the signed part of the certificate (RFC 5280 TBSCertificate), read with
    /// the DER reader instead of loading the whole certificate into OpenSSL: that load (and its handle, released by a
    /// finalizer) was most of a verification's cost. Every field is read in order, so a malformed certificate is refused.
    /// </summary>
    private static byte[]? LicensedProductInfo(byte[] tbs)
    {
        var outer = new AsnReader(tbs, AsnEncodingRules.DER);
        var certificate = outer.ReadSequence();
        outer.ThrowIfNotEmpty();
        var version = new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true);
        if (certificate.PeekTag().HasSameClassAndValue(version)) certificate.ReadSequence(version).ReadInteger();
        certificate.ReadIntegerBytes();       // serialNumber
        certificate.ReadSequence();           // signature algorithm
        certificate.ReadSequence();           // issuer
        certificate.ReadSequence();           // validity
        certificate.ReadSequence();           // subject
        certificate.ReadSequence();           // subjectPublicKeyInfo
        var extensionsTag = new Asn1Tag(TagClass.ContextSpecific, 3, isConstructed: true);
        byte[]? found = null;
        while (certificate.HasData)
        {
            var tag = certificate.PeekTag();
            if (!tag.HasSameClassAndValue(extensionsTag))
            {
                certificate.ReadEncodedValue(); // issuerUniqueID, subjectUniqueID
                continue;
            }
            var extensions = certificate.ReadSequence(extensionsTag).ReadSequence();
            while (extensions.HasData)
            {
                var extension = extensions.ReadSequence();
                var oid = extension.ReadObjectIdentifier();
                if (extension.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean)) extension.ReadBoolean();
                var value = extension.ReadOctetString();
                extension.ThrowIfNotEmpty();
                if (found is null && oid == CalTokenService.LicensedProductInfoOid) found = value;
            }
        }
        return found;
    }

    public void Dispose() => _publicKey.Dispose();
}
