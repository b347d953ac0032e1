using System.Net;
using RdLicensing.Core.Cals;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using RdLicensing.Testing;
using System.Net.Http.Json;

namespace RdLicensing.EndToEnd;

/// <summary>
/// The web and telephone methods end to end with `rdlic` and the clearinghouse pages: the administrator carries the request
/// code the license server signed, and what the clearinghouse answers works only on that server. Each attack beside the
/// legitimate action.
/// </summary>
public sealed class WebTelephoneEndToEndTests
{
    private static Task<string> RequestCodeAsync(TestLicenseServer server, params string[] args) =>
        Rdlic.OkAsync(server, args).ContinueWith(t => WebSite.RequestCodeIn(t.Result), TaskScheduler.Default);

    private static async Task<RetailCodeView> RetailCodeAsync(Deployment deployment, string code) =>
        (await deployment.Clearinghouse.Admin.GetFromJsonAsync<RetailCodeView[]>("/api/admin/codes"))!.Single(c => c.Code == code);

    [Fact]
    public async Task Web_activation_install_and_deactivation_with_a_confirmation_code()
    {
        await using var deployment = await Deployment.StartAsync();
        var server = await deployment.WebActivateAsync(await deployment.AddServerAsync(ProductVersion.WindowsServer2022));
        using var browser = WebSite.Public(deployment.Clearinghouse);
        var licenseCode = await deployment.Clearinghouse.IssueRetailCodeAsync(ProductVersion.WindowsServer2022, CalType.PerDevice, 8);

        var keyPackId = await browser.InstallAsync("/install", await RequestCodeAsync(server, "licenses", "install", "--method", "web"),
            ("program", "retail"), ("licenseCode", licenseCode));
        await Rdlic.OkAsync(server, "licenses", "install", "--key-pack-id", keyPackId);
        Assert.Equal(8, Assert.Single(await Deployment.KeyPacksAsync(server)).Total);

        var asked = await Rdlic.OkAsync(server, "server", "deactivate", "--method", "web", "--first-name", "Ada", "--last-name", "Lovelace");
        Assert.Contains("Nothing changed yet", asked);
        Assert.Contains($"Clearinghouse web: {deployment.Clearinghouse.BaseAddress}deactivate", asked);
        Assert.Equal("activated", (await Deployment.StatusAsync(server)).Activation.Status);
        var confirmation = await browser.DeactivateAsync("/deactivate", WebSite.RequestCodeIn(asked));
        Assert.Equal("deactivated", Assert.Single(await deployment.ActivationRecordsAsync()).Status);
        var done = await Rdlic.OkAsync(server, "server", "deactivate", "--confirmation-code", confirmation);

        Assert.Contains("deactivated, as the clearinghouse confirmed", done);
        Assert.Equal("deactivated", (await Deployment.StatusAsync(server)).Activation.Status);
        Assert.Contains("deactivated", await Rdlic.FailsAsync(server, 1, "licenses", "install", "--program", "retail",
            "--code", await deployment.Clearinghouse.IssueRetailCodeAsync(ProductVersion.WindowsServer2022, CalType.PerUser, 1)));

        // Reactivation by web brings it back.
        var reactivate = await Rdlic.OkAsync(server, "server", "reactivate", "--reason", "redeployed", "--method", "web", "--first-name", "Ada", "--last-name", "Lovelace");
        var licenseServerId = await browser.ActivateAsync("/activate", WebSite.RequestCodeIn(reactivate), Deployment.Contoso, "redeployed");
        await Rdlic.OkAsync(server, "server", "activate", "--license-server-id", licenseServerId);
        Assert.Equal("activated", (await Deployment.StatusAsync(server)).Activation.Status);
    }

    [Fact]
    public async Task Telephone_deactivation_through_the_operator()
    {
        await using var deployment = await Deployment.StartAsync();
        var server = await deployment.WebActivateAsync(await deployment.AddServerAsync());
        using var operatorConsole = await WebSite.OperatorAsync(deployment.Clearinghouse);

        var asked = await Rdlic.OkAsync(server, "server", "deactivate", "--method", "telephone", "--country", "Canada", "--first-name", "Ada", "--last-name", "Lovelace");
        Assert.Contains("Telephone:         +1 800 555 0199 (Canada)", asked);
        var confirmation = await operatorConsole.DeactivateAsync("/operator/deactivate", WebSite.RequestCodeIn(asked));
        await Rdlic.OkAsync(server, "server", "deactivate", "--confirmation-code", confirmation.ToLowerInvariant());

        Assert.Equal("deactivated", (await Deployment.StatusAsync(server)).Activation.Status);
    }

