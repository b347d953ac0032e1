using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace RdLicensing.Core.Signing;

/// <summary>The clearinghouse root certificate a license server trusts (ECDSA P-256, public part only).</summary>
public sealed class ClearinghouseCertificate
{
    private readonly ECDsa _publicKey;

    private ClearinghouseCertificate(X509Certificate2 certificate, ECDsa publicKey)
    {
        Certificate = certificate;
        _publicKey = publicKey;
        Thumbprint = Convert.ToHexStringLower(certificate.GetCertHash(HashAlgorithmName.SHA256));
    }

    public X509Certificate2 Certificate { get; }

    /// <summary>SHA-256 of the certificate, lower-case hex: names the clearinghouse in what it signs.</summary>
    public string Thumbprint { get; }

    public string Subject => Certificate.Subject;

    public static ClearinghouseCertificate FromPem(string pem)
    {
        X509Certificate2 certificate;
        try { certificate = X509Certificate2.CreateFromPem(pem); }
        catch (CryptographicException e) { throw new FormatException($"not a PEM certificate: {e.Message}", e); }
        return FromCertificate(certificate);
    }

    public static ClearinghouseCertificate FromCertificate(X509Certificate2 certificate)
    {
        var key = certificate.GetECDsaPublicKey()
            ?? throw new FormatException("the clearinghouse certificate does not carry an ECDSA public key");
        if (key.KeySize != 256) throw new FormatException("the clearinghouse key must be ECDSA P-256");
        return new ClearinghouseCertificate(certificate, key);
    }

    public bool Verify(ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature) =>
        signature.Length == 64 && _publicKey.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

    public string ToPem() => Certificate.ExportCertificatePem();
}
