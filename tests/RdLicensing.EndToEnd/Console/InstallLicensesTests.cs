using Microsoft.Playwright;
using RdLicensing.Core.Cals;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Versions;
using static Microsoft.Playwright.Assertions;

namespace RdLicensing.EndToEnd.Console;

/// <summary>The Install Licenses wizard against a running license server and clearinghouse: retail codes and agreements.</summary>
[Collection(BrowserCollection.Name)]
public sealed class InstallLicensesTests(Browser browser)
{
    [Fact]
    public async Task A_retail_code_with_a_wrong_group_is_named_as_typed_then_installed_and_the_code_cannot_be_used_twice()
    {
        await using var deployment = await Deployment.StartAsync();
        var server = await Deployment.ActivateAsync(await deployment.AddServerAsync());
        var code = await deployment.Clearinghouse.IssueRetailCodeAsync(ProductVersion.WindowsServer2022, CalType.PerDevice, 25);
        var page = await browser.NewPageAsync();
        await SignIn.AsAdministratorAsync(page, server, "/console/install");

        // License program: one must be chosen.
        await Expect(Wizard.CurrentStep(page)).ToHaveTextAsync("License program");
        await Wizard.NextAsync(page);
        await Expect(page.Locator("#program-error")).ToHaveTextAsync("Choose the license program you purchased the CALs under.");
        await page.GetByLabel("License Pack (Retail Purchase)").CheckAsync();
        await Wizard.NextAsync(page);

        // License code: a group typed with a character no code has is named as it is typed, and again when sent.
        await Expect(Wizard.CurrentStep(page)).ToHaveTextAsync("License program information");
        var groups = code.Split('-');
        var typo = groups.ToArray();
        typo[2] = typo[2][..2] + "U" + typo[2][3..];
        var box = page.GetByLabel("License code");
        await box.FillAsync(string.Join('-', typo.Take(3)));
        await Expect(page.Locator("#license-code-check [role=alert]")).ToHaveTextAsync(
            $"Group 3 ({typo[2]}) is wrong: 'U' is not a character of a license code. Check it and type it again.");
        await box.FillAsync(string.Join('-', typo));
        await Wizard.NextAsync(page);
        await Expect(page.Locator("#license-code-check [role=alert]")).ToContainTextAsync("Group 3");
        Assert.Empty(await Deployment.KeyPacksAsync(server));

        // Back keeps the program and the code typed.
        await Wizard.BackAsync(page);
        await Expect(page.GetByLabel("License Pack (Retail Purchase)")).ToBeCheckedAsync();
        await Wizard.NextAsync(page);
        await Expect(page.GetByLabel("License code")).ToHaveValueAsync(string.Join('-', typo));
        await page.GetByLabel("License code").FillAsync(code.ToLowerInvariant());
        await Expect(page.Locator("#license-code-check")).ToContainTextAsync("All 5 groups are typed and each is correct.");
        await Wizard.NextAsync(page);

        // Confirm: what will be installed, before Finish; nothing is installed yet.
        await Expect(Wizard.CurrentStep(page)).ToHaveTextAsync("Confirm");
        await Expect(page.Locator("#preview-program td")).ToHaveTextAsync("License Pack (Retail Purchase)");
        await Expect(page.Locator("#preview-code td")).ToHaveTextAsync(code);
        Assert.Empty(await Deployment.KeyPacksAsync(server));
        await Browser.ScreenshotAsync(page, "install-licenses-confirm");
        await Wizard.FinishAsync(page);

        // Completed: the key pack, with its license key pack ID; focus is on the result.
        await Expect(page.Locator("#installed")).ToHaveTextAsync("The licenses have been successfully installed.");
        Assert.Equal("result", await page.EvaluateAsync<string>("() => document.activeElement.id"));
        var pack = Assert.Single(await Deployment.KeyPacksAsync(server));
        var row = page.Locator("table[aria-label='Installed key pack'] tbody tr");
        await Expect(row).ToContainTextAsync("Windows Server 2022 — RDS Per Device CAL");
        await Expect(row).ToContainTextAsync("License Pack (Retail Purchase)");
        await Expect(row.Locator("td.num")).ToHaveTextAsync("25");
        await Expect(row).ToContainTextAsync(pack.Id.ToString());
        await Expect(page.Locator("#key-pack-id-code")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^([0-9A-Z]{5}-){33}[0-9A-Z]{5}$"));
        await Browser.ScreenshotAsync(page, "install-licenses");

        // The same code again: the clearinghouse's refusal is shown on the last step.
        await page.ClickAsync("text=Install more licenses");
        await page.GetByLabel("License Pack (Retail Purchase)").CheckAsync();
        await Wizard.NextAsync(page);
        await page.GetByLabel("License code").FillAsync(code);
        await Wizard.NextAsync(page);
        await Wizard.FinishAsync(page);
        await Expect(page.Locator("#wizard-error")).ToContainTextAsync("The licenses were not installed:");
        await Expect(Wizard.CurrentStep(page)).ToHaveTextAsync("License program information");
        Assert.Single(await Deployment.KeyPacksAsync(server));
    }

    [Fact]
    public async Task An_agreement_step_by_step_with_an_error_on_each_step_an_unknown_number_refused_and_back_keeping_what_was_typed()
    {
        await using var deployment = await Deployment.StartAsync();
        var server = await Deployment.ActivateAsync(await deployment.AddServerAsync());
        var agreement = await deployment.Clearinghouse.AddAgreementAsync(LicenseProgram.EnterpriseAgreement, ProductVersion.WindowsServer2022, CalType.PerUser, 50);
        var page = await browser.NewPageAsync();
        await SignIn.AsAdministratorAsync(page, server, "/console/install");

        await page.GetByLabel("Enterprise Agreement").CheckAsync();
        await Wizard.NextAsync(page);

        // Agreement number: empty, then too short.
        await Wizard.NextAsync(page);
        await Expect(page.Locator("#agreement-number-error")).ToHaveTextAsync("Type the Enterprise Agreement number (agreement or enrollment number): 7 digits.");
        await page.GetByLabel("Agreement number").FillAsync("12345");
        await Wizard.NextAsync(page);
        await Expect(page.Locator("#agreement-number-error")).ToHaveTextAsync("The Enterprise Agreement number has 7 digits; '12345' has 5 character(s).");
        var unknown = agreement == "7654321" ? "7654322" : "7654321";
        await page.GetByLabel("Agreement number").FillAsync(unknown);
        await Wizard.NextAsync(page);

        // Product version, license type, quantity: nothing chosen and a quantity out of range.
        await Expect(Wizard.CurrentStep(page)).ToHaveTextAsync("Product version and license type");
        await page.GetByLabel("Quantity").FillAsync("0");
        await Wizard.NextAsync(page);
        await Expect(page.Locator("#version-error")).ToHaveTextAsync("Choose the product version of the CALs.");
        await Expect(page.Locator("#type-error")).ToHaveTextAsync("Choose the license type: RDS Per Device CAL or RDS Per User CAL.");
        await Expect(page.Locator("#quantity-error")).ToHaveTextAsync("The quantity must be a whole number from 1 to 1,000,000; '0' is not.");
        await page.GetByLabel("Product version").SelectOptionAsync("2022");
        await page.GetByLabel("RDS Per User CAL").CheckAsync();
        await page.GetByLabel("Quantity").FillAsync("50");

        // Confirm shows what was chosen; the clearinghouse does not know that agreement: its refusal is shown, nothing is installed.
        await Wizard.NextAsync(page);
        await Expect(page.Locator("#preview-version td")).ToHaveTextAsync("Windows Server 2022");
        await Expect(page.Locator("#preview-type td")).ToHaveTextAsync("RDS Per User CAL");
        await Expect(page.Locator("#preview-quantity td")).ToHaveTextAsync("50");
        await Wizard.FinishAsync(page);
        await Expect(page.Locator("#wizard-error")).ToContainTextAsync("The licenses were not installed:");
        Assert.Empty(await Deployment.KeyPacksAsync(server));

        // Back keeps the agreement number and the choices of the last step.
        await Wizard.BackAsync(page);
        await Expect(page.GetByLabel("Agreement number")).ToHaveValueAsync(unknown);
        await page.GetByLabel("Agreement number").FillAsync(agreement);
        await Wizard.NextAsync(page);
        await Expect(page.GetByLabel("Product version")).ToHaveValueAsync("2022");
        await Expect(page.GetByLabel("RDS Per User CAL")).ToBeCheckedAsync();
        await Expect(page.GetByLabel("Quantity")).ToHaveValueAsync("50");
        await Wizard.NextAsync(page);
        await Expect(page.Locator("#preview-agreement td")).ToHaveTextAsync(agreement);
        await Wizard.FinishAsync(page);

        await Expect(page.Locator("#installed")).ToHaveTextAsync("The licenses have been successfully installed.");
        var row = page.Locator("table[aria-label='Installed key pack'] tbody tr");
        await Expect(row).ToContainTextAsync("Windows Server 2022 — RDS Per User CAL");
        await Expect(row).ToContainTextAsync("Enterprise Agreement");
        await Expect(row.Locator("td.num")).ToHaveTextAsync("50");
        var pack = Assert.Single(await Deployment.KeyPacksAsync(server));
        Assert.Equal(("enterprise", "per-user", 50), (pack.Program, pack.Type, pack.Total));
    }

    [Fact]
    public async Task An_open_license_needs_both_numbers_and_is_installed()
    {
        await using var deployment = await Deployment.StartAsync();
        var server = await Deployment.ActivateAsync(await deployment.AddServerAsync());
        var (number, authorization) = await deployment.Clearinghouse.AddOpenLicenseAsync(ProductVersion.WindowsServer2025, CalType.PerDevice, 10);
        var page = await browser.NewPageAsync();
        await SignIn.AsAdministratorAsync(page, server, "/console/install");

        await page.GetByLabel("Open License").CheckAsync();
        await Wizard.NextAsync(page);
        await page.GetByLabel("License number").FillAsync(number);
        await page.GetByLabel("Authorization number").FillAsync(authorization[..10]);
        await Wizard.NextAsync(page);
        await Expect(page.Locator("#authorization-number-error")).ToHaveTextAsync(
            $"The authorization number has 15 letters or digits; '{authorization[..10]}' has 10 character(s).");
        await page.GetByLabel("Authorization number").FillAsync(authorization);
        await Wizard.NextAsync(page);
        await Expect(page.Locator("#preview-authorization td")).ToHaveTextAsync(authorization);
        await Wizard.FinishAsync(page);

        await Expect(page.Locator("#installed")).ToHaveTextAsync("The licenses have been successfully installed.");
        await Expect(page.Locator("table[aria-label='Installed key pack'] tbody tr")).ToContainTextAsync("Windows Server 2025 — RDS Per Device CAL");
        Assert.Equal(10, Assert.Single(await Deployment.KeyPacksAsync(server)).Total);
    }
}
