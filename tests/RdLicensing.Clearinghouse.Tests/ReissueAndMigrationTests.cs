using System.Net.Http.Json;
using RdLicensing.Core.Cals;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using RdLicensing.Testing;
using static RdLicensing.Clearinghouse.Tests.Support;

namespace RdLicensing.Clearinghouse.Tests;

public sealed class ReissueAndMigrationTests
{
    private static async Task<GrantedKeyPack> InstallRetailAsync(TestClearinghouse ch, (string ProductId, string LicenseServerId) server, ProductVersion version, int quantity)
    {
        var code = await ch.IssueRetailCodeAsync(version, CalType.PerDevice, quantity);
        return await (await ch.InstallAsync(new LicenseInstallRequestBody(server.ProductId, server.LicenseServerId, "2025", "retail", LicenseCode: code))).GrantedAsync();
    }

    private static async Task<List<InstallRecordView>> InstallsAsync(TestClearinghouse ch) =>
        (await ch.Admin.GetFromJsonAsync<List<InstallRecordView>>("/api/admin/installs"))!;

    [Fact]
    public async Task Reissue_returns_every_recorded_key_pack_with_the_same_ids()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        var server = await ch.NewActivatedServerAsync();
        var first = await InstallRetailAsync(ch, server, ProductVersion.WindowsServer2022, 10);
        var second = await InstallRetailAsync(ch, server, ProductVersion.WindowsServer2019, 5);
        await InstallRetailAsync(ch, await ch.NewActivatedServerAsync(), ProductVersion.WindowsServer2019, 7);

        var response = await ch.Public.PostAsServerAsync("/api/reissue", new ReissueRequestBody(server.ProductId, server.LicenseServerId));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var reissued = (await response.Content.ReadFromJsonAsync<ReissueResponse>())!.KeyPacks;

        Assert.Equal(new[] { first.KeyPackId, second.KeyPackId }.Order(), reissued.Select(p => p.KeyPackId).Order());
        foreach (var pack in reissued)
            Assert.Equal(pack.KeyPackId, KeyPackVerifier.Verify(pack.KeyPackFile, ch.Certificate(), server.ProductId, ProductVersion.WindowsServer2025, DateTimeOffset.UtcNow).KeyPackId);
    }

    [Fact]
    public async Task Reissue_needs_the_servers_own_license_server_id()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        var server = await ch.NewActivatedServerAsync();
        var other = await ch.NewActivatedServerAsync();
        var response = await ch.Public.PostAsServerAsync("/api/reissue", new ReissueRequestBody(server.ProductId, other.LicenseServerId));
        Assert.Equal(Slug("license-server-id-rejected"), (await response.ProblemAsync(422)).Type);
    }

    [Fact]
    public async Task A_live_migration_by_product_id_moves_the_records_to_new_key_packs_for_the_target()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        var source = await ch.NewActivatedServerAsync();
        var target = await ch.NewActivatedServerAsync();
        var moved = await InstallRetailAsync(ch, source, ProductVersion.WindowsServer2022, 10);
        var stays = await InstallRetailAsync(ch, source, ProductVersion.WindowsServer2019, 4);

        var response = await ch.Public.PostAsJsonAsync("/api/migrations", new MigrationRequestBody(target.ProductId, target.LicenseServerId, "2022",
            source.ProductId, null, [moved.KeyPackId], SourceNoLongerFunctioning: false));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var result = (await response.Content.ReadFromJsonAsync<MigrationResponse>())!;

        var pack = Assert.Single(result.KeyPacks);
        Assert.NotEqual(moved.KeyPackId, pack.KeyPackId);
        var grant = KeyPackVerifier.Verify(pack.KeyPackFile, ch.Certificate(), target.ProductId, ProductVersion.WindowsServer2022, DateTimeOffset.UtcNow);
        Assert.Equal((ProductVersion.WindowsServer2022, 10), (grant.Version, grant.Quantity));
        var installs = await InstallsAsync(ch);
        Assert.Equal("moved", installs.Single(i => i.KeyPackId == moved.KeyPackId).Status);
        Assert.Equal("active", installs.Single(i => i.KeyPackId == stays.KeyPackId).Status);
        Assert.Equal(target.ProductId, installs.Single(i => i.KeyPackId == pack.KeyPackId).ProductId);
        Assert.Contains("10 CAL(s)", result.Message);
    }

    [Fact]
    public async Task A_dead_source_is_named_by_its_license_server_id_and_everything_moves()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        var source = await ch.NewActivatedServerAsync();
        var target = await ch.NewActivatedServerAsync();
        await InstallRetailAsync(ch, source, ProductVersion.WindowsServer2022, 10);
        await InstallRetailAsync(ch, source, ProductVersion.WindowsServer2019, 4);

        var response = await ch.Public.PostAsJsonAsync("/api/migrations", new MigrationRequestBody(target.ProductId, target.LicenseServerId, "2025",
            null, source.LicenseServerId.Replace("-", " "), null, SourceNoLongerFunctioning: true));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var result = (await response.Content.ReadFromJsonAsync<MigrationResponse>())!;

        Assert.Equal(2, result.KeyPacks.Count);
        var installs = await InstallsAsync(ch);
        Assert.All(installs.Where(i => i.ProductId == source.ProductId), i => Assert.Equal("moved", i.Status));
        Assert.Equal(2, installs.Count(i => i.ProductId == target.ProductId && i.Status == "active"));

        var nothingLeft = await ch.Public.PostAsJsonAsync("/api/migrations", new MigrationRequestBody(target.ProductId, target.LicenseServerId, "2025",
            source.ProductId, null, null, SourceNoLongerFunctioning: true));
        Assert.Equal(Slug("nothing-to-migrate"), (await nothingLeft.ProblemAsync(404)).Type);
    }

    [Fact]
    public async Task A_migration_to_a_server_too_old_for_a_pack_moves_nothing()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        var source = await ch.NewActivatedServerAsync();
        var target = await ch.NewActivatedServerAsync();
        await InstallRetailAsync(ch, source, ProductVersion.WindowsServer2019, 4);
        await InstallRetailAsync(ch, source, ProductVersion.WindowsServer2025, 10);

        var response = await ch.Public.PostAsJsonAsync("/api/migrations", new MigrationRequestBody(target.ProductId, target.LicenseServerId, "2022",
            source.ProductId, null, null, SourceNoLongerFunctioning: false));

        Assert.Equal(Slug("version-not-hostable"), (await response.ProblemAsync(422)).Type);
        Assert.All(await InstallsAsync(ch), i => Assert.Equal((source.ProductId, "active"), (i.ProductId, i.Status)));
    }

    [Fact]
    public async Task A_source_with_nothing_recorded_is_not_found()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        var target = await ch.NewActivatedServerAsync();
        var response = await ch.Public.PostAsJsonAsync("/api/migrations", new MigrationRequestBody(target.ProductId, target.LicenseServerId, "2025",
            NewProductId(), null, null, SourceNoLongerFunctioning: false));
        Assert.Equal(404, (await response.ProblemAsync(404)).Status);
    }
}
