using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Time;
using RdLicensing.Core.Versions;
using RdLicensing.SessionHost.LicenseServers;
using RdLicensing.SessionHost.Tests.Support;

namespace RdLicensing.SessionHost.Tests;

/// <summary>
/// Issue 11 item 7, the host's side: after a key rotation ("key-compromised"), the host's hourly sync asks the license server for its
/// key and the keys it retired, not only at the first CAL it cannot verify. From then on a CAL signed by the retired key is no longer
/// accepted by the host alone (the license server signs it again), and CALs of the new key are.
/// </summary>
public sealed class RetiredKeySyncTests
{
    private static async Task<HostEnrollmentView> EnrollmentAsync(TestSessionHost host) =>
        Assert.Single((await host.Admin.GetFromJsonAsync<List<HostEnrollmentView>>("/api/enrollments"))!);

    private static string PublicKeyOf(TestLicenseServer server) =>
        Convert.ToBase64String(server.Services.GetRequiredService<LicenseServer.Hosting.ServerState>().Identity.Key.ExportSubjectPublicKeyInfo());

    [Fact]
    public async Task One_hourly_sync_after_a_key_rotation_teaches_the_host_the_retired_key_and_the_new_one()
    {
        var clock = new SimulatedTimeProvider(TimeProvider.System);
        await using var clearinghouse = await TestClearinghouse.StartAsync(clock);
        var server = await TestLicenseServer.StartAsync(ProductVersion.WindowsServer2025, clearinghouse: clearinghouse, sharedClock: clock, validity: new FixedValidity(60));
        var serverRunning = true;
        try
        {
            var activated = await server.Admin.PostAsJsonAsync("/api/admin/activation/automatic",
                new AutomaticActivationBody(new CompanyInformation("Ada", "Lovelace", "Contoso", "United Kingdom", Email: "ada@contoso.example")));
            Assert.True(activated.IsSuccessStatusCode, await activated.Content.ReadAsStringAsync());
            var code = await clearinghouse.IssueRetailCodeAsync(ProductVersion.WindowsServer2025, CalType.PerDevice, 5);
            (await server.Admin.PostAsJsonAsync("/api/admin/licenses", new LicenseInstallBody("retail", code))).EnsureSuccessStatusCode();
            await using var host = await TestSessionHost.StartAsync(clock, "rdsh-rot");
            await host.UseAsync("per-device", server);
            var resigned = new Device("pc-71");
            var kept = new Device("pc-72");
            foreach (var device in new[] { resigned, kept })
            {
                await device.ConnectAsync(host);
                Assert.False((await device.ConnectAsync(host)).Cal!.Temporary);
            }
            var oldKey = PublicKeyOf(server);
            var before = await EnrollmentAsync(host);
            Assert.Equal(oldKey, before.PublicKey);
            Assert.Empty(before.RetiredKeys!);

            await Rdlic.OkAsync(server, "server", "reactivate", "--reason", "key-compromised", "--method", "automatic");
            var newKey = PublicKeyOf(server);
            Assert.NotEqual(oldKey, newKey);
            Assert.Equal(oldKey, (await EnrollmentAsync(host)).PublicKey); // the documented window: until its sync, the host knows the old key

            // One hourly sync, by the shared simulated clock: no CAL needed to learn the rotation.
            clock.Advance(TimeSpan.FromMinutes(61));
            var synced = await host.Services.GetRequiredService<RevocationSync>().SyncDueAsync(CancellationToken.None);
            Assert.True(Assert.Single(synced).Synced, "the list signed by the new key verifies");

            var after = await EnrollmentAsync(host);
            Assert.Equal(newKey, after.PublicKey);
            var retired = Assert.Single(after.RetiredKeys!);
            Assert.Equal((oldKey, "key-compromised"), (retired.PublicKey, retired.Reason));
            Assert.Contains("retired its key", Assert.Single(await host.EventsAsync(5024)).Message);

            // A CAL signed by the retired key is no longer taken by the host alone: the license server is asked, and signs it again.
            var again = await resigned.ConnectAsync(host);
            Assert.Equal(("licensed", "license-server"), (again.Outcome, again.Cal!.Source));
            using (var verifier = CalTokenVerifier.FromSubjectPublicKeyInfo(Convert.FromBase64String(newKey), server.ProductId))
                Assert.Equal(server.ProductId, verifier.Verify(Convert.FromBase64String(resigned.License!)).LicenseServerProductId);

            // With the license server down: the re-signed CAL is accepted offline (positive control), the one still signed by the
            // retired key is not.
            await server.DisposeAsync();
            serverRunning = false;
            var offline = await resigned.ConnectAsync(host);
            Assert.Equal(("licensed", "presented"), (offline.Outcome, offline.Cal!.Source));
            var oldCal = await kept.ConnectAsync(host);
            Assert.NotEqual("presented", oldCal.Cal?.Source);
            Assert.NotEqual("licensed", oldCal.Outcome);
        }
        finally
        {
            if (serverRunning) await server.DisposeAsync();
        }
    }
}
