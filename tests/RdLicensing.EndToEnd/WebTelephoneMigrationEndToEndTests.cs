using System.Net;
using System.Net.Http.Json;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Codes;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Identity;
using RdLicensing.Core.Proof;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using RdLicensing.Testing;

namespace RdLicensing.EndToEnd;

/// <summary>
/// Migration by web and telephone, with the automatic method's guarantees: the running source gives its packs up itself
/// (`rdlic licenses release --method web` removes them and prints a release code it signed, naming the packs and the target),
/// the target's request code claims exactly that, and each license key pack ID the page answers installs on the target only.
/// A source that no longer functions is proven by its purchase identifiers. Each attack beside the legitimate migration.
/// </summary>
public sealed class WebTelephoneMigrationEndToEndTests
{
    private static async Task<string> ReleaseCodeAsync(TestLicenseServer source, TestLicenseServer target, Guid keyPack, string method = "web") =>
        WebSite.ReleaseCodeIn(await Rdlic.OkAsync(source, "licenses", "release", "--target-product-id", target.ProductId, "--key-pack", keyPack.ToString(), "--method", method));

    private static async Task<string> TargetCodeAsync(TestLicenseServer target, string method = "web") =>
        WebSite.RequestCodeIn(await Rdlic.OkAsync(target, "licenses", "migrate", "--method", method));

    [Fact]
    public async Task A_web_migration_from_a_running_source_moves_exactly_what_its_release_code_lists()
    {
        await using var deployment = await Deployment.StartAsync();
        var source = await Deployment.ActivateAsync(await deployment.AddServerAsync(ProductVersion.WindowsServer2022));
        var moving = await deployment.InstallRetailAsync(source, ProductVersion.WindowsServer2022, CalType.PerDevice, 10);
        var staying = await deployment.InstallRetailAsync(source, ProductVersion.WindowsServer2019, CalType.PerUser, 5);
        var target = await Deployment.ActivateAsync(await deployment.AddServerAsync());
        using var browser = WebSite.Public(deployment.Clearinghouse);

        var released = await Rdlic.OkAsync(source, "licenses", "release", "--target-product-id", target.ProductId, "--key-pack", moving.KeyPack.Id.ToString(), "--method", "web");
        // The source gave the pack up the moment it made the code: it no longer has it (event 89), whatever happens next.
        Assert.Contains($"Clearinghouse web: {deployment.Clearinghouse.BaseAddress}migrate", released);
        Assert.Equal(staying.KeyPack.Id, Assert.Single(await Deployment.KeyPacksAsync(source)).Id);
        Assert.Single((await source.Admin.GetFromJsonAsync<EventView[]>("/api/admin/events?eventId=89"))!);
        var asked = await Rdlic.OkAsync(target, "licenses", "migrate", "--method", "web");
        Assert.Contains($"Clearinghouse web: {deployment.Clearinghouse.BaseAddress}migrate", asked);

        var keyPackIds = await browser.MigrateAsync("/migrate", ("requestCode", WebSite.RequestCodeIn(asked)), ("releaseCode", WebSite.ReleaseCodeIn(released)));
        await Rdlic.OkAsync(target, "licenses", "install", "--key-pack-id", Assert.Single(keyPackIds));

        // Source lost exactly what the target gained; the clearinghouse agrees (a rebuild gives each back what it owns).
        var arrived = Assert.Single(await Deployment.KeyPacksAsync(target));
        Assert.Equal(("2022", "per-device", 10), (arrived.Version, arrived.Type, arrived.Total));
        Assert.Equal(15, (await Deployment.KeyPacksAsync(source)).Sum(p => p.Total) + arrived.Total);
        Assert.Contains("The clearinghouse reissued 1 key pack(s); 5 license(s) are installed again.", await Rdlic.OkAsync(source, "server", "rebuild-database", "--yes"));
        Assert.Contains("The clearinghouse reissued 1 key pack(s); 10 license(s) are installed again.", await Rdlic.OkAsync(target, "server", "rebuild-database", "--yes"));
    }

    [Fact]
    public async Task A_telephone_migration_from_a_source_that_no_longer_functions_takes_only_what_its_purchase_identifiers_prove()
    {
        await using var deployment = await Deployment.StartAsync();
        var source = await Deployment.ActivateAsync(await deployment.AddServerAsync(ProductVersion.WindowsServer2022));
        var code = await deployment.Clearinghouse.IssueRetailCodeAsync(ProductVersion.WindowsServer2022, CalType.PerDevice, 7);
        await Rdlic.OkAsync(source, "licenses", "install", "--program", "retail", "--code", code);
        await deployment.InstallRetailAsync(source, ProductVersion.WindowsServer2022, CalType.PerUser, 3);
        var sourceId = (await Deployment.StatusAsync(source)).Activation.LicenseServerId!;
        await deployment.StopAsync(source);
        var target = await Deployment.ActivateAsync(await deployment.AddServerAsync());
        using var operatorConsole = await WebSite.OperatorAsync(deployment.Clearinghouse);

        var asked = await Rdlic.OkAsync(target, "licenses", "migrate", "--method", "telephone", "--country", "Canada");
        Assert.Contains("Telephone:         +1 800 555 0199 (Canada)", asked);
        var (noProof, noProofHtml) = await operatorConsole.TryPostAsync("/operator/migrate", ("requestCode", await TargetCodeAsync(target, "telephone")),
            ("sourceLicenseServerId", sourceId));
        var keyPackIds = await operatorConsole.MigrateAsync("/operator/migrate", ("requestCode", WebSite.RequestCodeIn(asked)),
            ("sourceLicenseServerId", sourceId), ("program", "retail"), ("licenseCode", code));
        await Rdlic.OkAsync(target, "licenses", "install", "--key-pack-id", Assert.Single(keyPackIds));

        Assert.Equal(HttpStatusCode.BadRequest, noProof);
        Assert.Contains("original purchase identifiers", noProofHtml);
        Assert.Equal(7, Assert.Single(await Deployment.KeyPacksAsync(target)).Total);
        Assert.Contains("purchase-proof-required", await SecurityEventsAsync(deployment, target.ProductId));
    }