    [Fact]
    public async Task A_2016_servers_request_code_leaves_a_2022_retail_code_and_agreement_unused_for_a_2022_server()
    {
        await using var deployment = await Deployment.StartAsync();
        var old = await deployment.WebActivateAsync(await deployment.AddServerAsync(ProductVersion.WindowsServer2016));
        var current = await deployment.WebActivateAsync(await deployment.AddServerAsync(ProductVersion.WindowsServer2022));
        var ch = deployment.Clearinghouse;
        var licenseCode = await ch.IssueRetailCodeAsync(ProductVersion.WindowsServer2022, CalType.PerDevice, 5);
        var agreement = await ch.AddAgreementAsync(LicenseProgram.EnterpriseAgreement, ProductVersion.WindowsServer2022, CalType.PerUser, 10);
        using var browser = WebSite.Public(ch);

        // The form no longer has a version to type: a "serverVersion" field is ignored, the request code's version decides.
        var (retail, retailHtml) = await browser.TryPostAsync("/install", ("requestCode", await RequestCodeAsync(old, "licenses", "install", "--method", "web")),
            ("serverVersion", "2025"), ("program", "retail"), ("licenseCode", licenseCode));
        var (retry, retryHtml) = await browser.TryPostAsync("/install", ("requestCode", await RequestCodeAsync(old, "licenses", "install", "--method", "web")),
            ("program", "retail"), ("licenseCode", licenseCode));
        var (draw, drawHtml) = await browser.TryPostAsync("/install", ("requestCode", await RequestCodeAsync(old, "licenses", "install", "--method", "web")),
            ("program", "enterprise"), ("agreementNumber", agreement), ("version", "2022"), ("calType", "per-user"), ("quantity", "4"));

        Assert.Equal((HttpStatusCode.UnprocessableEntity, HttpStatusCode.UnprocessableEntity, HttpStatusCode.UnprocessableEntity), (retail, retry, draw));
        Assert.Contains("Windows Server 2022 CALs cannot be hosted on a Windows Server 2016 license server", retailHtml);
        Assert.DoesNotContain("already", retryHtml);
        Assert.Contains("cannot be hosted on a Windows Server 2016 license server", drawHtml);
        Assert.Null((await RetailCodeAsync(deployment, licenseCode)).UsedAt);
        var agreements = (await ch.Admin.GetFromJsonAsync<AgreementView[]>("/api/admin/agreements"))!;
        Assert.Equal(10, agreements.Single(a => a.Number == agreement).Entitlements.Single().Remaining);
        Assert.Empty(await Deployment.KeyPacksAsync(old));

        // Positive control: the 2022 server gets both, by web.
        await Rdlic.OkAsync(current, "licenses", "install", "--key-pack-id", await browser.InstallAsync("/install",
            await RequestCodeAsync(current, "licenses", "install", "--method", "web"), ("program", "retail"), ("licenseCode", licenseCode)));
        await Rdlic.OkAsync(current, "licenses", "install", "--key-pack-id", await browser.InstallAsync("/install",
            await RequestCodeAsync(current, "licenses", "install", "--method", "web"),
            ("program", "enterprise"), ("agreementNumber", agreement), ("version", "2022"), ("calType", "per-user"), ("quantity", "4")));
        Assert.Equal([4, 5], (await Deployment.KeyPacksAsync(current)).Select(p => p.Total).Order());
    }

