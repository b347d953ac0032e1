using System.Net.Http.Json;
using Microsoft.Playwright;
using RdLicensing.Core.Protocol;
using static Microsoft.Playwright.Assertions;

namespace RdLicensing.EndToEnd.Console;

/// <summary>The Activate Server wizard, by each connection method, against a running license server and clearinghouse.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ActivateServerTests(Browser browser)
{
    [Fact]
    public async Task Automatic_activation_step_by_step_with_an_error_on_each_step_and_back_keeping_what_was_typed()
    {
        await using var deployment = await Deployment.StartAsync();
        var server = await deployment.AddServerAsync();
        var page = await browser.NewPageAsync();
        await SignIn.AsAdministratorAsync(page, server, "/console/activate");
        await Expect(Wizard.CurrentStep(page)).ToHaveTextAsync("Connection method");

        // Connection method: the telephone needs a country.
        await page.GetByLabel("Telephone", new() { Exact = true }).CheckAsync();
        await Wizard.NextAsync(page);
        await Expect(page.Locator("#country-error")).ToContainTextAsync("Choose the country or region you call from");
        await page.GetByLabel("Automatic connection (recommended)").CheckAsync();
        await Wizard.NextAsync(page);

        // Required information: every empty field is named.
        await Expect(Wizard.CurrentStep(page)).ToHaveTextAsync("Company information");
        await page.FillAsync("#company-FirstName", "Grace");
        await page.FillAsync("#company-Company", "Fabrikam");
        await Wizard.NextAsync(page);
        await Expect(page.Locator("#company-LastName-error")).ToHaveTextAsync("Last name is required: activation fails without it.");
        await Expect(page.Locator("#company-CountryRegion-error")).ToContainTextAsync("Country or region is required");
        Assert.Equal("true", await page.GetAttributeAsync("#company-LastName", "aria-invalid"));
        await page.FillAsync("#company-LastName", "Hopper");
        await page.FillAsync("#company-CountryRegion", "Ireland");
        await Wizard.NextAsync(page);

        // Optional information: a wrong e-mail; Back keeps everything typed on both steps.
        await Expect(Wizard.CurrentStep(page)).ToHaveTextAsync("Optional information");
        await page.FillAsync("#company-Email", "grace-at-fabrikam");
        await page.FillAsync("#company-City", "Cork");
        await Wizard.FinishAsync(page);
        await Expect(page.Locator("#company-Email-error")).ToHaveTextAsync("E-mail must be an address like name@example.com.");
        await Wizard.BackAsync(page);
        await Expect(page.Locator("#company-FirstName")).ToHaveValueAsync("Grace");
        await Expect(page.Locator("#company-CountryRegion")).ToHaveValueAsync("Ireland");
        await Wizard.NextAsync(page);
        await Expect(page.Locator("#company-City")).ToHaveValueAsync("Cork");
        await Expect(page.Locator("#company-Email")).ToHaveValueAsync("grace-at-fabrikam");
        await page.FillAsync("#company-Email", "grace@fabrikam.example");
        await page.ClickAsync("button[value=finish]:not(.default-action)");

        // Completed: the License Server ID and its validity, the header shows the server activated.
        await page.WaitForURLAsync("**/console/activate?done=1");
        var status = await Deployment.StatusAsync(server);
        Assert.Equal("activated", status.Activation.Status);
        await Expect(page.Locator("#license-server-id")).ToHaveTextAsync(status.Activation.LicenseServerId!);
        await Expect(page.Locator("#valid-until")).ToHaveTextAsync($"{status.Activation.ExpiresAt:yyyy-MM-dd}");
        await Expect(page.Locator("header.server")).ToContainTextAsync("Activated until");
        var record = Assert.Single(await deployment.ActivationRecordsAsync());
        Assert.Equal(("automatic", "Fabrikam", "Cork", "grace@fabrikam.example"), (record.Method, record.Company.Company, record.Company.City, record.Company.Email));
        var properties = await server.Admin.GetFromJsonAsync<PropertiesView>("/api/admin/properties");
        Assert.Equal(("Grace", "Hopper", "Ireland"), (properties!.Company.FirstName, properties.Company.LastName, properties.Company.CountryRegion));
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Start Install Licenses Wizard now" })).ToHaveAttributeAsync("href", "/console/install");
    }

    [Fact]
    public async Task Web_browser_activation_on_the_clearinghouse_page_in_a_second_tab_names_a_mistyped_group_as_it_is_typed()
    {
        await using var deployment = await Deployment.StartAsync();
        var server = await deployment.AddServerAsync();
        var page = await browser.NewPageAsync();
        await SignIn.AsAdministratorAsync(page, server, "/console/activate");

        await page.GetByLabel("Web Browser").CheckAsync();
        await Wizard.NextAsync(page);
        await page.FillAsync("#company-FirstName", Deployment.Contoso.FirstName!);
        await page.FillAsync("#company-LastName", Deployment.Contoso.LastName!);
        await page.FillAsync("#company-Company", Deployment.Contoso.Company!);
        await page.FillAsync("#company-CountryRegion", Deployment.Contoso.CountryRegion!);
        await Wizard.NextAsync(page);
        await Wizard.NextAsync(page);

        // License Server Activation: the Product ID, and the clearinghouse page, which opens in a second tab.
        await Expect(Wizard.CurrentStep(page)).ToHaveTextAsync("License Server ID");
        var productId = await page.InnerTextAsync("#product-id");
        Assert.Equal(server.ProductId, productId);
        await Expect(page.Locator("#clearinghouse-link")).ToHaveTextAsync($"{deployment.Clearinghouse.BaseAddress}activate");
        var clearinghouse = await page.RunAndWaitForPopupAsync(() => page.ClickAsync("#clearinghouse-link"));
        await clearinghouse.WaitForLoadStateAsync();
        var requestCode = (await page.InnerTextAsync("#request-code")).Trim();
        Assert.Equal(server.ProductId, Core.Proof.ServerRequestCode.Read(requestCode).ProductId);
        await Expect(clearinghouse.Locator("#requestCode")).ToHaveValueAsync(requestCode); // filled in from the wizard
        await Expect(clearinghouse.Locator("[id='company.company']")).ToHaveValueAsync("Contoso");
        await clearinghouse.ClickAsync("text=Get the License Server ID");
        var licenseServerId = (await clearinghouse.InnerTextAsync("#license-server-id")).Trim().Replace(' ', '-');
        var groups = licenseServerId.Split('-');
        Assert.Equal(30, groups.Length);

        // Typing the License Server ID: the third group mistyped is named before the rest is typed.
        var wrong = groups.ToArray();
        wrong[2] = wrong[2][..4] + (wrong[2][4] == 'A' ? 'B' : 'A');
        var box = page.GetByLabel("License Server ID");
        await box.FillAsync(string.Join('-', wrong.Take(4)));
        await Expect(page.Locator("#license-server-id-box-check [role=alert]")).ToHaveTextAsync($"Group 3 ({wrong[2]}) is wrong. Check it and type it again.");
        await Browser.ScreenshotAsync(page, "activate-server");
        await box.FillAsync(string.Join(' ', wrong));
        await Expect(page.Locator("#license-server-id-box-check [role=alert]")).ToContainTextAsync("Group 3");
        await Wizard.FinishAsync(page); // sent anyway: refused here, nothing reaches the server
        await Expect(page.Locator("#license-server-id-box-check [role=alert]")).ToContainTextAsync($"Group 3 ({wrong[2]}) is wrong");
        Assert.Equal("not-activated", (await Deployment.StatusAsync(server)).Activation.Status);

        await page.GetByLabel("License Server ID").FillAsync(licenseServerId.ToLowerInvariant());
        await Expect(page.Locator("#license-server-id-box-check")).ToContainTextAsync("All 30 groups are typed and each is correct.");
        await page.ClickAsync("button[value=finish]:not(.default-action)");

        await page.WaitForURLAsync("**/console/activate?done=1");
        await Expect(page.Locator("#license-server-id")).ToHaveTextAsync(licenseServerId);
        Assert.Equal("activated", (await Deployment.StatusAsync(server)).Activation.Status);
        Assert.Equal("web", Assert.Single(await deployment.ActivationRecordsAsync()).Method);
    }

    [Fact]
    public async Task Telephone_activation_shows_the_number_of_the_chosen_country_and_takes_the_id_the_operator_reads()
    {
        await using var deployment = await Deployment.StartAsync();
        var server = await deployment.AddServerAsync();
        var page = await browser.NewPageAsync();
        await SignIn.AsAdministratorAsync(page, server, "/console/activate");

        await page.GetByLabel("Telephone", new() { Exact = true }).CheckAsync();
        await page.GetByLabel("Country or region (telephone)").SelectOptionAsync("Australia");
        await Wizard.NextAsync(page);
        foreach (var (id, value) in new[] { ("FirstName", "Ada"), ("LastName", "Lovelace"), ("Company", "Contoso"), ("CountryRegion", "Australia") })
            await page.FillAsync($"#company-{id}", value);
        await Wizard.NextAsync(page);
        await Wizard.NextAsync(page);

        await Expect(page.Locator("#telephone-number")).ToHaveTextAsync("+61 1800 160 401");
        using var operatorConsole = await WebSite.OperatorAsync(deployment.Clearinghouse);
        var code = await operatorConsole.ActivateAsync("/operator/activate", (await page.InnerTextAsync("#request-code")).Trim(), Deployment.Contoso);
        var wrong = code.Split('-');
        wrong[0] = "U" + wrong[0][1..];
        await page.GetByLabel("License Server ID").FillAsync(string.Join(' ', wrong));
        await Expect(page.Locator("#license-server-id-box-check [role=alert]")).ToContainTextAsync("Group 1");
        await page.GetByLabel("License Server ID").FillAsync(code.Replace('-', ' '));
        await page.ClickAsync("button[value=finish]:not(.default-action)");

        await page.WaitForURLAsync("**/console/activate?done=1");
        Assert.Equal("telephone", Assert.Single(await deployment.ActivationRecordsAsync()).Method);
        Assert.Equal(code, (await Deployment.StatusAsync(server)).Activation.LicenseServerId);
    }

    [Fact]
    public async Task The_typing_check_answers_only_a_signed_in_administrator_posting_the_console_form()
    {
        await using var deployment = await Deployment.StartAsync();
        var server = await deployment.AddServerAsync();
        const string path = "/console/check/license-server-id?field=Form.LicenseServerId";
        var typed = new Dictionary<string, string> { ["Form.LicenseServerId"] = "ABCDE" };

        // Not signed in (even with the API's bearer token): no answer.
        using var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = server.BaseAddress };
        anonymous.DefaultRequestHeaders.Authorization = new("Bearer", server.AdminToken);
        var refused = await anonymous.PostAsync(path, new FormUrlEncodedContent(typed));
        Assert.True(refused.StatusCode is System.Net.HttpStatusCode.Unauthorized or System.Net.HttpStatusCode.Redirect, refused.StatusCode.ToString());
        Assert.DoesNotContain("Group", await refused.Content.ReadAsStringAsync());

        // Signed in, but not from the console's form (no antiforgery token): refused.
        var page = await browser.NewPageAsync();
        await SignIn.AsAdministratorAsync(page, server);
        var forged = await page.APIRequest.PostAsync(SignIn.Url(server, path), new() { Form = FormOf(page, typed) });
        Assert.Equal(400, forged.Status);

        // From the wizard's form: the fragment, checked group by group.
        await page.GotoAsync(SignIn.Url(server, "/console/activate"));
        await page.GetByLabel("Web Browser").CheckAsync();
        await Wizard.NextAsync(page);
        foreach (var (id, value) in new[] { ("FirstName", "Ada"), ("LastName", "Lovelace"), ("Company", "Contoso"), ("CountryRegion", "Ireland") })
            await page.FillAsync($"#company-{id}", value);
        await page.PressAsync("#company-CountryRegion", "Enter"); // Enter goes forward, not back
        await Expect(Wizard.CurrentStep(page)).ToHaveTextAsync("Optional information");
        await Wizard.NextAsync(page);
        await page.GetByLabel("License Server ID").PressSequentiallyAsync("0123u-45");
        await Expect(page.Locator("#license-server-id-box-check [role=alert]")).ToHaveTextAsync(
            "Group 1 (0123U) is wrong: 'U' is not a character of a License Server ID. Check it and type it again.");
    }

    private static IFormData FormOf(IPage page, Dictionary<string, string> values)
    {
        var form = page.APIRequest.CreateFormData();
        foreach (var (name, value) in values) form.Set(name, value);
        return form;
    }
}

/// <summary>Moving through the console's wizards as a person does.</summary>
internal static class Wizard
{
    /// <summary>Selects the visible Next button and waits until the wizard's next page has loaded.</summary>
    public static Task NextAsync(IPage page) => SubmitAsync(page, "button[value=next]:not(.default-action)");

    public static Task FinishAsync(IPage page) => SubmitAsync(page, "button[value=finish]:not(.default-action)");

    public static Task BackAsync(IPage page) => SubmitAsync(page, "button[value=back]");

    /// <summary>Clicks and waits for the page the form post answers (a new document: the old one's mark is gone).</summary>
    public static async Task SubmitAsync(IPage page, string button)
    {
        await page.EvaluateAsync("() => { window.__beforeSubmit = true; }");
        await page.ClickAsync(button);
        await page.WaitForFunctionAsync("() => !window.__beforeSubmit && document.readyState === 'complete'");
    }

    public static ILocator CurrentStep(IPage page) => page.Locator("ol.steps [aria-current=step]");
}
