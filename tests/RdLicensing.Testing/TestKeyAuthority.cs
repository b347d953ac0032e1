using RdLicensing.Core.Codes;
using RdLicensing.Core.Cals;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Signing;
using RdLicensing.Core.Versions;

namespace RdLicensing.Testing;

/// <summary>
/// Stands in for the clearinghouse until it exists: a real ECDSA P-256 key authority that signs key packs
/// and activation certificates exactly as the clearinghouse will.
/// </summary>
public sealed class TestKeyAuthority : IDisposable
{
    public TestKeyAuthority(string name = "Test Clearinghouse")
    {
        Authority = KeyAuthority.Create(name, DateTimeOffset.UtcNow.AddYears(-1));
    }

    public KeyAuthority Authority { get; }

    public string CertificatePem => Authority.Certificate.ToPem();

    /// <summary>Writes the trusted certificate where a license server can be pointed at it.</summary>
    public string WriteCertificate(string directory)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "clearinghouse.pem");
        File.WriteAllText(path, CertificatePem);
        return path;
    }

    public string SignKeyPack(string productId, ProductVersion version, CalType type, int quantity,
        LicenseProgram program = LicenseProgram.Retail, DateTimeOffset? expiresAt = null, Guid? id = null, string description = "Test key pack")
    {
        var grant = new KeyPackGrant(id ?? Guid.NewGuid(), program, "TEST-" + Guid.NewGuid().ToString("N")[..8], version, type, quantity,
            expiresAt, description, productId, DateTimeOffset.UtcNow);
        return Authority.SignDocument(KeyPackGrant.Schema, grant.ToFields()).ToJson();
    }

    /// <summary>A License Server ID for the Product ID, as the clearinghouse issues at activation.</summary>
    public string IssueLicenseServerId(string productId, DateTimeOffset expiresAt, uint serial = 1) =>
        LicenseServerIdCode.Issue(Authority, productId, serial, DateTimeOffset.UtcNow, expiresAt);

    /// <summary>The clearinghouse's confirmation of a web or telephone deactivation, for the server's deactivation request code.</summary>
    public string ConfirmDeactivation(string productId, string requestCode) =>
        DeactivationConfirmationCode.Issue(Authority, productId, Core.Proof.ServerRequestCode.Read(requestCode).Nonce, DateTimeOffset.UtcNow);

    public void Dispose() => Authority.Dispose();
}
