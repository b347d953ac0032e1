using System.Security.Cryptography;
using RdLicensing.Core.Signing;

namespace RdLicensing.Core.Proof;

/// <summary>A proof of possession that does not hold: malformed, or not signed by the key it names.</summary>
public sealed class ServerProofException(string message) : Exception(message);

/// <summary>
/// Proof of possession for the automatic connection method: every request a license server makes to the clearinghouse on
/// its own behalf carries the header <see cref="HeaderName"/>, an ECDSA P-256 signature by the server's identity key over
/// the HTTP method, the path, the Product ID, the installation (data directory) id, a single-use nonce and the SHA-256 of
/// the exact body bytes. The header names the public key; the clearinghouse accepts it only when it is the key it recorded
/// for the Product ID (or, at first contact, the key the Product ID derives from). Knowing a Product ID, a License Server
/// ID or any token proves nothing: only the private key signs.
/// </summary>
/// <remarks>
/// Header value: <c>v=1;product=…;installation=…;nonce=…;key=BASE64(SubjectPublicKeyInfo);sig=BASE64(P1363)</c>, or <c>v=2</c> with
/// <c>;contact=N</c> before the key: the installation's clearinghouse contact number, kept in its database and advanced before each
/// contact, signed with the rest. Two live copies of one database (a plain file copy) use the same numbers, which the clearinghouse
/// notices (clone detection); a request's single-use nonce tells a replay apart.
/// </remarks>
public sealed record ServerRequestProof(string ProductId, string InstallationId, string Nonce, byte[] PublicKey, byte[] Signature, long? Contact = null)
{
    public const string HeaderName = "RdLicensing-Proof";

    /// <summary>Headers longer than this are refused before any parsing (a P-256 key and signature need about 300).</summary>
    public const int MaxHeaderLength = 1024;

    private static readonly SignedDocumentSchema Schema = new("rdlicensing-server-request", 1,
        ["method", "path", "product", "installation", "nonce", "key", "body-sha256"]);

    private static readonly SignedDocumentSchema SchemaWithContact = new("rdlicensing-server-request", 2,
        ["method", "path", "product", "installation", "nonce", "contact", "key", "body-sha256"]);

    /// <summary>Signs a request: <paramref name="path"/> is the absolute path (<c>/api/licenses</c>), <paramref name="body"/> the exact bytes sent.</summary>
    /// <param name="contact">The installation's clearinghouse contact number (version 2); null makes a version 1 proof without it.</param>
    public static string Create(ECDsa key, string productId, string installationId, string method, string path, ReadOnlySpan<byte> body, long? contact = null)
    {
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var publicKey = key.ExportSubjectPublicKeyInfo();
        var signature = key.SignData(SignedBytes(method, path, productId, installationId, nonce, contact, publicKey, body),
            HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        var numbered = contact is { } n ? $"v=2;product={productId};installation={installationId};nonce={nonce};contact={n.ToString(System.Globalization.CultureInfo.InvariantCulture)}"
            : $"v=1;product={productId};installation={installationId};nonce={nonce}";
        return $"{numbered};key={Convert.ToBase64String(publicKey)};sig={Convert.ToBase64String(signature)}";
    }

    /// <summary>Reads the header; <see cref="ServerProofException"/> says what is wrong with it.</summary>
    public static ServerRequestProof Parse(string? header)
    {
        if (string.IsNullOrWhiteSpace(header))
            throw new ServerProofException($"the request carries no {HeaderName} header: only the license server itself, signing with its identity key, can ask for this");
        if (header.Length > MaxHeaderLength)
            throw new ServerProofException($"the {HeaderName} header is longer than {MaxHeaderLength} characters");
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in header.Split(';'))
        {
            var eq = part.IndexOf('=');
            if (eq <= 0 || !fields.TryAdd(part[..eq].Trim(), part[(eq + 1)..].Trim()))
                throw new ServerProofException($"the {HeaderName} header is malformed");
        }
        string Field(string name) => fields.TryGetValue(name, out var v) && v.Length > 0
            ? v : throw new ServerProofException($"the {HeaderName} header has no '{name}'");
        var version = Field("v");
        if (version is not ("1" or "2")) throw new ServerProofException($"the {HeaderName} header has version {version}; this clearinghouse reads versions 1 and 2");
        long? contact = null;
        if (version == "2")
        {
            if (!long.TryParse(Field("contact"), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) || n < 1)
                throw new ServerProofException($"the {HeaderName} contact number must be a positive whole number");
            contact = n;
        }
        else if (fields.ContainsKey("contact"))
        {
            throw new ServerProofException($"the {HeaderName} header of version 1 carries no contact number");
        }
        var nonce = Field("nonce");
        if (nonce.Length != 32 || !nonce.All(Uri.IsHexDigit))
            throw new ServerProofException($"the {HeaderName} nonce must be 32 hexadecimal characters");
        var installation = Field("installation");
        if (installation.Length > 64 || !installation.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            throw new ServerProofException($"the {HeaderName} installation id is malformed");
        byte[] key, signature;
        try
        {
            key = Convert.FromBase64String(Field("key"));
            signature = Convert.FromBase64String(Field("sig"));
        }
        catch (FormatException)
        {
            throw new ServerProofException($"the {HeaderName} key or signature is not base64");
        }
        if (signature.Length != 64) throw new ServerProofException($"the {HeaderName} signature must be a 64-byte P-256 signature");
        return new ServerRequestProof(Field("product"), installation, nonce.ToLowerInvariant(), key, signature, contact);
    }

    /// <summary>Whether the signature, by the key the header names, covers this very request.</summary>
    public bool Verifies(string method, string path, ReadOnlySpan<byte> body)
    {
        try
        {
            using var key = ECDsa.Create();
            key.ImportSubjectPublicKeyInfo(PublicKey, out var read);
            if (read != PublicKey.Length || key.KeySize != 256) return false;
            return key.VerifyData(SignedBytes(method, path, ProductId, InstallationId, Nonce, Contact, PublicKey, body), Signature,
                HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static byte[] SignedBytes(string method, string path, string productId, string installationId, string nonce, long? contact, byte[] publicKey,
        ReadOnlySpan<byte> body)
    {
        var fields = new Dictionary<string, string>
        {
            ["method"] = method.ToUpperInvariant(),
            ["path"] = path,
            ["product"] = productId,
            ["installation"] = installationId,
            ["nonce"] = nonce,
            ["key"] = Convert.ToBase64String(publicKey),
            ["body-sha256"] = Convert.ToHexStringLower(SHA256.HashData(body)),
        };
        if (contact is not { } n) return CanonicalPayload.Build(Schema, fields);
        fields["contact"] = n.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return CanonicalPayload.Build(SchemaWithContact, fields);
    }

    /// <summary>A short, stable name of a public key for messages and events (first 16 hex digits of its SHA-256).</summary>
    public static string Fingerprint(ReadOnlySpan<byte> subjectPublicKeyInfo) => Convert.ToHexStringLower(SHA256.HashData(subjectPublicKeyInfo))[..16];

}
