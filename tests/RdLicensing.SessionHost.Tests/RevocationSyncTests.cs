using System.Net.Http.Json;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using RdLicensing.SessionHost.LicenseServers;
using RdLicensing.SessionHost.Tests.Support;

namespace RdLicensing.SessionHost.Tests;

/// <summary>
/// Issue 11 item 9: a revoked CAL stops working at the session hosts. The license server publishes a signed revocation list
/// (X.509 CRL); hosts pull it at enrollment and start, when it is due (hourly) and when a CAL answer announces a newer one.
/// </summary>
public sealed class RevocationSyncTests
{
    private static async Task<long> CalIdAsync(TestLicenseServer server, string device)
    {
        var page = (await server.Admin.GetFromJsonAsync<CalPage>($"/api/admin/cals?device={Device.HardwareIdOf(device)}&status=active"))!;
        return Assert.Single(page.Items).Id;
    }

    /// <summary>How many devices a host let in on a permanent CAL: the invariant counts these.</summary>
    private static int PermanentlyLicensed(IEnumerable<ConnectionView> connections) =>
        connections.Count(c => c.Outcome == "licensed" && c.Cal is { Temporary: false });

    [Fact]
    public async Task Six_devices_on_five_licenses_no_more_once_the_host_has_synced_and_unrevoked_CALs_still_work_offline()
    {
        await using var s = await Scenario.StartAsync(permanentDays: 60);
        await s.WithCalsAsync(CalType.PerDevice, ProductVersion.WindowsServer2022, 5);
        await s.Host.UseAsync("per-device", s.Server);
        await using var other = await TestSessionHost.StartAsync(s.Clock, "rdsh-02");
        await other.UseAsync("per-device", s.Server);
        var devices = Enumerable.Range(1, 6).Select(i => new Device($"pc-9{i}")).ToList();
        foreach (var device in devices.Take(5))
        {
            await device.ConnectAsync(s.Host);
            Assert.False((await device.ConnectAsync(s.Host)).Cal!.Temporary);
        }

        // pc-91's CAL is revoked; its license goes to pc-96 through rdsh-01, whose CAL answers announce the new list.
        Assert.Contains("Revoked", await Rdlic.OkAsync(s.Server, "cals", "revoke", (await CalIdAsync(s.Server, "pc-91")).ToString()));
        await devices[5].ConnectAsync(s.Host);
        Assert.False((await devices[5].ConnectAsync(s.Host)).Cal!.Temporary);
        Assert.Contains(await s.Host.EventsAsync(5072), e => e.Message.StartsWith("Revocation list 1 ")); // announced with a CAL answer, fetched, verified

        // rdsh-02 has not synced yet: within the hour it still takes the revoked CAL offline (the documented window).
        var beforeSync = await devices[0].ConnectAsync(other);
        Assert.Equal("presented", beforeSync.Cal!.Source);

        // Its hourly sync (by the shared simulated clock) brings the list; from the next connection the revoked CAL is absent.
        await s.AdvanceAsync("61m");
        var synced = await other.Services.GetRequiredService<RevocationSync>().SyncDueAsync(CancellationToken.None);
        Assert.True(Assert.Single(synced).Synced);
        var connections = new List<ConnectionView>();
        foreach (var device in devices) connections.Add(await device.ConnectAsync(other));
        var revoked = connections[0];
        Assert.Equal("licensed", revoked.Outcome);
        Assert.True(revoked.Cal!.Temporary, "the revoked device is decided as one without a CAL: a temporary CAL at most");
        Assert.Contains(revoked.Notes, n => n.Contains("was revoked"));
        Assert.Single(await other.EventsAsync(5074));
        // The invariant, on both hosts: devices let in on a permanent CAL ≤ licenses installed.
        Assert.Equal(5, PermanentlyLicensed(connections));
        var onFirst = new List<ConnectionView>();
        foreach (var device in devices) onFirst.Add(await device.ConnectAsync(s.Host));
        Assert.Equal(5, PermanentlyLicensed(onFirst));

        // Positive control: with the license server down, the unrevoked CALs are still accepted by the host alone.
        await s.StopAsync(s.Server);
        var offline = await devices[1].ConnectAsync(other);
        Assert.Equal("licensed", offline.Outcome);
        Assert.Equal("presented", offline.Cal!.Source);
        Assert.False(offline.Cal.Temporary);
    }

