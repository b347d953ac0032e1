using System.Formats.Asn1;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using RdLicensing.Core.Identity;

namespace RdLicensing.Core.Cals;

/// <summary>What a verified revocation list says: whose it is, its number, when it was made and when the next is due, and the revoked CALs.</summary>
public sealed record RevocationListContent(
    string LicenseServerProductId,
    long Number,
    DateTimeOffset ThisUpdate,
    DateTimeOffset NextUpdate,
    IReadOnlySet<long> RevokedCalIds)
{
    public bool IsRevoked(long calId) => RevokedCalIds.Contains(calId);
}

/// <summary>
/// The license server's revocation list: an X.509 CRL (RFC 5280) signed with the server's identity key, issued by the same
/// name as its CAL certificates, listing by serial number (the CAL id) every revoked CAL that has not expired yet. Its CRL
/// number only grows (it counts revocations), so a host never goes back to an older list; this-update and next-update come from
/// the server's clock. Session hosts verify it with the public key they learned and then treat a listed CAL as absent.
/// </summary>
public static class RevocationList
{
    public const int MaxBytes = 4 * 1024 * 1024;
    private const string CrlNumberOid = "2.5.29.20";

    /// <summary>How often a host pulls the list at the latest; also the list's next-update after its this-update.</summary>
    public static readonly TimeSpan SyncInterval = TimeSpan.FromHours(1);

    /// <summary>The license server's issuer Name, the same on its revocation lists and on its CAL tokens (CalTokenService).</summary>
    public static X500DistinguishedName IssuerName(string productId)
    {
        var issuer = new X500DistinguishedNameBuilder();
        issuer.AddOrganizationName("RdLicensing");
        issuer.AddCommonName("License Server " + productId);
        return issuer.Build();
    }

    /// <summary>Builds and signs the list (DER).</summary>
    public static byte[] Build(LicenseServerIdentity identity, long number, IEnumerable<(long CalId, DateTimeOffset RevokedAt)> revoked,
        DateTimeOffset thisUpdate, DateTimeOffset nextUpdate)
    {
        var builder = new CertificateRevocationListBuilder();
        foreach (var (calId, revokedAt) in revoked)
        {
            var serial = BigInteger.Abs(new BigInteger(calId)).ToByteArray(isUnsigned: true, isBigEndian: true);
            builder.AddEntry(serial.Length == 0 ? [0] : serial, revokedAt, X509RevocationReason.Superseded);
        }
        var keyId = SHA1.HashData(identity.Key.ExportSubjectPublicKeyInfo());
        return builder.Build(IssuerName(identity.ProductId), X509SignatureGenerator.CreateForECDsa(identity.Key), new BigInteger(number), nextUpdate,
            HashAlgorithmName.SHA256, X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(keyId), thisUpdate);
    }