    [Fact]
    public async Task A_key_pack_id_asked_with_server_xs_request_code_does_not_install_on_server_y()
    {
        await using var deployment = await Deployment.StartAsync();
        var x = await deployment.WebActivateAsync(await deployment.AddServerAsync());
        var y = await deployment.WebActivateAsync(await deployment.AddServerAsync());
        using var browser = WebSite.Public(deployment.Clearinghouse);
        var licenseCode = await deployment.Clearinghouse.IssueRetailCodeAsync(ProductVersion.WindowsServer2022, CalType.PerDevice, 6);
        var keyPackId = await browser.InstallAsync("/install", await RequestCodeAsync(x, "licenses", "install", "--method", "web"),
            ("program", "retail"), ("licenseCode", licenseCode));

        var refused = await Rdlic.FailsAsync(y, 1, "licenses", "install", "--key-pack-id", keyPackId);

        Assert.Contains("not issued for this license server", refused);
        Assert.Empty(await Deployment.KeyPacksAsync(y));
        await Rdlic.OkAsync(x, "licenses", "install", "--key-pack-id", keyPackId);
        Assert.Single(await Deployment.KeyPacksAsync(x));
    }

    [Fact]
    public async Task A_product_id_alone_or_a_replayed_request_code_does_nothing_at_the_clearinghouse()
    {
        await using var deployment = await Deployment.StartAsync();
        var server = await deployment.WebActivateAsync(await deployment.AddServerAsync());
        var before = Assert.Single(await deployment.ActivationRecordsAsync());
        using var browser = WebSite.Public(deployment.Clearinghouse);

        // What an attacker who read the Product ID in a CAL could type: the old form's field, or the Product ID as the code.
        var (byField, _) = await browser.TryPostAsync("/activate", ("productId", server.ProductId), ("reason", "redeployed"),
            ("company.firstName", "M"), ("company.lastName", "X"));
        var (asCode, _) = await browser.TryPostAsync("/deactivate", ("requestCode", server.ProductId), ("firstName", "M"), ("lastName", "X"));
        // A request code seen once (on a screen, in a mail) and typed again.
        var reactivate = await Rdlic.OkAsync(server, "server", "reactivate", "--reason", "redeployed", "--method", "web", "--first-name", "Ada", "--last-name", "Lovelace");
        var used = await browser.ActivateAsync("/activate", WebSite.RequestCodeIn(reactivate), Deployment.Contoso, "redeployed");
        var (replayed, replayHtml) = await browser.TryPostAsync("/activate", ("requestCode", WebSite.RequestCodeIn(reactivate)), ("reason", "redeployed"),
            ("company.firstName", "M"), ("company.lastName", "X"));

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest, HttpStatusCode.Conflict), (byField, asCode, replayed));
        Assert.Contains("each is good once", replayHtml);
        var records = await deployment.ActivationRecordsAsync();
        Assert.Equal(2, records.Length); // the first activation and the one legitimate reactivation
        Assert.Equal((used, "active"), (records[0].LicenseServerId, records[0].Status));
        Assert.Equal(before.LicenseServerId, records[1].LicenseServerId);
        await Rdlic.OkAsync(server, "server", "activate", "--license-server-id", used);
    }

    [Fact]
    public async Task A_confirmation_code_for_server_x_does_not_deactivate_server_y()
    {
        await using var deployment = await Deployment.StartAsync();
        var x = await deployment.WebActivateAsync(await deployment.AddServerAsync());
        var y = await deployment.WebActivateAsync(await deployment.AddServerAsync());
        using var browser = WebSite.Public(deployment.Clearinghouse);
        var yRequest = await RequestCodeAsync(y, "server", "deactivate", "--method", "web", "--first-name", "Ada", "--last-name", "Lovelace");
        var xConfirmation = await browser.DeactivateAsync("/deactivate", await RequestCodeAsync(x, "server", "deactivate", "--method", "web", "--first-name", "Ada", "--last-name", "Lovelace"));

        var refused = await Rdlic.FailsAsync(y, 1, "server", "deactivate", "--confirmation-code", xConfirmation);

        Assert.Contains("not issued for this license server", refused);
        Assert.Equal("activated", (await Deployment.StatusAsync(y)).Activation.Status);
        await Rdlic.OkAsync(y, "server", "deactivate", "--confirmation-code", await browser.DeactivateAsync("/deactivate", yRequest));
        await Rdlic.OkAsync(x, "server", "deactivate", "--confirmation-code", xConfirmation);
        Assert.Equal(("deactivated", "deactivated"), ((await Deployment.StatusAsync(x)).Activation.Status, (await Deployment.StatusAsync(y)).Activation.Status));
    }
}
