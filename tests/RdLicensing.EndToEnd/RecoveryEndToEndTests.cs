using System.Net.Http.Json;
using RdLicensing.Core.Cals;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using RdLicensing.Testing;

namespace RdLicensing.EndToEnd;

/// <summary>Rebuild with reissue, and backup/restore on the same server and onto another identity.</summary>
public sealed class RecoveryEndToEndTests : IDisposable
{
    private readonly TempDirectory _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task Rebuild_deletes_everything_then_the_clearinghouse_reissues_the_same_packs_with_full_counts()
    {
        await using var deployment = await Deployment.StartAsync();
        var server = await Deployment.ActivateAsync(await deployment.AddServerAsync());
        var retail = await deployment.InstallRetailAsync(server, ProductVersion.WindowsServer2025, CalType.PerDevice, 5);
        var agreement = await deployment.InstallAgreementAsync(server, LicenseProgram.EnterpriseAgreement, ProductVersion.WindowsServer2022, CalType.PerUser, 30);
        var host = await ActivationEndToEndTests.HostAsync(server, "2022");
        await host.ConnectAsync("hw-1");
        await host.SignInAsync("hw-1");
        await host.ConnectAsync("hw-1");
        await host.ConnectUserAsync("alice");
        Assert.All(await Deployment.KeyPacksAsync(server), p => Assert.Equal(1, p.Issued));

        var output = await Rdlic.OkAsync(server, "server", "rebuild-database", "--yes");

        Assert.StartsWith("Deleted 2 key pack(s) and 3 issued CAL record(s). The clearinghouse reissued 2 key pack(s); 35 license(s) are installed again.", output);
        var packs = await Deployment.KeyPacksAsync(server);
        Assert.Equal(new[] { retail.KeyPack.Id, agreement.KeyPack.Id }.Order(), packs.Select(p => p.Id).Order());
        Assert.All(packs, p => Assert.Equal((p.Total, 0), (p.Available, p.Issued)));
        Assert.Equal(0, (await server.Admin.GetFromJsonAsync<CalPage>("/api/admin/cals"))!.Total);
        Assert.Single((await server.Admin.GetFromJsonAsync<EventView[]>("/api/admin/events?eventId=5071"))!);
        Assert.Equal("temporary-issued", (await host.ConnectAsync("hw-1")).Outcome);
    }

    [Fact]
    public async Task A_backup_restored_on_the_same_server_brings_back_its_identity_activation_and_unissued_licenses()
    {
        await using var deployment = await Deployment.StartAsync();
        var data = _files.File("server");
        var backup = _files.File("backup.db");
        var server = await Deployment.ActivateAsync(await deployment.AddServerAsync(dataDirectory: data));
        var installed = await deployment.InstallRetailAsync(server, ProductVersion.WindowsServer2025, CalType.PerUser, 8);
        var host = await ActivationEndToEndTests.HostAsync(server);
        await host.ConnectUserAsync("alice");
        await Rdlic.OkAsync(server, "server", "backup", "--out", backup);
        var productId = server.ProductId;
        await host.ConnectUserAsync("bob");
        await deployment.StopAsync(server); // the data directory goes with it: the server is lost
        Assert.False(Directory.Exists(data));

        var restored = await Rdlic.RunAsync("server", "restore", "--file", backup, "--data-dir", data, "--keep-identity");

        Assert.True(restored.ExitCode == 0, restored.ToString());
        Assert.Contains("1 key pack(s) installed, 7 license(s) available.", restored.Stdout);
        var again = await deployment.AddServerAsync(dataDirectory: data);
        Assert.Equal(productId, again.ProductId);
        Assert.Equal("activated", (await Deployment.StatusAsync(again)).Activation.Status);
        var pack = Assert.Single(await Deployment.KeyPacksAsync(again));
        Assert.Equal((installed.KeyPack.Id, 1, 7), (pack.Id, pack.Issued, pack.Available));
        // Still the server the clearinghouse knows, but a new installation of it (every restore is): the clearinghouse asks
        // which copy is the server; reactivating as redeployed says this one is, and Install Licenses then works.
        var refused = await Rdlic.FailsAsync(again, 1, "licenses", "install", "--program", "retail",
            "--code", await deployment.Clearinghouse.IssueRetailCodeAsync(ProductVersion.WindowsServer2022, CalType.PerDevice, 2));
        Assert.Contains("reactivate it with reason 'redeployed' here", refused);
        await Rdlic.OkAsync(again, "server", "reactivate", "--reason", "redeployed", "--method", "automatic");
        await deployment.InstallRetailAsync(again, ProductVersion.WindowsServer2022, CalType.PerDevice, 2);
    }

    [Fact]
    public async Task A_backup_restored_onto_another_identity_drops_the_old_servers_packs_and_migration_brings_them_over()
    {
        await using var deployment = await Deployment.StartAsync();
        var backup = _files.File("backup.db");
        var old = await Deployment.ActivateAsync(await deployment.AddServerAsync(ProductVersion.WindowsServer2022));
        var code = await deployment.Clearinghouse.IssueRetailCodeAsync(ProductVersion.WindowsServer2022, CalType.PerDevice, 6);
        await Rdlic.OkAsync(old, "licenses", "install", "--program", "retail", "--code", code);
        await Rdlic.OkAsync(old, "server", "backup", "--out", backup);
        var oldId = (await Deployment.StatusAsync(old)).Activation.LicenseServerId!;
        await deployment.StopAsync(old);

        var data = _files.File("replacement");
        var replacement = await Deployment.ActivateAsync(await deployment.AddServerAsync(ProductVersion.WindowsServer2022, dataDirectory: data));
        var productId = replacement.ProductId;
        replacement.KeepDataDirectory = true;
        await deployment.StopAsync(replacement);
        var restored = await Rdlic.RunAsync("server", "restore", "--file", backup, "--data-dir", data);

        Assert.True(restored.ExitCode == 0, restored.ToString());
        Assert.Contains("Removed 1 key pack(s) (6 license(s), 0 issued CAL(s))", restored.Stdout);
        Assert.Contains("the clearinghouse must reissue them", restored.Stdout);
        replacement = await deployment.AddServerAsync(ProductVersion.WindowsServer2022, dataDirectory: data);
        Assert.Equal(productId, replacement.ProductId);
        Assert.Empty(await Deployment.KeyPacksAsync(replacement));

        var migrated = await Rdlic.OkAsync(replacement, "licenses", "migrate", "--source-license-server-id", oldId, "--source-version", "2022", "--confirm-removed",
            "--program", "retail", "--code", code);

        Assert.Contains("1 key pack(s) with 6 CAL(s) migrated", migrated);
        Assert.Equal(6, Assert.Single(await Deployment.KeyPacksAsync(replacement)).Available);
    }
}
