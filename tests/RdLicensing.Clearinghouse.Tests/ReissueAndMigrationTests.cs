using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using RdLicensing.Clearinghouse.Granting;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Codes;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Proof;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using RdLicensing.Storage;
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

    private static Task<HttpResponseMessage> ReleaseAsync(TestClearinghouse ch, string source, string target, params Guid[] ids) =>
        ch.Public.PostAsServerAsync("/api/migrations/release", new MigrationReleaseRequestBody(source, target, ids));

    /// <summary>MigrateIn, signed by the target's key.</summary>
    private static Task<HttpResponseMessage> MigrateAsync(TestClearinghouse ch, (string ProductId, string LicenseServerId) target, string version, string? sourceProductId,
        string? sourceLicenseServerId, IReadOnlyList<Guid>? ids = null, bool dead = false, IReadOnlyList<PurchaseProof>? proofs = null) =>
        ch.Public.PostSignedAsync("/api/migrations", new MigrationRequestBody(target.ProductId, target.LicenseServerId, version, sourceProductId, sourceLicenseServerId,
            ids, dead, proofs), SignedClearinghouseCalls.IdentityOf(target.ProductId));

    private static async Task<(string Code, GrantedKeyPack Pack)> InstallCodeAsync(TestClearinghouse ch, (string ProductId, string LicenseServerId) server, ProductVersion version, int quantity)
    {
        var code = await ch.IssueRetailCodeAsync(version, CalType.PerDevice, quantity);
        return (code, await (await ch.InstallAsync(new LicenseInstallRequestBody(server.ProductId, server.LicenseServerId, "2025", "retail", LicenseCode: code))).GrantedAsync());
    }

    [Fact]
    public async Task A_live_migration_credits_the_target_with_exactly_what_the_source_released_to_it()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        var source = await ch.NewActivatedServerAsync();
        var target = await ch.NewActivatedServerAsync();
        var thief = await ch.NewActivatedServerAsync();
        var moved = await InstallRetailAsync(ch, source, ProductVersion.WindowsServer2022, 10);
        var stays = await InstallRetailAsync(ch, source, ProductVersion.WindowsServer2019, 4);

        var released = await ReleaseAsync(ch, source.ProductId, target.ProductId, moved.KeyPackId);
        Assert.True(released.IsSuccessStatusCode, await released.Content.ReadAsStringAsync());
        // Another activated server knowing the source's Product ID gets nothing, not even what was released to the target.
        Assert.Equal(Slug("nothing-released"), (await (await MigrateAsync(ch, thief, "2025", source.ProductId, null)).ProblemAsync(409)).Type);
        var response = await MigrateAsync(ch, target, "2022", source.ProductId, null);
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
        // Claimed once; the source cannot release it again; the vendor sees the migration.
        Assert.Equal(Slug("nothing-released"), (await (await MigrateAsync(ch, target, "2022", source.ProductId, null)).ProblemAsync(409)).Type);
        Assert.Equal(Slug("key-packs-migrated-away"), (await (await ReleaseAsync(ch, source.ProductId, thief.ProductId, moved.KeyPackId)).ProblemAsync(409)).Type);
        var migration = Assert.Single((await ch.Admin.GetFromJsonAsync<List<MigrationRecordView>>("/api/admin/migrations"))!);
        Assert.Equal(("live", source.ProductId, target.ProductId, pack.KeyPackId), (migration.Kind, migration.SourceProductId, migration.TargetProductId, migration.NewKeyPackId));
        Assert.Contains(await ch.Store.SecurityEventsAsync(thief.ProductId), e => e.Kind == "nothing-released");
    }

    [Fact]
    public async Task Only_the_source_itself_can_release_its_packs()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        var source = await ch.NewActivatedServerAsync();
        var thief = await ch.NewActivatedServerAsync();
        var pack = await InstallRetailAsync(ch, source, ProductVersion.WindowsServer2022, 10);

        var signedByThief = await ch.Public.PostSignedAsync("/api/migrations/release", new MigrationReleaseRequestBody(source.ProductId, thief.ProductId, [pack.KeyPackId]),
            SignedClearinghouseCalls.IdentityOf(thief.ProductId));
        var unsigned = await ch.Public.PostAsJsonAsync("/api/migrations/release", new MigrationReleaseRequestBody(source.ProductId, thief.ProductId, [pack.KeyPackId]));
        var notTheirs = await ReleaseAsync(ch, thief.ProductId, source.ProductId, pack.KeyPackId);

        Assert.Equal(422, (int)signedByThief.StatusCode);
        Assert.Equal(422, (int)unsigned.StatusCode);
        Assert.Equal(Slug("key-pack-not-found"), (await notTheirs.ProblemAsync(404)).Type);
        Assert.Equal("active", (await InstallsAsync(ch)).Single(i => i.KeyPackId == pack.KeyPackId).Status);
        // Positive control: the source's own signed release is recorded.
        Assert.True((await ReleaseAsync(ch, source.ProductId, thief.ProductId, pack.KeyPackId)).IsSuccessStatusCode);
    }

    [Fact]
    public async Task A_dead_source_gives_up_only_the_packs_whose_purchase_identifiers_are_proven_and_is_told_once()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        var source = await ch.NewActivatedServerAsync();
        var target = await ch.NewActivatedServerAsync();
        var (code, proven) = await InstallCodeAsync(ch, source, ProductVersion.WindowsServer2022, 10);
        var (_, unproven) = await InstallCodeAsync(ch, source, ProductVersion.WindowsServer2019, 4);
        var lsid = source.LicenseServerId.Replace("-", " ");

        var none = await MigrateAsync(ch, target, "2025", null, lsid, dead: true);
        var wrong = await MigrateAsync(ch, target, "2025", null, lsid, dead: true, proofs: [new PurchaseProof("retail", LicenseCode: LicenseIdentifiers.NewRetailCode())]);
        Assert.Equal(Slug("purchase-proof-required"), (await none.ProblemAsync(400)).Type);
        Assert.Equal(Slug("purchase-not-proven"), (await wrong.ProblemAsync(422)).Type);
        Assert.All((await InstallsAsync(ch)).Where(i => i.ProductId == source.ProductId), i => Assert.Equal("active", i.Status));
        Assert.Equal(2, (await ch.Store.SecurityEventsAsync(target.ProductId)).Count(e => e.Kind.StartsWith("purchase-")));

        var response = await MigrateAsync(ch, target, "2025", null, lsid, dead: true, proofs: [new PurchaseProof("retail", LicenseCode: code.ToLowerInvariant())]);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());

        Assert.Equal(10, Assert.Single((await response.Content.ReadFromJsonAsync<MigrationResponse>())!.KeyPacks).Quantity);
        var installs = await InstallsAsync(ch);
        Assert.Equal("moved", installs.Single(i => i.KeyPackId == proven.KeyPackId).Status);
        Assert.Equal("active", installs.Single(i => i.KeyPackId == unproven.KeyPackId).Status);
        // The source comes back: its next signed request is refused once, naming the pack, the target and the date …
        var told = await (await ch.Public.PostAsServerAsync("/api/reissue", new ReissueRequestBody(source.ProductId, source.LicenseServerId))).ProblemAsync(409);
        Assert.Equal(Slug("key-packs-migrated-away"), told.Type);
        Assert.Contains($"{proven.KeyPackId} (10 license(s)) were migrated to license server {target.ProductId} on {DateTimeOffset.UtcNow:yyyy-MM-dd}", told.Detail);
        // … then reissue gives it only what it still owns.
        var reissued = await ch.Public.PostAsServerAsync("/api/reissue", new ReissueRequestBody(source.ProductId, source.LicenseServerId));
        Assert.Equal(unproven.KeyPackId, Assert.Single((await reissued.Content.ReadFromJsonAsync<ReissueResponse>())!.KeyPacks).KeyPackId);
    }

    [Fact]
    public async Task A_migration_to_a_server_too_old_for_a_pack_moves_nothing()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        var source = await ch.NewActivatedServerAsync();
        var target = await ch.NewActivatedServerAsync();
        var (oldCode, _) = await InstallCodeAsync(ch, source, ProductVersion.WindowsServer2019, 4);
        var (newCode, _) = await InstallCodeAsync(ch, source, ProductVersion.WindowsServer2025, 10);

        var response = await MigrateAsync(ch, target, "2022", null, source.LicenseServerId, dead: true,
            proofs: [new PurchaseProof("retail", LicenseCode: oldCode), new PurchaseProof("retail", LicenseCode: newCode)]);

        Assert.Equal(Slug("version-not-hostable"), (await response.ProblemAsync(422)).Type);
        Assert.All(await InstallsAsync(ch), i => Assert.Equal((source.ProductId, "active"), (i.ProductId, i.Status)));
    }

    [Fact]
    public async Task A_source_that_released_nothing_gives_nothing()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        var target = await ch.NewActivatedServerAsync();
        var response = await MigrateAsync(ch, target, "2025", NewProductId(), null);
        Assert.Equal(Slug("nothing-released"), (await response.ProblemAsync(409)).Type);
    }

    [Fact]
    public async Task A_refused_claim_is_recorded_even_when_its_client_has_gone()
    {
        // A prober that drops its connection as soon as it has asked must still leave its security event: the request's
        // token is cancelled by then (here: during the proof check, inside the claim's transaction).
        await using var ch = await TestClearinghouse.StartAsync();
        var target = await ch.NewActivatedServerAsync();
        using var client = new CancellationTokenSource();
        var migrations = ch.Services.GetRequiredService<MigrationService>();
        var body = new MigrationRequestBody(target.ProductId, target.LicenseServerId, "2025", NewProductId(), null, null, false, null);

        var refusal = await Assert.ThrowsAsync<ClearinghouseRefusal>(() => migrations.MigrateAsync(body, new ClientLeavesDuringCheck(target.ProductId, client), client.Token));

        Assert.Equal("nothing-released", refusal.Slug);
        Assert.True(client.IsCancellationRequested);
        var recorded = Assert.Single(await ch.Store.SecurityEventsAsync(target.ProductId), e => e.Kind == "nothing-released");
        Assert.Equal("inst-gone", recorded.InstallationId);
    }

    /// <summary>A proof that holds, checked while its client disconnects.</summary>
    private sealed class ClientLeavesDuringCheck(string productId, CancellationTokenSource client) : ServerProof
    {
        public override string ProductId => productId;

        public override string? InstallationId => "inst-gone";

        protected override Task<ServerKeyRecord?> CheckAsync(ClearinghouseWriteSession session, ServerRequestPurpose purpose, DateTimeOffset now,
            bool takesOverInstallation)
        {
            client.Cancel();
            return Task.FromResult<ServerKeyRecord?>(null);
        }
    }
}
