using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using RdLicensing.Core.Protocol;
using RdLicensing.LicenseServer.Hosting;
using RdLicensing.Rdp.Client;
using RdLicensing.Rdp.Connection;
using RdLicensing.Rdp.Licensing;
using RdLicensing.Rdp.Security;
using RdLicensing.Rdp.Tests.Support;
using RdLicensing.Testing;

namespace RdLicensing.Rdp.Tests.Licensing;

/// <summary>
/// Once its license server certified the endpoint's key, the Server License Request carries the X.509 chain
/// (CERT_CHAIN_VERSION_2) from the license server's identity; before, the proprietary certificate.
/// </summary>
public sealed class LicensingCertificateChainTests
{
    [Fact]
    public async Task The_License_Request_carries_the_chain_from_the_license_servers_identity_and_our_client_licenses_with_it()
    {
        await using var system = await RdpTestSystem.StartAsync(RdpSecurityLayer.Rdp, perDeviceCals: 2);
        var context = system.HostServices.GetRequiredService<RdpServerContext>();

        var request = ServerLicenseRequest.Parse(new LicensingExchange(context).LicenseRequest());
        Assert.True(X509CertificateChain.IsChain(request.ServerCertificate));
        var chain = X509CertificateChain.Parse(request.ServerCertificate);
        Assert.Equal(3, chain.Count);
        using var root = X509CertificateLoader.LoadCertificate(chain[0]);
        using var endpoint = X509CertificateLoader.LoadCertificate(chain[1]);
        using var leaf = X509CertificateLoader.LoadCertificate(chain[2]);
        var identity = system.LicenseServer.Services.GetRequiredService<ServerState>();
        Assert.Equal(identity.Identity.PublicKey, root.PublicKey.ExportSubjectPublicKeyInfo());
        Assert.Contains(identity.ProductId, root.Subject);
        Assert.Equal(root.Subject, endpoint.Issuer);
        Assert.Equal(endpoint.Subject, leaf.Issuer);
        Assert.Equal(context.Key.Algorithm.ExportSubjectPublicKeyInfo(), leaf.PublicKey.ExportSubjectPublicKeyInfo());
        Assert.Null(Core.Identity.EndpointCertificates.Check(chain, identity.Identity.PublicKey, context.Key.Algorithm, system.Clock.GetUtcNow()));

        var result = await new RdpLicensingClient(new RdpClientOptions { Port = system.Port, ClientHostname = "pc-chain", Security = RdpClientSecurity.Rdp }).ConnectAsync();
        Assert.Equal(RdpLicensingOutcome.NewLicense, result.Outcome);
    }

    [Fact]
    public async Task After_the_license_servers_key_rotation_the_host_renews_its_chain_at_the_sync_that_learns_the_old_key_retired()
    {
        var clock = new Core.Time.SimulatedTimeProvider(TimeProvider.System);
        await using var clearinghouse = await TestClearinghouse.StartAsync(clock);
        await using var system = await RdpTestSystem.StartAsync(RdpSecurityLayer.Rdp, clearinghouse: clearinghouse, sharedClock: clock);
        var context = system.HostServices.GetRequiredService<RdpServerContext>();
        var sync = system.HostServices.GetRequiredService<SessionHost.LicenseServers.RevocationSync>();
        byte[] Root() => X509CertificateChain.Parse(ServerLicenseRequest.Parse(new LicensingExchange(context).LicenseRequest()).ServerCertificate)[0];
        byte[] ServerKey() => system.LicenseServer.Services.GetRequiredService<ServerState>().Identity.PublicKey;
        byte[] KeyOf(byte[] certificate)
        {
            using var c = X509CertificateLoader.LoadCertificate(certificate);
            return c.PublicKey.ExportSubjectPublicKeyInfo();
        }

        var oldKey = ServerKey();
        Assert.Equal(oldKey, KeyOf(Root()));
        // Positive control: an hourly sync with nothing retired leaves the chain as it is.
        var chainBefore = system.CertificateChain;
        clock.Advance(TimeSpan.FromMinutes(61));
        Assert.All(await sync.SyncDueAsync(CancellationToken.None), r => Assert.True(r.Synced));
        Assert.Same(chainBefore, system.CertificateChain);

        var rotated = await system.LicenseServer.Admin.PostAsJsonAsync("/api/admin/activation/reactivate", new ReactivationBody("key-compromised", "automatic", "Ada", "Lovelace"));
        Assert.True(rotated.IsSuccessStatusCode, await rotated.Content.ReadAsStringAsync());
        var newKey = ServerKey();
        Assert.NotEqual(oldKey, newKey);
        Assert.Equal(oldKey, KeyOf(Root())); // until the host's sync, the old chain

        // The sync that teaches the host the old key is retired renews the chain before it returns: the new identity is its root.
        clock.Advance(TimeSpan.FromMinutes(61));
        Assert.All(await sync.SyncDueAsync(CancellationToken.None), r => Assert.True(r.Synced));
        Assert.Equal(newKey, KeyOf(Root()));
        Assert.Null(Core.Identity.EndpointCertificates.Check(X509CertificateChain.Parse(system.CertificateChain!), newKey, context.Key.Algorithm, clock.GetUtcNow()));
        var result = await new RdpLicensingClient(new RdpClientOptions { Port = system.Port, ClientHostname = "pc-rotated", Security = RdpClientSecurity.Rdp }).ConnectAsync();
        Assert.Equal(RdpLicensingOutcome.NewLicense, result.Outcome);
    }