    [Fact]
    public async Task A_forged_or_replayed_revocation_list_is_refused_and_the_list_held_is_kept()
    {
        await using var s = await Scenario.StartAsync(permanentDays: 60);
        await s.WithCalsAsync(CalType.PerDevice, ProductVersion.WindowsServer2022, 5);
        await s.Host.UseAsync("per-device", s.Server);
        var device = new Device("pc-97");
        await device.ConnectAsync(s.Host);
        await device.ConnectAsync(s.Host);
        await Rdlic.OkAsync(s.Server, "cals", "revoke", (await CalIdAsync(s.Server, "pc-97")).ToString());
        var lists = s.Host.Services.GetRequiredService<RevocationLists>();
        Assert.True((await lists.SyncAsync(TestSessionHost.Url(s.Server), CancellationToken.None)).Synced);

        // A list that names the license server but is signed with another key, and an older genuine list, served elsewhere.
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var forged = new CertificateRevocationListBuilder().Build(RevocationList.IssuerName(s.Server.ProductId), X509SignatureGenerator.CreateForECDsa(otherKey),
            new BigInteger(99), s.Clock.GetUtcNow().AddHours(1), HashAlgorithmName.SHA256,
            X509AuthorityKeyIdentifierExtension.CreateFromSubjectKeyIdentifier(new byte[20]), s.Clock.GetUtcNow());
        await using var stub = await StubLicenseServer.StartAsync(forged);
        await s.Host.Store.WriteAsync(w => w.SetTokenAsync(stub.Url, "rdlh_stub", s.Clock.GetUtcNow()));

        var refused = await lists.SyncAsync(stub.Url, CancellationToken.None);
        Assert.False(refused.Synced);
        Assert.Contains("not signed by this license server", refused.Problem);
        Assert.Contains("was refused", Assert.Single(await s.Host.EventsAsync(5073)).Message);

        var server = s.Server.Services.GetRequiredService<LicenseServer.Hosting.ServerState>();
        stub.List = RevocationList.Build(server.Identity, 0, [], s.Clock.GetUtcNow(), s.Clock.GetUtcNow().AddHours(1));
        var replayed = await lists.SyncAsync(stub.Url, CancellationToken.None);
        Assert.False(replayed.Synced);
        Assert.Contains("older than the list 1", replayed.Problem);

        // The list held still revokes the CAL (positive control: the genuine list was taken and is kept).
        var connection = await device.ConnectAsync(s.Host);
        Assert.True(connection.Cal!.Temporary);
        Assert.Contains(connection.Notes, n => n.Contains("was revoked"));
    }

    [Fact]
    public async Task The_license_server_records_each_hosts_sync_and_status_warns_when_one_is_stale()
    {
        await using var s = await Scenario.StartAsync();
        await s.WithCalsAsync(CalType.PerDevice, ProductVersion.WindowsServer2022, 5);
        await s.Host.UseAsync("per-device", s.Server); // enrollment fetches the list

        var fresh = await Rdlic.OkAsync(s.Server, "server", "status");
        Assert.Contains("rdsh-01", fresh);
        Assert.Contains("revocation list 0", fresh);
        Assert.DoesNotContain("not synced", fresh);

        await s.AdvanceAsync("3h");
        var stale = await Rdlic.OkAsync(s.Server, "server", "status");
        Assert.Contains("rdsh-01", stale);
        Assert.Contains("not synced", stale);

        var diagnosis = await s.Host.DiagnoseAsync();
        Assert.Contains(diagnosis.Problems, p => p.Id == "revocation-list-not-synced");
        await s.Host.Services.GetRequiredService<RevocationSync>().SyncDueAsync(CancellationToken.None);
        Assert.DoesNotContain("not synced", await Rdlic.OkAsync(s.Server, "server", "status"));
        Assert.DoesNotContain((await s.Host.DiagnoseAsync()).Problems, p => p.Id == "revocation-list-not-synced");
    }
}
