using System.Net.Http.Json;
using RdLicensing.Core.Cals;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using RdLicensing.Testing;
using static RdLicensing.Clearinghouse.Tests.Support;

namespace RdLicensing.Clearinghouse.Tests;

/// <summary>POST /api/conversions — Convert Licenses against the clearinghouse's own record of the grant.</summary>
public sealed class ConversionTests
{
    private static async Task<GrantedKeyPack> InstallRetailAsync(TestClearinghouse ch, (string ProductId, string LicenseServerId) server, ProductVersion version,
        CalType type, int quantity)
    {
        var code = await ch.IssueRetailCodeAsync(version, type, quantity);
        return await (await ch.InstallAsync(new LicenseInstallRequestBody(server.ProductId, server.LicenseServerId, "2025", "retail", LicenseCode: code))).GrantedAsync();
    }

    private static Task<HttpResponseMessage> ConvertAsync(TestClearinghouse ch, (string ProductId, string LicenseServerId) server, Guid? keyPackId, int? quantity) =>
        ch.Public.PostAsServerAsync("/api/conversions", new ConversionRequestBody(server.ProductId, server.LicenseServerId, keyPackId, quantity));

    private static async Task<ConversionResponse> ConvertedAsync(HttpResponseMessage response)
    {
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<ConversionResponse>())!;
    }

    private static async Task<List<InstallRecordView>> InstallsAsync(TestClearinghouse ch) =>
        (await ch.Admin.GetFromJsonAsync<List<InstallRecordView>>("/api/admin/installs"))!;

    private static async Task<List<GrantedKeyPack>> ReissueAsync(TestClearinghouse ch, (string ProductId, string LicenseServerId) server)
    {
        var response = await ch.Public.PostAsServerAsync("/api/reissue", new ReissueRequestBody(server.ProductId, server.LicenseServerId));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return [.. (await response.Content.ReadFromJsonAsync<ReissueResponse>())!.KeyPacks];
    }

    private static KeyPackGrant Verify(TestClearinghouse ch, string productId, string file) =>
        KeyPackVerifier.Verify(file, ch.Certificate(), productId, ProductVersion.WindowsServer2025, DateTimeOffset.UtcNow);

    [Fact]
    public async Task Converting_part_of_a_pack_signs_the_source_again_reduced_and_a_new_pack_of_the_other_type_and_reissue_gives_back_both()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        var server = await ch.NewActivatedServerAsync();
        var pack = await InstallRetailAsync(ch, server, ProductVersion.WindowsServer2022, CalType.PerDevice, 25);

        var answer = await ConvertedAsync(await ConvertAsync(ch, server, pack.KeyPackId, 10));

        Assert.Equal((pack.KeyPackId, "per-device", "per-user", 10), (answer.SourceKeyPackId, answer.FromCalType, answer.ToCalType, answer.Quantity));
        var remaining = Verify(ch, server.ProductId, answer.Remaining!.KeyPackFile);
        Assert.Equal((pack.KeyPackId, CalType.PerDevice, ProductVersion.WindowsServer2022, 15), (remaining.KeyPackId, remaining.Type, remaining.Version, remaining.Quantity));
        var converted = Verify(ch, server.ProductId, answer.Converted.KeyPackFile);
        Assert.NotEqual(pack.KeyPackId, converted.KeyPackId);
        Assert.Equal((CalType.PerUser, ProductVersion.WindowsServer2022, 10, LicenseProgram.Retail), (converted.Type, converted.Version, converted.Quantity, converted.Program));
        Assert.Contains("converted from RDS Per Device CALs", converted.Description);
        Assert.Contains("Converted 10 Windows Server 2022 RDS Per Device CALs", answer.Message);

        var installs = await InstallsAsync(ch);
        Assert.Equal((15, "per-device", "active"), installs.Where(i => i.KeyPackId == pack.KeyPackId).Select(i => (i.Quantity, i.CalType, i.Status)).Single());
        Assert.Equal((10, "per-user", "active"), installs.Where(i => i.KeyPackId == converted.KeyPackId).Select(i => (i.Quantity, i.CalType, i.Status)).Single());
        var record = Assert.Single((await ch.Admin.GetFromJsonAsync<List<ConversionRecordView>>("/api/admin/conversions"))!);
        Assert.Equal((pack.KeyPackId, converted.KeyPackId, server.ProductId, "2022", "per-device", "per-user", 10, 25),
            (record.SourceKeyPackId, record.ConvertedKeyPackId, record.ProductId, record.Version, record.FromCalType, record.ToCalType, record.Quantity, record.SourceQuantityBefore));

        var reissued = (await ReissueAsync(ch, server)).Select(p => Verify(ch, server.ProductId, p.KeyPackFile)).OrderBy(g => g.Type).ToList();
        Assert.Equal([(pack.KeyPackId, CalType.PerDevice, 15), (converted.KeyPackId, CalType.PerUser, 10)],
            reissued.Select(g => (g.KeyPackId, g.Type, g.Quantity)).ToList());
    }

    [Fact]
    public async Task Converting_a_whole_pack_retires_it_and_only_the_converted_pack_is_reissued()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        var server = await ch.NewActivatedServerAsync();
        var pack = await InstallRetailAsync(ch, server, ProductVersion.WindowsServer2019, CalType.PerUser, 8);

        var answer = await ConvertedAsync(await ConvertAsync(ch, server, pack.KeyPackId, 8));

        Assert.Null(answer.Remaining);
        var converted = Verify(ch, server.ProductId, answer.Converted.KeyPackFile);
        Assert.Equal((CalType.PerDevice, 8), (converted.Type, converted.Quantity));
        var source = (await InstallsAsync(ch)).Single(i => i.KeyPackId == pack.KeyPackId);
        Assert.Equal(("converted", 8), (source.Status, source.Quantity));
        Assert.Equal([answer.Converted.KeyPackId], (await ReissueAsync(ch, server)).Select(p => p.KeyPackId).ToList());

        var again = await (await ConvertAsync(ch, server, pack.KeyPackId, 1)).ProblemAsync(409);
        Assert.Equal(Slug("key-pack-not-active"), again.Type);
        Assert.Contains(answer.Converted.KeyPackId.ToString(), again.Detail);
    }

    [Fact]
    public async Task What_was_converted_already_cannot_be_converted_again_and_a_refusal_changes_nothing()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        var server = await ch.NewActivatedServerAsync();
        var pack = await InstallRetailAsync(ch, server, ProductVersion.WindowsServer2022, CalType.PerDevice, 25);
        await ConvertedAsync(await ConvertAsync(ch, server, pack.KeyPackId, 10));

        var problem = await (await ConvertAsync(ch, server, pack.KeyPackId, 16)).ProblemAsync(409);

        Assert.Equal(Slug("too-many-to-convert"), problem.Type);
        Assert.Equal("quantity", problem.Field);
        Assert.Equal(15, problem.Body.GetProperty("convertible").GetInt32());
        Assert.Contains("Convert at most 15", problem.Detail);
        Assert.Equal(2, (await InstallsAsync(ch)).Count);
        Assert.Single((await ch.Admin.GetFromJsonAsync<List<ConversionRecordView>>("/api/admin/conversions"))!);
        Assert.Equal(15, (await InstallsAsync(ch)).Single(i => i.KeyPackId == pack.KeyPackId).Quantity);
    }

    [Fact]
    public async Task Converted_licenses_can_be_converted_back()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        var server = await ch.NewActivatedServerAsync();
        var pack = await InstallRetailAsync(ch, server, ProductVersion.WindowsServer2025, CalType.PerDevice, 20);
        var first = await ConvertedAsync(await ConvertAsync(ch, server, pack.KeyPackId, 10));

        var back = await ConvertedAsync(await ConvertAsync(ch, server, first.Converted.KeyPackId, 4));

        Assert.Equal(("per-user", "per-device"), (back.FromCalType, back.ToCalType));
        Assert.Equal(6, Verify(ch, server.ProductId, back.Remaining!.KeyPackFile).Quantity);
        var reissued = (await ReissueAsync(ch, server)).Select(p => Verify(ch, server.ProductId, p.KeyPackFile)).ToList();
        Assert.Equal(20, reissued.Sum(g => g.Quantity));
        Assert.Equal(14, reissued.Where(g => g.Type == CalType.PerDevice).Sum(g => g.Quantity));
    }

    [Fact]
    public async Task Only_the_servers_own_packs_can_be_converted()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        var server = await ch.NewActivatedServerAsync();
        var other = await ch.NewActivatedServerAsync();
        var othersPack = await InstallRetailAsync(ch, other, ProductVersion.WindowsServer2022, CalType.PerDevice, 5);

        var notFound = await (await ConvertAsync(ch, server, othersPack.KeyPackId, 1)).ProblemAsync(404);
        var unknown = await (await ConvertAsync(ch, server, Guid.NewGuid(), 1)).ProblemAsync(404);
        var wrongId = await (await ch.Public.PostAsServerAsync("/api/conversions",
            new ConversionRequestBody(server.ProductId, other.LicenseServerId, othersPack.KeyPackId, 1))).ProblemAsync(422);

        Assert.Equal(Slug("key-pack-not-found"), notFound.Type);
        Assert.Contains(server.ProductId, notFound.Detail);
        Assert.Equal(Slug("key-pack-not-found"), unknown.Type);
        Assert.Equal(Slug("license-server-id-rejected"), wrongId.Type);
        Assert.Equal(5, (await InstallsAsync(ch)).Single().Quantity);
    }

    [Fact]
    public async Task Windows_Server_2008_R2_licenses_cannot_be_converted()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        var server = await ch.NewActivatedServerAsync();
        var pack = await InstallRetailAsync(ch, server, ProductVersion.WindowsServer2008R2, CalType.PerDevice, 5);

        var problem = await (await ConvertAsync(ch, server, pack.KeyPackId, 2)).ProblemAsync(422);

        Assert.Equal(Slug("conversion-version-too-old"), problem.Type);
        Assert.Contains("Windows Server 2012 and later", problem.Detail);
    }

    [Fact]
    public async Task A_pack_migrated_away_is_no_longer_convertible_here()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        var source = await ch.NewActivatedServerAsync();
        var target = await ch.NewActivatedServerAsync();
        var pack = await InstallRetailAsync(ch, source, ProductVersion.WindowsServer2022, CalType.PerDevice, 5);
        Assert.True((await ch.Public.PostAsServerAsync("/api/migrations/release", new MigrationReleaseRequestBody(source.ProductId, target.ProductId, [pack.KeyPackId])))
            .IsSuccessStatusCode);
        var migrated = await ch.Public.PostSignedAsync("/api/migrations", new MigrationRequestBody(target.ProductId, target.LicenseServerId, "2025",
            source.ProductId, null, null, SourceNoLongerFunctioning: false), SignedClearinghouseCalls.IdentityOf(target.ProductId));
        Assert.True(migrated.IsSuccessStatusCode);

        var problem = await (await ConvertAsync(ch, source, pack.KeyPackId, 1)).ProblemAsync(409);

        Assert.Equal(Slug("key-packs-migrated-away"), problem.Type);
        Assert.Contains($"migrated to license server {target.ProductId}", problem.Detail);
    }

    [Theory]
    [InlineData(false, 5, "keyPackId")]
    [InlineData(true, null, "quantity")]
    [InlineData(true, 0, "quantity")]
    public async Task A_missing_key_pack_or_quantity_is_named(bool withPack, int? quantity, string field)
    {
        await using var ch = await TestClearinghouse.StartAsync();
        var server = await ch.NewActivatedServerAsync();
        var pack = await InstallRetailAsync(ch, server, ProductVersion.WindowsServer2022, CalType.PerDevice, 5);

        var problem = await (await ConvertAsync(ch, server, withPack ? pack.KeyPackId : null, quantity)).ProblemAsync(400);

        Assert.Equal((Slug("invalid-request"), field), (problem.Type, problem.Field));
    }
}