    [Fact]
    public async Task Without_a_certified_key_the_License_Request_carries_the_proprietary_certificate()
    {
        await using var system = await RdpTestSystem.StartAsync(RdpSecurityLayer.Rdp, rdp: o => o.X509LicensingCertificate = false);
        var context = system.HostServices.GetRequiredService<RdpServerContext>();
        var request = ServerLicenseRequest.Parse(new LicensingExchange(context).LicenseRequest());
        Assert.False(X509CertificateChain.IsChain(request.ServerCertificate));
        Assert.Equal(context.ProprietaryCertificate, request.ServerCertificate);
        var result = await new RdpLicensingClient(new RdpClientOptions { Port = system.Port, ClientHostname = "pc-prop", Security = RdpClientSecurity.Rdp }).ConnectAsync();
        Assert.Equal(RdpLicensingOutcome.NewLicense, result.Outcome);
    }

    [Fact]
    public async Task Only_an_enrolled_host_gets_its_key_certified_and_only_an_RSA_key()
    {
        await using var system = await RdpTestSystem.StartAsync(RdpSecurityLayer.Rdp, rdp: o => o.X509LicensingCertificate = false);
        var key = system.HostServices.GetRequiredService<RdpServerContext>().Key.Algorithm.ExportSubjectPublicKeyInfo();
        var body = new EndpointCertificateBody(Convert.ToBase64String(key));

        using var anonymous = LoopbackService.Client(system.LicenseServer.BaseAddress, null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/sessionhost/endpoint-certificate", body)).StatusCode);
        using var host = await system.LicenseServer.EnrollHostAsync("rdsh-other");
        using var ec = System.Security.Cryptography.ECDsa.Create();
        var notRsa = await host.PostAsJsonAsync("/api/sessionhost/endpoint-certificate", new EndpointCertificateBody(Convert.ToBase64String(ec.ExportSubjectPublicKeyInfo())));
        Assert.Equal(HttpStatusCode.BadRequest, notRsa.StatusCode);
        Assert.Contains("RSA", await notRsa.Content.ReadAsStringAsync());

        // A host outside the security group, with the policy on, is refused as its CAL requests are.
        (await system.LicenseServer.Admin.PutAsJsonAsync("/api/admin/policies", new PoliciesUpdate(true, null))).EnsureSuccessStatusCode();
        var outside = await host.PostAsJsonAsync("/api/sessionhost/endpoint-certificate", body);
        Assert.Equal(HttpStatusCode.Forbidden, outside.StatusCode);
        Assert.Contains("host-not-in-security-group", await outside.Content.ReadAsStringAsync());
        (await system.LicenseServer.Admin.PutAsJsonAsync("/api/admin/policies", new PoliciesUpdate(false, null))).EnsureSuccessStatusCode();

        // Positive control: the enrolled host's RSA key is certified, in its own name.
        var issued = await host.PostAsJsonAsync("/api/sessionhost/endpoint-certificate", body);
        issued.EnsureSuccessStatusCode();
        var view = (await issued.Content.ReadFromJsonAsync<EndpointCertificateView>())!;
        using var endpoint = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(view.Chain[1]));
        Assert.Contains("rdsh-other", endpoint.Subject);
    }
}
