using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace RdLicensing.Core.Identity;

/// <summary>
/// The X.509 chain a session host's RDP endpoint sends in its Server License Request once its license server has
/// certified it (CERT_CHAIN_VERSION_2, MS-RDPBCGR 2.2.1.4.3.1 / MS-RDPELE 2.2.2.1), root first:
/// <list type="number">
/// <item>the license server's certificate: self-signed by its identity key (ECDSA P-256), CN "License Server &lt;Product ID&gt;";</item>
/// <item>the endpoint's certificate: the endpoint's RSA key, issued and signed by the license server's identity (a CA for
/// exactly one level below it);</item>
/// <item>the leaf, built by the endpoint itself: the same RSA key, issued by certificate 2 and signed with that key.</item>
/// </list>
/// Clients encrypt the licensing premaster secret with the leaf's RSA key, whose private half the endpoint holds.
/// The last two are RSA because FreeRDP 2 reads the RSA public key of both (the "license server" and "terminal server"
/// certificates of its parser) and refuses the License Request otherwise.
/// </summary>
public static class EndpointCertificates
{
    public static readonly TimeSpan EndpointValidity = TimeSpan.FromDays(365);
    public static readonly TimeSpan LicenseServerValidity = TimeSpan.FromDays(3650);

    /// <summary>The license server certifies an endpoint's RSA key (DER SubjectPublicKeyInfo): its own certificate, then the endpoint's.</summary>
    /// <exception cref="ArgumentException">Not an RSA key of 1024 to 4096 bits with an exponent of at most 4 bytes.</exception>
    public static (byte[] LicenseServer, byte[] Endpoint) Issue(LicenseServerIdentity identity, byte[] rsaSubjectPublicKeyInfo, string hostName, DateTimeOffset now)
    {
        using var rsa = ReadRsa(rsaSubjectPublicKeyInfo);
        var serverName = LicenseServerName(identity.ProductId);
        var root = new CertificateRequest(serverName, identity.Key, HashAlgorithmName.SHA256);
        root.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 1, true));
        root.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var rootCertificate = root.CreateSelfSigned(now.AddDays(-1), now + LicenseServerValidity);

        var endpoint = new CertificateRequest(EndpointName(hostName), rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        endpoint.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        endpoint.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.KeyEncipherment, true));
        using var endpointCertificate = endpoint.Create(serverName, X509SignatureGenerator.CreateForECDsa(identity.Key), now.AddMinutes(-5), now + EndpointValidity,
            RandomNumberGenerator.GetBytes(16).Prepend((byte)0x01).ToArray());
        return (rootCertificate.RawData, endpointCertificate.RawData);
    }

    /// <summary>The leaf the endpoint builds under its certificate: the same key, signed with it (the endpoint holds the private half).</summary>
    public static byte[] Leaf(byte[] endpointCertificate, RSA endpointKey, string hostName, DateTimeOffset now)
    {
        using var issuer = X509CertificateLoader.LoadCertificate(endpointCertificate);
        var leaf = new CertificateRequest(TerminalServerName(hostName), endpointKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        leaf.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        leaf.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyEncipherment, true));
        var notAfter = issuer.NotAfter.ToUniversalTime() < now.UtcDateTime.AddDays(365) ? new DateTimeOffset(issuer.NotAfter.ToUniversalTime()) : now.AddDays(365);
        using var certificate = leaf.Create(issuer.SubjectName, X509SignatureGenerator.CreateForRSA(endpointKey, RSASignaturePadding.Pkcs1), now.AddMinutes(-5), notAfter,
            RandomNumberGenerator.GetBytes(16).Prepend((byte)0x01).ToArray());
        return certificate.RawData;
    }

    /// <summary>
    /// Checks a chain (root first): each certificate signed by the one before it, the root by the license server's
    /// <paramref name="licenseServerKey"/> (DER SubjectPublicKeyInfo, as the host learned it), the leaf's key is
    /// <paramref name="endpointKey"/>'s. Returns why not, or null.
    /// </summary>
    public static string? Check(IReadOnlyList<byte[]> chain, byte[]? licenseServerKey, RSA endpointKey, DateTimeOffset now)
    {
        if (chain.Count < 2) return $"the chain has {chain.Count} certificate(s); at least 2 are needed";
        var certificates = new List<X509Certificate2>();
        try
        {
            foreach (var der in chain) certificates.Add(X509CertificateLoader.LoadCertificate(der));
            if (licenseServerKey is not null && !certificates[0].PublicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(licenseServerKey))
                return "the first certificate does not carry the key this host learned for the license server";
            for (var i = 1; i < certificates.Count; i++)
                if (!SignedBy(certificates[i], certificates[i - 1])) return $"certificate {i + 1} is not signed by certificate {i}";
            if (!SignedBy(certificates[0], certificates[0])) return "the license server's certificate is not self-signed";
            var last = certificates[^1];
            if (!last.PublicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(endpointKey.ExportSubjectPublicKeyInfo()))
                return "the last certificate does not carry this endpoint's RSA key";
            if (certificates.Any(c => c.NotAfter.ToUniversalTime() <= now.UtcDateTime)) return "a certificate of the chain has expired";
            return null;
        }
        catch (CryptographicException e)
        {
            return $"a certificate cannot be read ({e.Message})";
        }
        finally
        {
            foreach (var c in certificates) c.Dispose();
        }
    }

    /// <summary>Whether <paramref name="issuer"/>'s key made <paramref name="certificate"/>'s signature (SHA-256, ECDSA or RSA PKCS#1, as this chain uses).</summary>
    private static bool SignedBy(X509Certificate2 certificate, X509Certificate2 issuer)
    {
        var reader = new AsnReader(certificate.RawData, AsnEncodingRules.DER).ReadSequence();
        var tbs = reader.ReadEncodedValue().ToArray();
        reader.ReadSequence(); // signatureAlgorithm
        var signature = reader.ReadBitString(out _);
        if (!certificate.IssuerName.RawData.AsSpan().SequenceEqual(issuer.SubjectName.RawData)) return false;
        using var ecdsa = issuer.GetECDsaPublicKey();
        if (ecdsa is not null) return ecdsa.VerifyData(tbs, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        using var rsa = issuer.GetRSAPublicKey();
        return rsa is not null && rsa.VerifyData(tbs, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
    }

    private static RSA ReadRsa(byte[] subjectPublicKeyInfo)
    {
        var rsa = RSA.Create();
        try
        {
            rsa.ImportSubjectPublicKeyInfo(subjectPublicKeyInfo, out var read);
            if (read != subjectPublicKeyInfo.Length) throw new ArgumentException("the public key has trailing bytes.");
            var parameters = rsa.ExportParameters(false);
            if (rsa.KeySize is < 1024 or > 4096) throw new ArgumentException($"the RSA key has {rsa.KeySize} bits; 1024 to 4096 are accepted.");
            if (parameters.Exponent!.AsSpan().TrimStart((byte)0).Length > 4) throw new ArgumentException("the RSA public exponent is longer than 4 bytes (RDP clients read at most 4).");
            return rsa;
        }
        catch (CryptographicException e)
        {
            rsa.Dispose();
            throw new ArgumentException($"the public key is not an RSA SubjectPublicKeyInfo ({e.Message}).");
        }
        catch
        {
            rsa.Dispose();
            throw;
        }
    }

    private static X500DistinguishedName LicenseServerName(string productId)
    {
        var b = new X500DistinguishedNameBuilder();
        b.AddOrganizationName("RdLicensing");
        b.AddCommonName("License Server " + productId);
        return b.Build();
    }

    private static X500DistinguishedName EndpointName(string hostName)
    {
        var b = new X500DistinguishedNameBuilder();
        b.AddOrganizationName("RdLicensing");
        b.AddCommonName("RDP endpoint licensing " + hostName);
        return b.Build();
    }

    private static X500DistinguishedName TerminalServerName(string hostName)
    {
        var b = new X500DistinguishedNameBuilder();
        b.AddOrganizationName("RdLicensing");
        b.AddCommonName(hostName);
        return b.Build();
    }
}
