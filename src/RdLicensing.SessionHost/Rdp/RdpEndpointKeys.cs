using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using RdLicensing.Rdp.Security;

namespace RdLicensing.SessionHost.Rdp;

/// <summary>
/// The endpoint's RSA key (standard RDP security and the licensing key exchange) and its TLS certificate, created at
/// the first start and kept owner-only in the data directory, so clients see the same server key across restarts.
/// </summary>
public static class RdpEndpointKeys
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static ServerRsaKey LoadOrCreateKey(RdpEndpointOptions options)
    {
        if (File.Exists(options.KeyPath)) return ServerRsaKey.FromPkcs8Pem(File.ReadAllText(options.KeyPath));
        var key = ServerRsaKey.Generate(options.KeyBits);
        WriteOwnerOnly(options.KeyPath, System.Text.Encoding.ASCII.GetBytes(key.ExportPkcs8Pem()));
        return key;
    }

    /// <param name="subject">The host's name, as the certificate's common name.</param>
    public static X509Certificate2 LoadOrCreateCertificate(RdpEndpointOptions options, string subject)
    {
        if (File.Exists(options.CertificatePath)) return X509CertificateLoader.LoadPkcs12FromFile(options.CertificatePath, password: null);
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest($"CN={subject}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        // Clients compare the validity with their own real clocks, never with a simulated one.
        var now = TimeProvider.System.GetUtcNow();
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(5));
        var pfx = certificate.Export(X509ContentType.Pfx);
        WriteOwnerOnly(options.CertificatePath, pfx);
        return X509CertificateLoader.LoadPkcs12(pfx, password: null);
    }

    private static void WriteOwnerOnly(string path, byte[] content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = path + ".new";
        var fileOptions = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) fileOptions.UnixCreateMode = OwnerReadWrite;
        using (var stream = new FileStream(temporary, fileOptions)) stream.Write(content);
        File.Move(temporary, path, overwrite: true);
    }
}