    /// <summary>Checks the signature with the license server's public key, that the list is that server's, and reads it.</summary>
    /// <exception cref="CalTokenException">Not a CRL, not signed by this key, another server's, or unreadable.</exception>
    internal static RevocationListContent Verify(ECDsa key, string productId, ReadOnlySpan<byte> crl)
    {
        if (crl.IsEmpty || crl.Length > MaxBytes) throw new CalTokenException($"the revocation list is empty or larger than {MaxBytes} bytes");
        try
        {
            var outer = new AsnReader(crl.ToArray(), AsnEncodingRules.DER);
            var list = outer.ReadSequence();
            outer.ThrowIfNotEmpty();
            var tbsBytes = list.ReadEncodedValue().ToArray();
            var algorithm = list.ReadSequence();
            var algorithmOid = algorithm.ReadObjectIdentifier();
            var signature = list.ReadBitString(out var unusedBits);
            list.ThrowIfNotEmpty();
            if (algorithmOid != CalTokenService.EcdsaWithSha256Oid || unusedBits != 0
                || !key.VerifyData(tbsBytes, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence))
                throw new CalTokenException("the revocation list was not signed by this license server or was altered");

            var tbs = new AsnReader(tbsBytes, AsnEncodingRules.DER).ReadSequence();
            if (tbs.PeekTag().HasSameClassAndValue(Asn1Tag.Integer)) tbs.ReadInteger(); // version v2
            var innerAlgorithm = tbs.ReadSequence();
            if (innerAlgorithm.ReadObjectIdentifier() != CalTokenService.EcdsaWithSha256Oid)
                throw new CalTokenException("the revocation list names another signature algorithm than it was signed with");
            var issuer = new X500DistinguishedName(tbs.ReadEncodedValue().ToArray());
            if (!issuer.RawData.AsSpan().SequenceEqual(IssuerName(productId).RawData))
                throw new CalTokenException("the revocation list belongs to another license server");
            var thisUpdate = ReadTime(tbs);
            if (!(tbs.HasData && IsTime(tbs.PeekTag()))) throw new CalTokenException("the revocation list has no next-update time");
            var nextUpdate = ReadTime(tbs);
            var revoked = new HashSet<long>();
            if (tbs.HasData && tbs.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
            {
                var entries = tbs.ReadSequence();
                while (entries.HasData)
                {
                    var entry = entries.ReadSequence();
                    var serial = entry.ReadInteger();
                    if (serial >= 0 && serial <= long.MaxValue) revoked.Add((long)serial);
                }
            }
            long? number = null;
            if (tbs.HasData)
            {
                var extensions = tbs.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0)).ReadSequence();
                while (extensions.HasData)
                {
                    var extension = extensions.ReadSequence();
                    var oid = extension.ReadObjectIdentifier();
                    if (extension.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean)) extension.ReadBoolean();
                    var value = extension.ReadOctetString();
                    if (oid == CrlNumberOid)
                    {
                        var n = new AsnReader(value, AsnEncodingRules.DER).ReadInteger();
                        if (n < 0 || n > long.MaxValue) throw new CalTokenException("the revocation list number is out of range");
                        number = (long)n;
                    }
                }
            }
            tbs.ThrowIfNotEmpty();
            if (number is null) throw new CalTokenException("the revocation list carries no CRL number");
            return new RevocationListContent(productId, number.Value, thisUpdate, nextUpdate, revoked);
        }
        catch (Exception e) when (e is AsnContentException or CryptographicException)
        {
            throw new CalTokenException($"the revocation list is not a readable X.509 CRL ({e.Message})");
        }
    }

    /// <summary>The Product ID the list claims as its issuer (before verifying it), to pick the key; null when unreadable.</summary>
    public static string? ClaimedIssuer(ReadOnlySpan<byte> crl)
    {
        try
        {
            var tbs = new AsnReader(crl.ToArray(), AsnEncodingRules.DER).ReadSequence().ReadSequence();
            if (tbs.PeekTag().HasSameClassAndValue(Asn1Tag.Integer)) tbs.ReadInteger();
            tbs.ReadSequence();
            var name = new X500DistinguishedName(tbs.ReadEncodedValue().ToArray()).EnumerateRelativeDistinguishedNames()
                .Where(r => !r.HasMultipleElements && r.GetSingleElementType().Value == "2.5.4.3").Select(r => r.GetSingleElementValue()).LastOrDefault();
            return name?.StartsWith("License Server ", StringComparison.Ordinal) == true ? name["License Server ".Length..] : null;
        }
        catch (Exception e) when (e is AsnContentException or CryptographicException)
        {
            return null;
        }
    }

    private static bool IsTime(Asn1Tag tag) => tag.HasSameClassAndValue(Asn1Tag.UtcTime) || tag.HasSameClassAndValue(Asn1Tag.GeneralizedTime);

    private static DateTimeOffset ReadTime(AsnReader reader) =>
        reader.PeekTag().HasSameClassAndValue(Asn1Tag.UtcTime) ? reader.ReadUtcTime() : reader.ReadGeneralizedTime();
}
