using System.Security.Cryptography;
using RdLicensing.Core.Identity;

namespace RdLicensing.Core.Tests;

public sealed class EndpointCertificatesTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_chain_issued_by_the_license_server_and_completed_by_the_endpoint_checks()
    {
        using var server = LicenseServerIdentity.Create();
        using var endpointKey = RSA.Create(1024);
        var (root, endpoint) = EndpointCertificates.Issue(server, endpointKey.ExportSubjectPublicKeyInfo(), "rdsh-01", Now);
        var chain = new List<byte[]> { root, endpoint, EndpointCertificates.Leaf(endpoint, endpointKey, "rdsh-01", Now) };

        Assert.Null(EndpointCertificates.Check(chain, server.PublicKey, endpointKey, Now));

        // Another license server's chain, though well formed, is not the one this host learned.
        using var other = LicenseServerIdentity.Create();
        var (otherRoot, otherEndpoint) = EndpointCertificates.Issue(other, endpointKey.ExportSubjectPublicKeyInfo(), "rdsh-01", Now);
        var foreign = new List<byte[]> { otherRoot, otherEndpoint, EndpointCertificates.Leaf(otherEndpoint, endpointKey, "rdsh-01", Now) };
        Assert.Contains("does not carry the key this host learned", EndpointCertificates.Check(foreign, server.PublicKey, endpointKey, Now));
        // A certificate swapped in from another chain is not signed by the one before it.
        Assert.Contains("is not signed by certificate 1", EndpointCertificates.Check([root, otherEndpoint, chain[2]], server.PublicKey, endpointKey, Now));
        // A leaf for a key the endpoint does not hold.
        using var stranger = RSA.Create(1024);
        Assert.Contains("endpoint's RSA key", EndpointCertificates.Check(chain, server.PublicKey, stranger, Now));
        Assert.Contains("expired", EndpointCertificates.Check(chain, server.PublicKey, endpointKey, Now.AddYears(2)));
    }

    [Fact]
    public void Only_an_RSA_key_an_RDP_client_can_use_is_certified()
    {
        using var server = LicenseServerIdentity.Create();
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Assert.Throws<ArgumentException>(() => EndpointCertificates.Issue(server, ec.ExportSubjectPublicKeyInfo(), "rdsh-01", Now));
        using var small = RSA.Create(512);
        Assert.Contains("512 bits", Assert.Throws<ArgumentException>(() => EndpointCertificates.Issue(server, small.ExportSubjectPublicKeyInfo(), "rdsh-01", Now)).Message);
        Assert.Throws<ArgumentException>(() => EndpointCertificates.Issue(server, [1, 2, 3], "rdsh-01", Now));
    }
}