    [Fact]
    public async Task Another_servers_request_code_a_replayed_code_or_a_victims_product_id_moves_nothing_and_leaves_an_event()
    {
        await using var deployment = await Deployment.StartAsync();
        var victim = await Deployment.ActivateAsync(await deployment.AddServerAsync());
        var moving = await deployment.InstallRetailAsync(victim, ProductVersion.WindowsServer2025, CalType.PerDevice, 12);
        await deployment.InstallRetailAsync(victim, ProductVersion.WindowsServer2025, CalType.PerUser, 4);
        var victimId = (await Deployment.StatusAsync(victim)).Activation.LicenseServerId!;
        var target = await Deployment.ActivateAsync(await deployment.AddServerAsync());
        var attacker = await Deployment.ActivateAsync(await deployment.AddServerAsync());
        using var browser = WebSite.Public(deployment.Clearinghouse);
        // The victim's administrator releases one pack to its own target; the attacker sees the release code (a screen, a mail).
        var releaseCode = await ReleaseCodeAsync(victim, target, moving.KeyPack.Id);

        // 1. The victim's release code with the attacker's own request code: the code names another target.
        var (otherTarget, otherTargetHtml) = await browser.TryPostAsync("/migrate", ("requestCode", await TargetCodeAsync(attacker)), ("releaseCode", releaseCode));
        // 2. A release code the attacker forged for the victim's Product ID and pack, signed with its own server's key.
        using var attackerKey = LicenseServerIdentity.FromPkcs8(Convert.FromBase64String((await attacker.Store.SettingAsync("identity.pkcs8"))!));
        var forged = ServerRequestCode.CreateRelease(attackerKey.Key, victim.ProductId, ProductVersion.WindowsServer2025, deployment.Clock.GetUtcNow(), attacker.ProductId,
            [moving.KeyPack.Id]);
        var (forgedStatus, forgedHtml) = await browser.TryPostAsync("/migrate", ("requestCode", await TargetCodeAsync(attacker)), ("releaseCode", forged));
        // 3. The victim's License Server ID as a "source no longer functioning", without the purchase identifiers.
        var (byId, _) = await browser.TryPostAsync("/migrate", ("requestCode", await TargetCodeAsync(attacker)), ("sourceLicenseServerId", victimId),
            ("program", "retail"), ("licenseCode", LicenseIdentifiers.NewRetailCode()));

        Assert.Equal((HttpStatusCode.UnprocessableEntity, HttpStatusCode.UnprocessableEntity, HttpStatusCode.UnprocessableEntity), (otherTarget, forgedStatus, byId));
        Assert.Contains($"to license server {target.ProductId}, not to license server {attacker.ProductId}", otherTargetHtml);
        Assert.Contains("not signed by that license server's key", forgedHtml);
        Assert.Empty(await Deployment.KeyPacksAsync(attacker));

        // Positive control: the legitimate target claims with the same release code (the refusals used nothing).
        var keyPackIds = await browser.MigrateAsync("/migrate", ("requestCode", await TargetCodeAsync(target)), ("releaseCode", releaseCode));
        var keyPackId = Assert.Single(keyPackIds);
        // 4. The answer works only on the target; the release code replayed takes nothing more.
        var elsewhere = await Rdlic.FailsAsync(attacker, 1, "licenses", "install", "--key-pack-id", keyPackId);
        var (replayed, replayedHtml) = await browser.TryPostAsync("/migrate", ("requestCode", await TargetCodeAsync(target)), ("releaseCode", releaseCode));
        await Rdlic.OkAsync(target, "licenses", "install", "--key-pack-id", keyPackId);

        Assert.Contains("not issued for this license server", elsewhere);
        Assert.Equal(HttpStatusCode.Conflict, replayed);
        Assert.Contains("each is good once", replayedHtml);
        Assert.Empty(await Deployment.KeyPacksAsync(attacker));
        Assert.Equal(12, Assert.Single(await Deployment.KeyPacksAsync(target)).Total);
        Assert.Equal(4, Assert.Single(await Deployment.KeyPacksAsync(victim)).Total);
        // Each attempt left a security event for the vendor.
        Assert.Contains("release-for-another-server", await SecurityEventsAsync(deployment, attacker.ProductId));
        Assert.Contains("purchase-not-proven", await SecurityEventsAsync(deployment, attacker.ProductId));
        Assert.Contains("proof-not-recognized", await SecurityEventsAsync(deployment, victim.ProductId));
        Assert.Contains("proof-replayed", await SecurityEventsAsync(deployment, victim.ProductId));
    }

    private static async Task<List<string>> SecurityEventsAsync(Deployment deployment, string productId) =>
        (await deployment.Clearinghouse.Store.SecurityEventsAsync(productId)).Select(e => e.Kind).ToList();
}
