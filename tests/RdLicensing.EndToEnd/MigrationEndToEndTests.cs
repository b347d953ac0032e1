using System.Net.Http.Json;
using RdLicensing.Core.Cals;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;

namespace RdLicensing.EndToEnd;

/// <summary>Migrating CALs from a running source and from one that no longer functions.</summary>
public sealed class MigrationEndToEndTests
{
    [Fact]
    public async Task From_a_running_source_the_packs_leave_it_with_event_89_and_arrive_on_the_target()
    {
        await using var deployment = await Deployment.StartAsync();
        var source = await Deployment.ActivateAsync(await deployment.AddServerAsync(ProductVersion.WindowsServer2019));
        var moving = await deployment.InstallRetailAsync(source, ProductVersion.WindowsServer2019, CalType.PerUser, 10);
        var staying = await deployment.InstallAgreementAsync(source, LicenseProgram.Select, ProductVersion.WindowsServer2016, CalType.PerDevice, 4);
        var host = await ActivationEndToEndTests.HostAsync(source, "2019");
        await host.ConnectUserAsync("alice");
        var target = await Deployment.ActivateAsync(await deployment.AddServerAsync(ProductVersion.WindowsServer2022));

        var output = await Rdlic.OkAsync(target, "licenses", "migrate", "--from", source.BaseAddress.ToString(), "--from-token", source.AdminToken,
            "--key-pack", moving.KeyPack.Id.ToString());

        Assert.Contains($"1 key pack(s) with 10 CAL(s) migrated from {source.ProductId}", output);
        var arrived = Assert.Single(await Deployment.KeyPacksAsync(target));
        Assert.Equal(("retail", "2019", "per-user", 10, 10), (arrived.Program, arrived.Version, arrived.Type, arrived.Total, arrived.Available));
        Assert.Equal(staying.KeyPack.Id, Assert.Single(await Deployment.KeyPacksAsync(source)).Id);
        var removed = Assert.Single((await source.Admin.GetFromJsonAsync<EventView[]>("/api/admin/events?eventId=89"))!);
        Assert.Contains($"migration to license server {target.ProductId}", removed.Message);
        Assert.Contains("1 issued CAL(s)", removed.Message);
        Assert.Equal(0, (await source.Admin.GetFromJsonAsync<CalPage>("/api/admin/cals?type=per-user"))!.Total);
    }

    [Fact]
    public async Task From_a_running_source_every_pack_moves_when_none_is_named()
    {
        await using var deployment = await Deployment.StartAsync();
        var source = await Deployment.ActivateAsync(await deployment.AddServerAsync());
        await deployment.InstallRetailAsync(source, ProductVersion.WindowsServer2025, CalType.PerUser, 3);
        await deployment.InstallRetailAsync(source, ProductVersion.WindowsServer2022, CalType.PerDevice, 2);
        var target = await Deployment.ActivateAsync(await deployment.AddServerAsync());

        var response = await target.Admin.PostAsJsonAsync("/api/admin/licenses/migrate", new MigrationBody(SourceUrl: source.BaseAddress.ToString(), SourceToken: source.AdminToken));

        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var result = (await response.Content.ReadFromJsonAsync<MigrationResult>())!;
        Assert.Equal(2, result.RemovedFromSource.Count);
        Assert.Equal(5, result.Installed.Sum(p => p.Total));
        Assert.Empty(await Deployment.KeyPacksAsync(source));
        Assert.Equal(2, (await Deployment.KeyPacksAsync(target)).Length);
    }

    [Fact]
    public async Task From_a_source_that_no_longer_functions_by_its_license_server_id()
    {
        await using var deployment = await Deployment.StartAsync();
        var source = await Deployment.ActivateAsync(await deployment.AddServerAsync(ProductVersion.WindowsServer2019));
        await deployment.InstallRetailAsync(source, ProductVersion.WindowsServer2019, CalType.PerDevice, 9);
        var sourceId = (await Deployment.StatusAsync(source)).Activation.LicenseServerId!;
        await deployment.StopAsync(source);
        var target = await Deployment.ActivateAsync(await deployment.AddServerAsync(ProductVersion.WindowsServer2022));

        var output = await Rdlic.OkAsync(target, "licenses", "migrate", "--source-license-server-id", sourceId.ToLowerInvariant(), "--source-version", "2019", "--confirm-removed");

        Assert.Contains("1 key pack(s) with 9 CAL(s) migrated", output);
        Assert.Equal(9, Assert.Single(await Deployment.KeyPacksAsync(target)).Available);
        // The clearinghouse moved them: asking again finds nothing left to move.
        Assert.Contains("nothing was moved", await Rdlic.FailsAsync(target, 1, "licenses", "migrate", "--source-license-server-id", sourceId,
            "--source-version", "2019", "--confirm-removed"));
    }

    [Fact]
    public async Task Versions_the_target_cannot_host_are_refused_before_anything_moves()
    {
        await using var deployment = await Deployment.StartAsync();
        var source = await Deployment.ActivateAsync(await deployment.AddServerAsync(ProductVersion.WindowsServer2025));
        await deployment.InstallRetailAsync(source, ProductVersion.WindowsServer2025, CalType.PerDevice, 2);
        var sourceId = (await Deployment.StatusAsync(source)).Activation.LicenseServerId!;
        var target = await Deployment.ActivateAsync(await deployment.AddServerAsync(ProductVersion.WindowsServer2022));

        var live = await Rdlic.FailsAsync(target, 1, "licenses", "migrate", "--from", source.BaseAddress.ToString(), "--from-token", source.AdminToken);
        var dead = await Rdlic.FailsAsync(target, 1, "licenses", "migrate", "--source-license-server-id", sourceId, "--source-version", "2025", "--confirm-removed");

        Assert.Contains("Nothing was moved", live);
        Assert.Contains("Windows Server 2025", dead);
        Assert.Single(await Deployment.KeyPacksAsync(source));
        Assert.Empty(await Deployment.KeyPacksAsync(target));
    }
}
