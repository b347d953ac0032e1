using System.Net;
using System.Net.Http.Json;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using RdLicensing.Testing;

namespace RdLicensing.LicenseServer.Tests;

/// <summary>Migration checks that need no clearinghouse, and the source side: a release the clearinghouse never recorded puts the packs back.</summary>
public sealed class MigrationApiTests
{
    private const string Nowhere = "http://127.0.0.1:1";

    [Fact]
    public async Task Releasing_packs_when_the_clearinghouse_cannot_be_reached_puts_them_back_with_all_their_licenses()
    {
        await using var source = await TestLicenseServer.StartAsync(version: ProductVersion.WindowsServer2022, clearinghouseUrl: Nowhere);
        await source.ActivateAsync();
        var moving = await source.InstallAsync(ProductVersion.WindowsServer2022, CalType.PerUser, 5);
        var staying = await source.InstallAsync(ProductVersion.WindowsServer2019, CalType.PerUser, 5);
        var host = new HostClient(await source.EnrollHostAsync());
        await host.ConnectUserAsync("alice", "2022");

        var problem = await ProblemAssert.IsAsync(await source.Admin.PostAsJsonAsync("/api/admin/licenses/release",
            new KeyPackReleaseBody("11111-22222-33333-44444", [moving.Id])), HttpStatusCode.BadGateway, "clearinghouse-unreachable");

        Assert.StartsWith("Nothing was released", problem.Detail());
        Assert.Contains($"{moving.Id} were put back", problem.Detail());
        var packs = (await source.Admin.GetFromJsonAsync<KeyPackView[]>("/api/admin/keypacks"))!;
        Assert.Equal(new[] { moving.Id, staying.Id }.Order(), packs.Select(p => p.Id).Order());
        Assert.Equal(5, packs.Single(p => p.Id == moving.Id).Available);
        Assert.Single((await source.Admin.GetFromJsonAsync<EventView[]>("/api/admin/events?eventId=89"))!);
        Assert.Single((await source.Admin.GetFromJsonAsync<EventView[]>("/api/admin/events?eventId=5091"))!);
        await ProblemAssert.IsAsync(await source.Admin.PostAsJsonAsync("/api/admin/licenses/release", new KeyPackReleaseBody("11111-22222-33333-44444", [Guid.NewGuid()])),
            HttpStatusCode.NotFound, "key-pack-not-found");
        await ProblemAssert.IsAsync(await source.Admin.PostAsJsonAsync("/api/admin/licenses/release", new KeyPackReleaseBody(source.ProductId, null)),
            HttpStatusCode.BadRequest, "invalid-request");
    }

    [Fact]
    public async Task A_release_by_code_removes_the_packs_and_answers_a_code_signed_for_them_and_the_target_only()
    {
        await using var source = await TestLicenseServer.StartAsync(clearinghouseUrl: Nowhere);
        const string target = "11111-22222-33333-44444";
        var refusedUnactivated = await ProblemAssert.IsAsync(await source.Admin.PostAsJsonAsync("/api/admin/licenses/release",
            new KeyPackReleaseBody(target, null, "web")), HttpStatusCode.Conflict, "not-activated");
        await source.ActivateAsync();
        var odd = await source.InstallAsync(ProductVersion.WindowsServer2022, CalType.PerUser, 5); // an id a release code cannot carry
        var response = await source.Admin.PostAsJsonAsync("/api/admin/keypacks", new SignedFileBody(
            source.Authority.SignKeyPack(source.ProductId, ProductVersion.WindowsServer2022, CalType.PerDevice, 7, id: Core.Codes.KeyPackIdCode.NewKeyPackId())));
        var moving = (await response.Content.ReadFromJsonAsync<KeyPackView>())!;

        await ProblemAssert.IsAsync(await source.Admin.PostAsJsonAsync("/api/admin/licenses/release", new KeyPackReleaseBody(target, [odd.Id, moving.Id], "web")),
            HttpStatusCode.UnprocessableEntity, "key-pack-not-releasable-by-code");
        Assert.Equal(2, (await source.Admin.GetFromJsonAsync<KeyPackView[]>("/api/admin/keypacks"))!.Length);
        var released = await source.Admin.PostAsJsonAsync("/api/admin/licenses/release", new KeyPackReleaseBody(target, [moving.Id], "web"));

        Assert.True(released.IsSuccessStatusCode, await released.Content.ReadAsStringAsync());
        var answer = (await released.Content.ReadFromJsonAsync<KeyPackReleaseResponse>())!;
        var code = Core.Proof.ServerRequestCode.Read(answer.ReleaseCode);
        Assert.Equal((source.ProductId, target, Core.Proof.ServerRequestPurpose.MigrateOut), (code.ProductId, code.ReleaseTargetProductId, code.Purpose));
        Assert.Equal([moving.Id], code.ReleasedKeyPackIds);
        Assert.Equal($"{Nowhere}/migrate", answer.PageUrl);
        Assert.Equal(odd.Id, Assert.Single((await source.Admin.GetFromJsonAsync<KeyPackView[]>("/api/admin/keypacks"))!).Id);
        Assert.Contains("not activated", refusedUnactivated.Detail());
    }

    [Fact]
    public async Task The_target_must_be_activated()
    {
        await using var target = await TestLicenseServer.StartAsync(clearinghouseUrl: Nowhere);

        await ProblemAssert.IsAsync(await target.Admin.PostAsJsonAsync("/api/admin/licenses/migrate", new MigrationBody(SourceUrl: Nowhere, SourceToken: "rdla_x")),
            HttpStatusCode.Conflict, "not-activated");
    }

