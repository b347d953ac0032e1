using RdLicensing.Core.Cals;
using RdLicensing.Core.Versions;
using static Microsoft.Playwright.Assertions;

namespace RdLicensing.EndToEnd.Console;

/// <summary>The Reactivate Server and Deactivate Server wizards against a running license server and clearinghouse.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ReactivateDeactivateTests(Browser browser)
{
    [Fact]
    public async Task Reactivation_for_a_reason_with_an_error_on_each_step_gives_a_new_license_server_id()
    {
        await using var deployment = await Deployment.StartAsync();
        var server = await Deployment.ActivateAsync(await deployment.AddServerAsync());
        await deployment.InstallRetailAsync(server, ProductVersion.WindowsServer2025, CalType.PerDevice, 5);
        var before = (await Deployment.StatusAsync(server)).Activation.LicenseServerId!;
        var page = await browser.NewPageAsync();
        await SignIn.AsAdministratorAsync(page, server, "/console/reactivate");

        // Reason: one of the five.
        await Expect(Wizard.CurrentStep(page)).ToHaveTextAsync("Reason");
        Assert.Equal(5, await page.Locator("input[name='Form.Reason']").CountAsync());
        await Wizard.NextAsync(page);
        await Expect(page.Locator("#reason-error")).ToHaveTextAsync("Choose the reason for reactivating the license server.");
        await page.GetByLabel("The private key has been compromised").CheckAsync();
        await Wizard.NextAsync(page);

        // Connection method: the telephone needs a country.
        await page.GetByLabel("Telephone", new() { Exact = true }).CheckAsync();
        await page.GetByLabel("Country or region (telephone)").SelectOptionAsync("");
        await Wizard.NextAsync(page);
        await Expect(page.Locator("#country-error")).ToContainTextAsync("Choose the country or region you call from");
        await page.GetByLabel("Automatic connection (recommended)").CheckAsync();
        await Wizard.NextAsync(page);

        // Confirmation: the names come from the properties; an empty one is refused; Back keeps what was typed.
        await Expect(Wizard.CurrentStep(page)).ToHaveTextAsync("Confirmation");
        await Expect(page.Locator("#summary")).ToContainTextAsync("The private key has been compromised");
        await Expect(page.GetByLabel("First name")).ToHaveValueAsync("Ada");
        await page.GetByLabel("Last name").FillAsync("");
        await page.GetByLabel("First name").FillAsync("Augusta");
        await Wizard.FinishAsync(page);
        await Expect(page.Locator("#last-name-error")).ToHaveTextAsync("Last name is required to reactivate.");
        await Wizard.BackAsync(page);
        await Expect(page.GetByLabel("Automatic connection (recommended)")).ToBeCheckedAsync();
        await Wizard.BackAsync(page);
        await Expect(page.GetByLabel("The private key has been compromised")).ToBeCheckedAsync();
        await Wizard.NextAsync(page);
        await Wizard.NextAsync(page);
        await Expect(page.GetByLabel("First name")).ToHaveValueAsync("Augusta");
        await page.GetByLabel("Last name").FillAsync("King");
        await Wizard.FinishAsync(page);

        await page.WaitForURLAsync("**/console/reactivate?done=1&reason=key-compromised");
        var after = (await Deployment.StatusAsync(server)).Activation.LicenseServerId!;
        Assert.NotEqual(before, after);
        await Expect(page.Locator("#license-server-id")).ToHaveTextAsync(after);
        await Expect(page.Locator("[role=status]").First).ToContainTextAsync("reactivated (the private key has been compromised). Issued CALs stay valid");
        await Browser.ScreenshotAsync(page, "reactivate");
        var record = (await deployment.ActivationRecordsAsync())[0];
        Assert.Equal(("key-compromised", "automatic", "King"), (record.Reason, record.Method, record.Company.LastName));
    }

    [Fact]
    public async Task Reactivation_by_web_browser_takes_the_license_server_id_of_the_clearinghouse_page()
    {
        await using var deployment = await Deployment.StartAsync();
        var server = await Deployment.ActivateAsync(await deployment.AddServerAsync());
        var before = (await Deployment.StatusAsync(server)).Activation.LicenseServerId!;
        var page = await browser.NewPageAsync();
        await SignIn.AsAdministratorAsync(page, server, "/console/reactivate");

        await page.GetByLabel("The license server has been redeployed").CheckAsync();
        await Wizard.NextAsync(page);
        await page.GetByLabel("Web Browser").CheckAsync();
        await Wizard.NextAsync(page);
        await Wizard.NextAsync(page);
        Assert.Equal(before, (await Deployment.StatusAsync(server)).Activation.LicenseServerId); // nothing changed yet

        await Expect(Wizard.CurrentStep(page)).ToHaveTextAsync("License Server ID");
        var clearinghouse = await page.RunAndWaitForPopupAsync(() => page.ClickAsync("#clearinghouse-link"));
        await Expect(clearinghouse.Locator("#requestCode")).ToHaveValueAsync((await page.InnerTextAsync("#request-code")).Trim());
        await Expect(clearinghouse.Locator("#reason")).ToHaveValueAsync("redeployed");
        await clearinghouse.ClickAsync("text=Get the License Server ID");
        var code = (await clearinghouse.InnerTextAsync("#license-server-id")).Trim().Replace(' ', '-');
        await page.GetByLabel("License Server ID").FillAsync(code);
        await Expect(page.Locator("#license-server-id-box-check")).ToContainTextAsync("All 30 groups are typed and each is correct.");
        await Wizard.FinishAsync(page);

        await page.WaitForURLAsync("**/console/reactivate?done=1&reason=redeployed");
        Assert.Equal(code, (await Deployment.StatusAsync(server)).Activation.LicenseServerId);
        var record = (await deployment.ActivationRecordsAsync())[0];
        Assert.Equal(("redeployed", "web"), (record.Reason, record.Method));
    }

    [Fact]
    public async Task Deactivation_with_an_error_on_each_step_tells_the_clearinghouse_and_the_server_issues_no_permanent_per_device_cals()
    {
        await using var deployment = await Deployment.StartAsync();
        var server = await Deployment.ActivateAsync(await deployment.AddServerAsync());
        var page = await browser.NewPageAsync();
        await SignIn.AsAdministratorAsync(page, server, "/console/deactivate");

        // Connection method and name: the name is required.
        await Expect(Wizard.CurrentStep(page)).ToHaveTextAsync("Connection method and name");
        await Expect(page.GetByLabel("Automatic connection (recommended)")).ToBeCheckedAsync(); // the properties' method
        await page.GetByLabel("First name").FillAsync(" ");
        await Wizard.NextAsync(page);
        await Expect(page.Locator("#first-name-error")).ToHaveTextAsync("First name is required to deactivate.");
        await page.GetByLabel("First name").FillAsync("Charles");
        await Wizard.NextAsync(page);

        // Confirmation: the box must be ticked; Back keeps the name.
        await Expect(Wizard.CurrentStep(page)).ToHaveTextAsync("Confirmation");
        await Expect(page.Locator("#summary")).ToContainTextAsync("Charles Lovelace");
        await Wizard.FinishAsync(page);
        await Expect(page.Locator("#confirm-error")).ToContainTextAsync("Tick the box to confirm");
        await Wizard.BackAsync(page);
        await Expect(page.GetByLabel("First name")).ToHaveValueAsync("Charles");
        await Wizard.NextAsync(page);
        await page.GetByLabel("I understand that this license server will issue no permanent Per Device CALs until it is reactivated.").CheckAsync();
        await Wizard.FinishAsync(page);

        await page.WaitForURLAsync("**/console/deactivate?done=1&method=automatic");
        await Expect(page.Locator("#deactivated")).ToContainTextAsync("The license server is deactivated: it returns to not activated: it issues no permanent Per Device CALs");
        await Expect(page.Locator("main")).ToContainTextAsync("The clearinghouse was told.");
        await Expect(page.Locator("header.server")).ToContainTextAsync("deactivated");
        await Browser.ScreenshotAsync(page, "deactivate");
        Assert.Equal("deactivated", (await Deployment.StatusAsync(server)).Activation.Status);
        Assert.Equal("deactivated", Assert.Single(await deployment.ActivationRecordsAsync()).Status);

        // Nothing left to deactivate: the wizard says so and offers reactivation.
        await page.GotoAsync(SignIn.Url(server, "/console/deactivate"));
        await Expect(page.Locator("main")).ToContainTextAsync("This license server is already deactivated");
        await Expect(page.Locator("main form.wizard")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Deactivation_by_telephone_says_which_number_to_call_and_waits_for_the_confirmation_code()
    {
        await using var deployment = await Deployment.StartAsync();
        var server = await deployment.WebActivateAsync(await deployment.AddServerAsync());
        var page = await browser.NewPageAsync();
        await SignIn.AsAdministratorAsync(page, server, "/console/deactivate");

        await page.GetByLabel("Telephone", new() { Exact = true }).CheckAsync();
        await page.GetByLabel("Country or region (telephone)").SelectOptionAsync("Canada");
        await page.GetByLabel("First name").FillAsync("Ada"); // a web activation saved no company information
        await page.GetByLabel("Last name").FillAsync("Lovelace");
        await Wizard.NextAsync(page);
        await page.GetByLabel("I understand that this license server will issue no permanent Per Device CALs until it is reactivated.").CheckAsync();
        await Wizard.FinishAsync(page);

        await Expect(Wizard.CurrentStep(page)).ToHaveTextAsync("Confirmation code");
        await Expect(page.Locator("#telephone-number")).ToContainTextAsync("call +1 800 555 0199 (Canada)");
        await Expect(page.Locator("#tell-clearinghouse")).ToContainTextAsync("Nothing changed yet");
        Assert.Equal("activated", (await Deployment.StatusAsync(server)).Activation.Status);

        using var operatorConsole = await WebSite.OperatorAsync(deployment.Clearinghouse);
        var confirmation = await operatorConsole.DeactivateAsync("/operator/deactivate", (await page.InnerTextAsync("#request-code")).Trim());
        var wrong = confirmation.Split('-');
        wrong[1] = wrong[1][..4] + (wrong[1][4] == 'A' ? 'B' : 'A');
        await page.GetByLabel("Confirmation code").FillAsync(string.Join(' ', wrong));
        await Expect(page.Locator("#confirmation-code-box-check [role=alert]")).ToContainTextAsync("Group 2");
        await page.GetByLabel("Confirmation code").FillAsync(confirmation.Replace('-', ' '));
        await Wizard.FinishAsync(page);

        await page.WaitForURLAsync("**/console/deactivate?done=1&method=telephone**");
        await Expect(page.Locator("#clearinghouse-confirmed")).ToContainTextAsync("The clearinghouse confirmed the deactivation");
        Assert.Equal("deactivated", (await Deployment.StatusAsync(server)).Activation.Status);
    }
}
