using System.Net;
using System.Net.Http.Json;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Identity;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;

namespace RdLicensing.EndToEnd;

/// <summary>
/// Issue 11, item 1: a Product ID (printed in every CAL) or a License Server ID is no longer enough to act for a license
/// server at the clearinghouse. An attacker tries each route unsigned and signed by their own key; the victim's state does not
/// move, the attempts are recorded, and the victim itself still does everything.
/// </summary>
public sealed class ProofOfPossessionEndToEndTests
{
    private static async Task<HttpStatusCode[]> AttackAsync<T>(Deployment deployment, string path, T body, LicenseServerIdentity attacker, string victimProductId)
    {
        var unsigned = await deployment.Clearinghouse.Public.PostAsJsonAsync(path, body);
        var ownKey = await deployment.Clearinghouse.Public.PostSignedAsync(path, body, attacker, productId: victimProductId);
        return [unsigned.StatusCode, ownKey.StatusCode];
    }

    [Fact]
    public async Task Reactivating_a_server_by_its_product_id_is_refused_and_its_next_install_still_works()
    {
        await using var deployment = await Deployment.StartAsync();
        var victim = await Deployment.ActivateAsync(await deployment.AddServerAsync());
        var before = (await Deployment.StatusAsync(victim)).Activation.LicenseServerId;
        using var attacker = LicenseServerIdentity.Create();

        var refused = await AttackAsync(deployment, "/api/activations",
            new ActivationRequestBody(victim.ProductId, "automatic", new CompanyInformation("Eve", "Mallory", null, null), "redeployed"), attacker, victim.ProductId);

        Assert.All(refused, status => Assert.Equal(HttpStatusCode.UnprocessableEntity, status));
        Assert.Equal("active", Assert.Single(await deployment.ActivationRecordsAsync()).Status);
        await deployment.InstallRetailAsync(victim, ProductVersion.WindowsServer2025, CalType.PerDevice, 5);
        var events = await deployment.Clearinghouse.Store.SecurityEventsAsync(victim.ProductId);
        Assert.Equal(["proof-required", "proof-not-recognized"], events.Select(e => e.Kind).Reverse());

        // Positive control: the server itself reactivates, and installs again with its new License Server ID.
        await Rdlic.OkAsync(victim, "server", "reactivate", "--reason", "redeployed", "--method", "automatic");
        Assert.NotEqual(before, (await Deployment.StatusAsync(victim)).Activation.LicenseServerId);
        await deployment.InstallRetailAsync(victim, ProductVersion.WindowsServer2025, CalType.PerUser, 5);
    }

    [Fact]
    public async Task A_stolen_license_server_id_without_the_key_neither_converts_deactivates_reissues_nor_installs()
    {
        await using var deployment = await Deployment.StartAsync();
        var victim = await Deployment.ActivateAsync(await deployment.AddServerAsync());
        var pack = (await deployment.InstallRetailAsync(victim, ProductVersion.WindowsServer2025, CalType.PerDevice, 10)).KeyPack;
        var licenseServerId = (await Deployment.StatusAsync(victim)).Activation.LicenseServerId;
        var code = await deployment.Clearinghouse.IssueRetailCodeAsync(ProductVersion.WindowsServer2025, CalType.PerUser, 7);
        using var attacker = LicenseServerIdentity.Create();

        var refused = new[]
        {
            await AttackAsync(deployment, "/api/conversions", new ConversionRequestBody(victim.ProductId, licenseServerId, pack.Id, 4), attacker, victim.ProductId),
            await AttackAsync(deployment, "/api/activations/deactivate", new DeactivationRequestBody(victim.ProductId, licenseServerId, "Eve", "Mallory"), attacker, victim.ProductId),
            await AttackAsync(deployment, "/api/reissue", new ReissueRequestBody(victim.ProductId, licenseServerId), attacker, victim.ProductId),
            await AttackAsync(deployment, "/api/licenses", new LicenseInstallRequestBody(victim.ProductId, licenseServerId, "2025", "retail", code), attacker, victim.ProductId),
        };

        Assert.All(refused.SelectMany(r => r), status => Assert.Equal(HttpStatusCode.UnprocessableEntity, status));
        // Nothing moved at the clearinghouse: still activated, the pack whole, the code unused.
        Assert.Equal("active", Assert.Single(await deployment.ActivationRecordsAsync()).Status);
        var installs = (await deployment.Clearinghouse.Admin.GetFromJsonAsync<List<InstallRecordView>>("/api/admin/installs"))!;
        Assert.Equal(10, Assert.Single(installs).Quantity);
        Assert.Equal(8, (await deployment.Clearinghouse.Store.SecurityEventsAsync(victim.ProductId)).Count);

        // Positive control: the server itself converts and installs with the same License Server ID, and the code still works.
        await Rdlic.OkAsync(victim, "keypacks", "convert", pack.Id.ToString(), "--quantity", "4");
        await Rdlic.OkAsync(victim, "licenses", "install", "--program", "retail", "--code", code);
        Assert.Equal(3, (await Deployment.KeyPacksAsync(victim)).Length);
        await Rdlic.OkAsync(victim, "server", "deactivate", "--method", "automatic");
        Assert.Equal("deactivated", Assert.Single(await deployment.ActivationRecordsAsync()).Status);
    }
}