    public static TheoryData<MigrationBody, string, string> BadDeadSources => new()
    {
        { new MigrationBody(SourceLicenseServerId: "ABCDE-12345", SourceVersion: "2019", ConfirmRemoved: true), "code-mistyped", "sourceLicenseServerId" },
        { new MigrationBody(SourceProductId: "12345-12345-12345-12345", PurchaseProofs: [new PurchaseProof("retail", LicenseCode: "X")]), "invalid-request", "purchaseProofs" },
        { new MigrationBody(SourceLicenseServerId: "@", SourceVersion: "2019", ConfirmRemoved: true), "code-mistyped", "sourceLicenseServerId" },
        { new MigrationBody(), "invalid-request", "sourceUrl" },
        { new MigrationBody(SourceUrl: "ftp://x", SourceToken: "t"), "invalid-request", "sourceUrl" },
        { new MigrationBody(SourceUrl: Nowhere), "invalid-request", "sourceToken" },
    };

    [Theory]
    [MemberData(nameof(BadDeadSources))]
    public async Task A_wrong_source_is_named(MigrationBody body, string type, string field)
    {
        await using var target = await TestLicenseServer.StartAsync(clearinghouseUrl: Nowhere);
        await target.ActivateAsync();

        var problem = await ProblemAssert.IsAsync(await target.Admin.PostAsJsonAsync("/api/admin/licenses/migrate", body), HttpStatusCode.BadRequest, type);

        Assert.Equal(field, problem.Field());
    }

    [Fact]
    public async Task A_dead_source_needs_a_hostable_version_and_the_confirmation()
    {
        await using var target = await TestLicenseServer.StartAsync(version: ProductVersion.WindowsServer2019, clearinghouseUrl: Nowhere);
        await target.ActivateAsync();
        var sourceId = target.Authority.IssueLicenseServerId("00000-00000-00000-00009", DateTimeOffset.UtcNow.AddYears(1));

        var newer = await ProblemAssert.IsAsync(await target.Admin.PostAsJsonAsync("/api/admin/licenses/migrate",
            new MigrationBody(SourceLicenseServerId: sourceId, SourceVersion: "2022", ConfirmRemoved: true)), HttpStatusCode.UnprocessableEntity, "version-not-hostable");
        var unconfirmed = await ProblemAssert.IsAsync(await target.Admin.PostAsJsonAsync("/api/admin/licenses/migrate",
            new MigrationBody(SourceLicenseServerId: sourceId, SourceVersion: "2016")), HttpStatusCode.BadRequest, "invalid-request");
        var unproven = await ProblemAssert.IsAsync(await target.Admin.PostAsJsonAsync("/api/admin/licenses/migrate",
            new MigrationBody(SourceLicenseServerId: sourceId, SourceVersion: "2016", ConfirmRemoved: true)), HttpStatusCode.BadRequest, "invalid-request");

        Assert.Contains("Windows Server 2022", newer.Detail());
        Assert.Equal("confirmRemoved", unconfirmed.Field());
        Assert.Equal("purchaseProofs", unproven.Field());
        Assert.Contains("purchase", unproven.Detail());
    }

    [Fact]
    public async Task An_unreachable_source_moves_nothing()
    {
        await using var target = await TestLicenseServer.StartAsync(clearinghouseUrl: Nowhere);
        await target.ActivateAsync();

        var problem = await ProblemAssert.IsAsync(await target.Admin.PostAsJsonAsync("/api/admin/licenses/migrate",
            new MigrationBody(SourceUrl: Nowhere, SourceToken: "rdla_x")), HttpStatusCode.BadGateway, "source-license-server-unreachable");

        Assert.StartsWith("Nothing was moved", problem.Detail());
    }

    [Fact]
    public async Task Packs_the_target_cannot_host_stop_the_migration_before_the_source_changes()
    {
        await using var source = await TestLicenseServer.StartAsync(version: ProductVersion.WindowsServer2025);
        await source.ActivateAsync();
        await source.InstallAsync(ProductVersion.WindowsServer2019, CalType.PerDevice, 5);
        var tooNew = await source.InstallAsync(ProductVersion.WindowsServer2025, CalType.PerDevice, 5);
        await using var target = await TestLicenseServer.StartAsync(version: ProductVersion.WindowsServer2022, clearinghouseUrl: Nowhere, authority: source.Authority);
        await target.ActivateAsync();

        var problem = await ProblemAssert.IsAsync(await target.Admin.PostAsJsonAsync("/api/admin/licenses/migrate",
            new MigrationBody(SourceUrl: source.BaseAddress.ToString(), SourceToken: source.AdminToken)), HttpStatusCode.UnprocessableEntity, "version-not-hostable");

        Assert.Contains(tooNew.Id.ToString(), problem.Detail());
        Assert.Equal(2, (await source.Admin.GetFromJsonAsync<KeyPackView[]>("/api/admin/keypacks"))!.Length);
    }

    [Fact]
    public async Task A_wrong_source_token_is_passed_on_and_nothing_moves()
    {
        await using var source = await TestLicenseServer.StartAsync();
        await using var target = await TestLicenseServer.StartAsync(clearinghouseUrl: Nowhere);
        await target.ActivateAsync();

        var problem = await ProblemAssert.IsAsync(await target.Admin.PostAsJsonAsync("/api/admin/licenses/migrate",
            new MigrationBody(SourceUrl: source.BaseAddress.ToString(), SourceToken: "rdla_wrong")), HttpStatusCode.UnprocessableEntity, "source-license-server-refused");

        Assert.Contains("refused the credential", problem.Detail());
    }
}
