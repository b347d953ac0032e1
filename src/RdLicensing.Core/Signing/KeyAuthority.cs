using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace RdLicensing.Core.Signing;

/// <summary>
/// A clearinghouse signing key with its self-signed root certificate. The clearinghouse service signs
/// with it; tests use one as a stand-in clearinghouse. Only ECDSA P-256 (no Ed25519 in .NET 10).
/// </summary>
public sealed class KeyAuthority : IDisposable
{
    private readonly ECDsa _key;

    private KeyAuthority(ECDsa key, X509Certificate2 certificate)
    {
        _key = key;
        Certificate = ClearinghouseCertificate.FromCertificate(certificate);
    }

    public ClearinghouseCertificate Certificate { get; }

    public static KeyAuthority Create(string name, DateTimeOffset now, TimeSpan? lifetime = null)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName($"CN={name}, O=RdLicensing Clearinghouse"), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.DigitalSignature, true));
        var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now + (lifetime ?? TimeSpan.FromDays(3650 * 2)));
        return new KeyAuthority(key, certificate);
    }

    public static KeyAuthority FromPem(string certificatePem, string privateKeyPem)
    {
        var key = ECDsa.Create();
        key.ImportFromPem(privateKeyPem);
        return new KeyAuthority(key, X509Certificate2.CreateFromPem(certificatePem));
    }

    public string PrivateKeyPem() => _key.ExportPkcs8PrivateKeyPem();

    public byte[] Sign(ReadOnlySpan<byte> data) =>
        _key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    /// <summary>Signs the fields under the schema; adds the "clearinghouse" field when the schema has one.</summary>
    public SignedDocument SignDocument(SignedDocumentSchema schema, IDictionary<string, string> fields)
    {
        var all = new Dictionary<string, string>(fields, StringComparer.Ordinal);
        if (schema.Fields.Contains("clearinghouse")) all["clearinghouse"] = Certificate.Thumbprint;
        var canonical = CanonicalPayload.Build(schema, all);
        return new SignedDocument(schema, all, Sign(canonical));
    }

    public void Dispose() => _key.Dispose();
}
