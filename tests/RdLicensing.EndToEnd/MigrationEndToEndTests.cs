using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Codes;
using RdLicensing.Core.Identity;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using RdLicensing.Testing;

namespace RdLicensing.EndToEnd;

/// <summary>
/// Migration moves, never copies: a running source signs its own release and the target gets exactly that; a source that
/// no longer functions gives up only packs whose purchase identifiers are proven, and is told when it comes back; knowing a
/// Product ID or a License Server ID takes nothing.
/// </summary>
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
        Assert.Contains($"License server {source.ProductId} removed them (1 issued CAL(s) with them) and released them to this server through the clearinghouse.", output);
        var arrived = Assert.Single(await Deployment.KeyPacksAsync(target));
        Assert.Equal(("retail", "2019", "per-user", 10, 10), (arrived.Program, arrived.Version, arrived.Type, arrived.Total, arrived.Available));
        Assert.Equal(staying.KeyPack.Id, Assert.Single(await Deployment.KeyPacksAsync(source)).Id);
        var removed = Assert.Single((await source.Admin.GetFromJsonAsync<EventView[]>("/api/admin/events?eventId=89"))!);
        Assert.Contains($"migration to license server {target.ProductId}", removed.Message);
        Assert.Contains("1 issued CAL(s)", removed.Message);
        Assert.Equal(0, (await source.Admin.GetFromJsonAsync<CalPage>("/api/admin/cals?type=per-user"))!.Total);
    }

    [Fact]
    public async Task A_live_migration_moves_never_copies_and_a_rebuild_gives_each_server_back_only_what_it_owns()
    {
        await using var deployment = await Deployment.StartAsync();
        var source = await Deployment.ActivateAsync(await deployment.AddServerAsync());
        await deployment.InstallRetailAsync(source, ProductVersion.WindowsServer2025, CalType.PerUser, 30);
        await deployment.InstallRetailAsync(source, ProductVersion.WindowsServer2022, CalType.PerDevice, 10);
        var kept = await deployment.InstallRetailAsync(source, ProductVersion.WindowsServer2019, CalType.PerDevice, 7);
        var target = await Deployment.ActivateAsync(await deployment.AddServerAsync());
        var moving = (await Deployment.KeyPacksAsync(source)).Where(p => p.Id != kept.KeyPack.Id).Select(p => p.Id).ToList();

        var response = await target.Admin.PostAsJsonAsync("/api/admin/licenses/migrate",
            new MigrationBody(SourceUrl: source.BaseAddress.ToString(), SourceToken: source.AdminToken, KeyPackIds: moving));

        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var result = (await response.Content.ReadFromJsonAsync<MigrationResult>())!;
        Assert.Equal(moving.Order(), result.RemovedFromSource.Order());
        var onSource = await Deployment.KeyPacksAsync(source);
        var onTarget = await Deployment.KeyPacksAsync(target);
        // The source lists none of them, not even as available; the target has exactly them; no license exists twice.
        Assert.Equal(kept.KeyPack.Id, Assert.Single(onSource).Id);
        Assert.DoesNotContain((await Deployment.StatusAsync(source)).Pools, p => p.Version is "2025" or "2022" && p.Available > 0);
        Assert.Equal(40, onTarget.Sum(p => p.Total));
        Assert.Equal(47, onSource.Sum(p => p.Total) + onTarget.Sum(p => p.Total));
        Assert.Empty(onSource.Select(p => p.Id).Intersect(onTarget.Select(p => p.Id)));

        // The clearinghouse's record agrees: a rebuild gives each server back only what it still owns.
        Assert.Contains("The clearinghouse reissued 1 key pack(s); 7 license(s) are installed again.", await Rdlic.OkAsync(source, "server", "rebuild-database", "--yes"));
        Assert.Contains("The clearinghouse reissued 2 key pack(s); 40 license(s) are installed again.", await Rdlic.OkAsync(target, "server", "rebuild-database", "--yes"));
        // And the release is claimed once: asking again takes nothing.
        Assert.Contains("released no key packs to this license server", await Rdlic.FailsAsync(target, 1, "licenses", "migrate", "--source-product-id", source.ProductId));
        Assert.Equal(40, (await Deployment.KeyPacksAsync(target)).Sum(p => p.Total));
    }

    [Fact]
    public async Task An_attackers_activated_server_cannot_take_a_victims_packs_with_its_product_id_or_license_server_id()
    {
        await using var deployment = await Deployment.StartAsync();
        var victim = await Deployment.ActivateAsync(await deployment.AddServerAsync());
        await deployment.InstallRetailAsync(victim, ProductVersion.WindowsServer2025, CalType.PerDevice, 40);
        var victimId = (await Deployment.StatusAsync(victim)).Activation.LicenseServerId!;
        var attacker = await Deployment.ActivateAsync(await deployment.AddServerAsync());
        var attackerStatus = await Deployment.StatusAsync(attacker);
        using var attackerKey = await IdentityOfAsync(attacker);
        var attackerInstallation = (await attacker.Store.SettingAsync("identity.installationId"))!;
        var clearinghouse = deployment.Clearinghouse.Public;
        MigrationRequestBody Asking(string? sourceProductId, string? sourceLicenseServerId, bool dead, IReadOnlyList<PurchaseProof>? proofs = null) =>
            new(attacker.ProductId, attackerStatus.Activation.LicenseServerId, "2025", sourceProductId, sourceLicenseServerId, null, dead, proofs);

        // Through its own license server, as rdlic does it (signed by the attacker's server)…
        var byCli = await Rdlic.FailsAsync(attacker, 1, "licenses", "migrate", "--source-product-id", victim.ProductId);
        // …and posting to the clearinghouse directly, signed with the attacker's own key: by Product ID, by License Server ID
        // without purchase identifiers, with identifiers it does not have, and unsigned.
        var byProductId = await clearinghouse.PostSignedAsync("/api/migrations", Asking(victim.ProductId, null, false), attackerKey, attackerInstallation);
        var byLicenseServerId = await clearinghouse.PostSignedAsync("/api/migrations", Asking(null, victimId, true), attackerKey, attackerInstallation);
        var byGuessedCode = await clearinghouse.PostSignedAsync("/api/migrations",
            Asking(null, victimId, true, [new PurchaseProof("retail", LicenseCode: LicenseIdentifiers.NewRetailCode())]), attackerKey, attackerInstallation);
        var unsigned = await clearinghouse.PostAsJsonAsync("/api/migrations", Asking(victim.ProductId, null, false));

        Assert.Contains("released no key packs to this license server; nothing was moved", byCli);
        Assert.Equal((HttpStatusCode.Conflict, "nothing-released"), await ProblemOf(byProductId));
        Assert.Equal((HttpStatusCode.BadRequest, "purchase-proof-required"), await ProblemOf(byLicenseServerId));
        Assert.Equal((HttpStatusCode.UnprocessableEntity, "purchase-not-proven"), await ProblemOf(byGuessedCode));
        Assert.False(unsigned.IsSuccessStatusCode);
        // The victim keeps all 40, the attacker has none, and the clearinghouse still records them for the victim.
        Assert.Equal(40, Assert.Single(await Deployment.KeyPacksAsync(victim)).Available);
        Assert.Empty(await Deployment.KeyPacksAsync(attacker));
        Assert.Contains("The clearinghouse reissued 1 key pack(s); 40 license(s) are installed again.", await Rdlic.OkAsync(victim, "server", "rebuild-database", "--yes"));
        // Each refused attempt is a security event naming the attacker's server.
        var events = await SecurityEventsAsync(deployment, attacker.ProductId);
        Assert.True(events.Count(e => e is "nothing-released" or "purchase-proof-required" or "purchase-not-proven") >= 4, string.Join(", ", events));
    }

    [Fact]
    public async Task A_source_that_no_longer_functions_gives_up_only_the_packs_whose_purchase_is_proven_and_is_told_when_it_comes_back()
    {
        await using var deployment = await Deployment.StartAsync();
        var source = await Deployment.ActivateAsync(await deployment.AddServerAsync(ProductVersion.WindowsServer2019));
        source.KeepDataDirectory = true;
        var code = await deployment.Clearinghouse.IssueRetailCodeAsync(ProductVersion.WindowsServer2019, CalType.PerDevice, 9);
        await Rdlic.OkAsync(source, "licenses", "install", "--program", "retail", "--code", code);
        var (licenseNumber, authorization) = await deployment.Clearinghouse.AddOpenLicenseAsync(ProductVersion.WindowsServer2016, CalType.PerUser, 5);
        await Rdlic.OkAsync(source, "licenses", "install", "--program", "open", "--license-number", licenseNumber, "--authorization", authorization);
        var staying = await deployment.InstallAgreementAsync(source, LicenseProgram.EnterpriseAgreement, ProductVersion.WindowsServer2016, CalType.PerDevice, 3);
        var sourceId = (await Deployment.StatusAsync(source)).Activation.LicenseServerId!;
        var data = source.DataDirectory;
        var sourceProductId = source.ProductId;
        await deployment.StopAsync(source);
        var target = await Deployment.ActivateAsync(await deployment.AddServerAsync(ProductVersion.WindowsServer2022));
        string[] dead = ["licenses", "migrate", "--source-license-server-id", sourceId, "--source-version", "2019", "--confirm-removed"];

        var wrongCode = await Rdlic.FailsAsync(target, 1, [.. dead, "--program", "retail", "--code", LicenseIdentifiers.NewRetailCode()]);
        var wrongAuthorization = await Rdlic.FailsAsync(target, 1, [.. dead, "--program", "open", "--license-number", licenseNumber, "--authorization", "ZZZZZZZZZZZZZZZ"]);
        var noIdentifiers = Rdlic.OneErrorLine(await Rdlic.RunAsync(target, dead), 2);
        Assert.Contains("is not recognized for license server", wrongCode);
        Assert.Contains("Nothing was moved", wrongAuthorization);
        Assert.Contains("whose purchase you prove", noIdentifiers);
        Assert.Empty(await Deployment.KeyPacksAsync(target));

        var moved = await Rdlic.OkAsync(target, [.. dead, "--program", "retail", "--code", code]);
        var alsoMoved = await Rdlic.OkAsync(target, [.. dead, "--program", "open", "--license-number", licenseNumber, "--authorization", authorization.ToLowerInvariant()]);

        Assert.Contains("1 key pack(s) with 9 CAL(s) migrated", moved);
        Assert.Contains("The clearinghouse retired them on", moved);
        Assert.Contains("1 key pack(s) with 5 CAL(s) migrated", alsoMoved);
        Assert.Equal(14, (await Deployment.KeyPacksAsync(target)).Sum(p => p.Total));
        // The agreement pack, not proven, is still the source's.
        Assert.Contains(staying.KeyPack.Id, (await deployment.Clearinghouse.Admin.GetFromJsonAsync<InstallRecordView[]>("/api/admin/installs"))!
            .Where(i => i.ProductId == sourceProductId && i.Status == "active").Select(i => i.KeyPackId));

        // The source comes back: its next clearinghouse contact is refused once, naming the migration, the target and the date;
        // the migrated packs leave it, and status says so.
        var back = await deployment.AddServerAsync(ProductVersion.WindowsServer2019, dataDirectory: data);
        Assert.Equal(3, (await Deployment.KeyPacksAsync(back)).Length);
        var newCode = await deployment.Clearinghouse.IssueRetailCodeAsync(ProductVersion.WindowsServer2019, CalType.PerUser, 2);
        var told = await Rdlic.FailsAsync(back, 1, "licenses", "install", "--program", "retail", "--code", newCode);
        Assert.Contains($"migrated to license server {target.ProductId} on {deployment.Clock.GetUtcNow():yyyy-MM-dd}", told);
        Assert.Equal(staying.KeyPack.Id, Assert.Single(await Deployment.KeyPacksAsync(back)).Id);
        var status = await Deployment.StatusAsync(back);
        Assert.Contains(status.Warnings, w => w.Contains($"migrated to license server {target.ProductId}"));
        Assert.Single((await back.Admin.GetFromJsonAsync<EventView[]>("/api/admin/events?eventId=5090"))!);
        // Told once: the next contact goes through, and the clearinghouse gives it back only what it still owns.
        await Rdlic.OkAsync(back, "licenses", "install", "--program", "retail", "--code", newCode);
        Assert.Contains("The clearinghouse reissued 2 key pack(s); 5 license(s) are installed again.", await Rdlic.OkAsync(back, "server", "rebuild-database", "--yes"));
        Assert.Equal(14, (await Deployment.KeyPacksAsync(target)).Sum(p => p.Total));
    }

    [Fact]
    public async Task A_retired_source_is_refused_for_its_migrated_packs_even_when_it_tries_to_release_them()
    {
        await using var deployment = await Deployment.StartAsync();
        var source = await Deployment.ActivateAsync(await deployment.AddServerAsync());
        source.KeepDataDirectory = true;
        var code = await deployment.Clearinghouse.IssueRetailCodeAsync(ProductVersion.WindowsServer2025, CalType.PerUser, 6);
        await Rdlic.OkAsync(source, "licenses", "install", "--program", "retail", "--code", code);
        var sourceId = (await Deployment.StatusAsync(source)).Activation.LicenseServerId!;
        var data = source.DataDirectory;
        await deployment.StopAsync(source);
        var target = await Deployment.ActivateAsync(await deployment.AddServerAsync());
        await Rdlic.OkAsync(target, "licenses", "migrate", "--source-license-server-id", sourceId, "--source-version", "2025", "--confirm-removed",
            "--program", "retail", "--code", code);
        var back = await deployment.AddServerAsync(dataDirectory: data);
        var third = await Deployment.ActivateAsync(await deployment.AddServerAsync());

        // The old copy tries to hand the migrated pack to a third server: refused, told, and the pack leaves it.
        var refused = await Rdlic.FailsAsync(third, 1, "licenses", "migrate", "--from", back.BaseAddress.ToString(), "--from-token", back.AdminToken);

        Assert.Contains($"migrated to license server {target.ProductId}", refused);
        Assert.Empty(await Deployment.KeyPacksAsync(back));
        Assert.Empty(await Deployment.KeyPacksAsync(third));
        Assert.Equal(6, Assert.Single(await Deployment.KeyPacksAsync(target)).Total);
    }

    [Fact]
    public async Task Versions_the_target_cannot_host_are_refused_before_anything_moves()
    {
        await using var deployment = await Deployment.StartAsync();
        var source = await Deployment.ActivateAsync(await deployment.AddServerAsync(ProductVersion.WindowsServer2025));
        var code = await deployment.Clearinghouse.IssueRetailCodeAsync(ProductVersion.WindowsServer2025, CalType.PerDevice, 2);
        await Rdlic.OkAsync(source, "licenses", "install", "--program", "retail", "--code", code);
        var sourceId = (await Deployment.StatusAsync(source)).Activation.LicenseServerId!;
        var target = await Deployment.ActivateAsync(await deployment.AddServerAsync(ProductVersion.WindowsServer2022));

        var live = await Rdlic.FailsAsync(target, 1, "licenses", "migrate", "--from", source.BaseAddress.ToString(), "--from-token", source.AdminToken);
        var dead = await Rdlic.FailsAsync(target, 1, "licenses", "migrate", "--source-license-server-id", sourceId, "--source-version", "2025", "--confirm-removed",
            "--program", "retail", "--code", code);

        Assert.Contains("Nothing was moved", live);
        Assert.Contains("Windows Server 2025", dead);
        Assert.Single(await Deployment.KeyPacksAsync(source));
        Assert.Empty(await Deployment.KeyPacksAsync(target));
    }

    /// <summary>The attacker owns its server, so it has that server's key (its database holds it).</summary>
    private static async Task<LicenseServerIdentity> IdentityOfAsync(TestLicenseServer server) =>
        LicenseServerIdentity.FromPkcs8(Convert.FromBase64String((await server.Store.SettingAsync("identity.pkcs8"))!));

    private static async Task<(HttpStatusCode, string?)> ProblemOf(HttpResponseMessage response)
    {
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, problem.RootElement.TryGetProperty("type", out var type) ? type.GetString()?.Split('/')[^1] : null);
    }

    private static async Task<List<string>> SecurityEventsAsync(Deployment deployment, string productId) =>
        (await deployment.Clearinghouse.Store.SecurityEventsAsync(productId)).Select(e => e.Kind).ToList();
}
