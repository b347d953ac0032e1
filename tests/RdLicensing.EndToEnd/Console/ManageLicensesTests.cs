using Microsoft.Playwright;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Versions;
using static Microsoft.Playwright.Assertions;

namespace RdLicensing.EndToEnd.Console;

/// <summary>The Manage Licenses wizard: migrate from a running or a dead license server, rebuild the database.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ManageLicensesTests(Browser browser)
{
    private static ILocator Error(IPage page) => page.Locator("#wizard-error");

    private static async Task<IPage> OpenAsync(Browser browser, TestLicenseServer server)
    {
        var page = await browser.NewPageAsync();
        await SignIn.AsAdministratorAsync(page, server, "/console/manage");
        await Expect(Wizard.CurrentStep(page)).ToHaveTextAsync("Action");
        return page;
    }

    [Fact]
    public async Task Licenses_migrate_from_a_running_license_server_key_pack_by_key_pack_with_an_error_on_each_step()
    {
        await using var deployment = await Deployment.StartAsync();
        var source = await Deployment.ActivateAsync(await deployment.AddServerAsync(ProductVersion.WindowsServer2022));
        var moving = await deployment.InstallRetailAsync(source, ProductVersion.WindowsServer2022, CalType.PerDevice, 10);
        var staying = await deployment.InstallRetailAsync(source, ProductVersion.WindowsServer2019, CalType.PerUser, 4);
        var target = await Deployment.ActivateAsync(await deployment.AddServerAsync());
        var page = await OpenAsync(browser, target);

        // Action: nothing chosen.
        await Wizard.NextAsync(page);
        await Expect(Error(page)).ToContainTextAsync("Choose what to do");
        await page.GetByLabel("Migrate licenses from a source license server to this license server").CheckAsync();
        await Wizard.NextAsync(page);

        // Source: running or not.
        await Expect(Wizard.CurrentStep(page)).ToHaveTextAsync("Source");
        await Wizard.NextAsync(page);
        await Expect(Error(page)).ToContainTextAsync("still runs or no longer functions");
        await page.GetByLabel("The source license server is being replaced by this license server (it still runs)").CheckAsync();
        await Wizard.NextAsync(page);

        // Source license server: its address and token, checked against it.
        await Expect(Wizard.CurrentStep(page)).ToHaveTextAsync("Source license server");
        await page.GetByLabel("Source license server address").FillAsync(SignIn.Url(source));
        await page.GetByLabel("Administrator token of the source license server").FillAsync("rdla_not-the-token");
        await Wizard.NextAsync(page);
        await Expect(Error(page)).ToContainTextAsync("does not accept this administrator token");
        Assert.Equal("true", await page.GetAttributeAsync("#source-token", "aria-invalid"));
        await page.GetByLabel("Administrator token of the source license server").FillAsync(source.AdminToken);
        await Wizard.NextAsync(page);

        // Licenses: the source's key packs with version, type and quantity, all ticked.
        await Expect(Wizard.CurrentStep(page)).ToHaveTextAsync("Licenses");
        var packs = page.Locator("table[aria-label='Source key packs'] tbody tr");
        await Expect(packs).ToHaveCountAsync(2);
        await Expect(page.Locator($"#pack-{moving.KeyPack.Id:N}")).ToBeCheckedAsync();
        await Expect(packs.Filter(new() { HasText = moving.KeyPack.Id.ToString() })).ToContainTextAsync("Windows Server 2022 — RDS Per Device CAL");
        await Expect(packs.Filter(new() { HasText = staying.KeyPack.Id.ToString() })).ToContainTextAsync("4");
        await Browser.ScreenshotAsync(page, "manage-licenses");
        await page.Locator($"#pack-{moving.KeyPack.Id:N}").UncheckAsync();
        await page.Locator($"#pack-{staying.KeyPack.Id:N}").UncheckAsync();
        await Wizard.NextAsync(page);
        await Expect(Error(page)).ToHaveTextAsync("Tick at least one key pack to migrate.");
        await page.Locator($"#pack-{moving.KeyPack.Id:N}").CheckAsync();
        await Wizard.NextAsync(page);

        // Confirm, then Finish.
        await Expect(Wizard.CurrentStep(page)).ToHaveTextAsync("Confirm");
        await Expect(page.Locator("form.wizard")).ToContainTextAsync($"Migrate 1 key pack(s) (10 license(s)) from the running license server {source.ProductId}");
        await Wizard.FinishAsync(page);

        await Expect(Wizard.CurrentStep(page)).ToHaveTextAsync("Completed");
        await Expect(page.Locator("#wizard-result")).ToContainTextAsync($"1 key pack(s) with 10 CAL(s) migrated from {source.ProductId}");
        await Expect(page.Locator("table[aria-label='Migrated key packs'] tbody tr")).ToContainTextAsync("Windows Server 2022 — RDS Per Device CAL");
        Assert.Equal(10, Assert.Single(await Deployment.KeyPacksAsync(target)).Total);
        Assert.Equal(staying.KeyPack.Id, Assert.Single(await Deployment.KeyPacksAsync(source)).Id);
    }

    [Fact]
    public async Task Licenses_migrate_from_a_license_server_that_no_longer_functions_by_its_license_server_id_and_their_purchase_identifiers()
    {
        await using var deployment = await Deployment.StartAsync();
        var source = await Deployment.ActivateAsync(await deployment.AddServerAsync(ProductVersion.WindowsServer2019));
        var code = await deployment.Clearinghouse.IssueRetailCodeAsync(ProductVersion.WindowsServer2019, CalType.PerDevice, 9);
        await Rdlic.OkAsync(source, "licenses", "install", "--program", "retail", "--code", code);
        var sourceId = (await Deployment.StatusAsync(source)).Activation.LicenseServerId!;
        await deployment.StopAsync(source);
        var target = await Deployment.ActivateAsync(await deployment.AddServerAsync(ProductVersion.WindowsServer2022));
        var page = await OpenAsync(browser, target);

        await page.GetByLabel("Migrate licenses from a source license server to this license server").CheckAsync();
        await Wizard.NextAsync(page);
        await page.GetByLabel("The source license server is no longer functioning").CheckAsync();
        await Wizard.NextAsync(page);

        // A mistyped group is named before anything is sent.
        var groups = sourceId.Split('-');
        groups[1] = (groups[1][0] == 'A' ? 'B' : 'A') + groups[1][1..];
        var lsid = page.GetByLabel("License Server ID of the source license server");
        await lsid.FillAsync(string.Join('-', groups));
        await Wizard.NextAsync(page);
        await Expect(Error(page)).ToContainTextAsync("group 2");
        Assert.Equal("true", await lsid.GetAttributeAsync("aria-invalid"));

        // The version is required, then the confirmation.
        await lsid.FillAsync(sourceId.ToLowerInvariant());
        await Wizard.NextAsync(page);
        await Expect(Error(page)).ToContainTextAsync("Choose the operating system version of the source license server");
        await page.GetByLabel("Operating system of the source license server").SelectOptionAsync("2019");
        await Wizard.NextAsync(page);
        await Expect(Error(page)).ToContainTextAsync("Tick the confirmation");
        await page.GetByLabel("I confirm that the source license server no longer functions and its CALs were removed from it").CheckAsync();
        await Wizard.NextAsync(page);

        // The purchase is proven with the original identifiers: required, then a code the source's packs were not bought with.
        await Expect(Error(page)).ToContainTextAsync("Choose the license program");
        await page.GetByLabel("License program").SelectOptionAsync("retail");
        await page.GetByLabel("Retail: license codes (one a line)").FillAsync(RdLicensing.Core.Codes.LicenseIdentifiers.NewRetailCode());
        await Wizard.NextAsync(page);
        await Expect(Wizard.CurrentStep(page)).ToHaveTextAsync("Confirm");
        await Wizard.FinishAsync(page);
        await Expect(Error(page)).ToContainTextAsync("is not recognized for license server");
        Assert.Empty(await Deployment.KeyPacksAsync(target));
        await Wizard.BackAsync(page);
        await page.GetByLabel("Retail: license codes (one a line)").FillAsync(code);
        await Wizard.NextAsync(page);

        await Expect(Wizard.CurrentStep(page)).ToHaveTextAsync("Confirm");
        await Expect(page.Locator("form.wizard")).ToContainTextAsync($"Windows Server 2019 license server with License Server ID {sourceId}");
        await Wizard.FinishAsync(page);

        await Expect(page.Locator("#wizard-result")).ToContainTextAsync("1 key pack(s) with 9 CAL(s) migrated");
        await Expect(page.Locator("table[aria-label='Migrated key packs'] tbody tr")).ToContainTextAsync("Windows Server 2019 — RDS Per Device CAL");
        Assert.Equal(9, Assert.Single(await Deployment.KeyPacksAsync(target)).Available);
    }

    [Fact]
    public async Task The_database_is_rebuilt_only_once_the_deletion_is_confirmed_and_the_clearinghouse_reissues_the_packs()
    {
        await using var deployment = await Deployment.StartAsync();
        var server = await Deployment.ActivateAsync(await deployment.AddServerAsync());
        var installed = await deployment.InstallRetailAsync(server, ProductVersion.WindowsServer2022, CalType.PerDevice, 5);
        var page = await OpenAsync(browser, server);

        await page.GetByLabel("Rebuild the license server database").CheckAsync();
        await Wizard.NextAsync(page);
        await Expect(Wizard.CurrentStep(page)).ToHaveTextAsync("Confirm deletion");
        await Expect(page.GetByLabel("I confirm that I want to delete the existing database")).Not.ToBeCheckedAsync();

        await Wizard.FinishAsync(page);
        await Expect(Error(page)).ToContainTextAsync("nothing was deleted");
        Assert.Single(await Deployment.KeyPacksAsync(server));

        await page.GetByLabel("I confirm that I want to delete the existing database").CheckAsync();
        await Wizard.FinishAsync(page);

        await Expect(Wizard.CurrentStep(page)).ToHaveTextAsync("Completed");
        await Expect(page.Locator("#wizard-result")).ToContainTextAsync("Deleted 1 key pack(s)");
        await Expect(page.Locator("#wizard-result")).ToContainTextAsync("The clearinghouse reissued 1 key pack(s); 5 license(s) are installed again.");
        await Expect(page.Locator("table[aria-label='Reissued key packs'] tbody tr")).ToContainTextAsync(installed.KeyPack.Id.ToString());
        Assert.Equal(5, Assert.Single(await Deployment.KeyPacksAsync(server)).Available);
    }
}
