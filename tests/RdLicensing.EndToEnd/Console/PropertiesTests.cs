using System.Net.Http.Json;
using RdLicensing.Core.Protocol;
using static Microsoft.Playwright.Assertions;

namespace RdLicensing.EndToEnd.Console;

/// <summary>The Properties page: connection method, required and optional information, saved through PUT /api/admin/properties.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PropertiesTests(Browser browser)
{
    [Fact]
    public async Task The_properties_show_what_activation_saved_refuse_wrong_fields_all_at_once_and_are_saved()
    {
        await using var deployment = await Deployment.StartAsync();
        var server = await Deployment.ActivateAsync(await deployment.AddServerAsync());
        var page = await browser.NewPageAsync();
        await SignIn.AsAdministratorAsync(page, server, "/console/properties");

        // What the automatic activation saved, in three sections.
        foreach (var section in new[] { "Connection Method", "Required Information", "Optional Information" })
            await Expect(page.Locator("nav.tabs")).ToContainTextAsync(section);
        await Expect(page.GetByLabel("Automatic connection (recommended)")).ToBeCheckedAsync();
        await Expect(page.GetByLabel("First name")).ToHaveValueAsync("Ada");
        await Expect(page.Locator("#company-Company")).ToHaveValueAsync("Contoso");
        await Expect(page.GetByLabel("Country or region *")).ToHaveValueAsync("United Kingdom");
        await Expect(page.GetByLabel("E-mail")).ToHaveValueAsync("ada@contoso.example");
        await Expect(page.Locator("#clearinghouse-url")).ToContainTextAsync(deployment.Clearinghouse.BaseAddress.Authority);
        await Browser.ScreenshotAsync(page, "properties");

        // Telephone without a country, an empty company and a wrong e-mail: all three named.
        await page.GetByLabel("Telephone", new() { Exact = true }).CheckAsync();
        await page.GetByLabel("Country or region (telephone)").SelectOptionAsync("");
        await page.Locator("#company-Company").FillAsync("");
        await page.GetByLabel("E-mail").FillAsync("ada.contoso.example");
        await page.GetByLabel("City").FillAsync("Sydney");
        await Wizard.SubmitAsync(page, "form.properties button[type=submit]");
        await Expect(page.Locator("#properties-errors")).ToHaveTextAsync("The properties were not saved: 3 fields need correcting.");
        await Expect(page.Locator("#country-error")).ToContainTextAsync("Choose the country or region you call from");
        await Expect(page.Locator("#company-Company-error")).ToHaveTextAsync("Company is required: activation fails without it.");
        await Expect(page.Locator("#company-Email-error")).ToHaveTextAsync("E-mail must be an address like name@example.com.");
        await Expect(page.GetByLabel("City")).ToHaveValueAsync("Sydney"); // what was typed stays
        var unchanged = await server.Admin.GetFromJsonAsync<PropertiesView>("/api/admin/properties");
        Assert.Equal(("automatic", "Contoso"), (unchanged!.ConnectionMethod, unchanged.Company.Company));

        await page.GetByLabel("Country or region (telephone)").SelectOptionAsync("Australia");
        await page.Locator("#company-Company").FillAsync("Contoso Pty");
        await page.GetByLabel("E-mail").FillAsync("ada@contoso.example");
        await Wizard.SubmitAsync(page, "form.properties button[type=submit]");

        await Expect(page.Locator("#saved")).ToHaveTextAsync("The properties are saved.");
        await Expect(page.Locator("#telephone-number")).ToHaveTextAsync("+61 1800 160 401");
        await Expect(page.GetByLabel("Telephone", new() { Exact = true })).ToBeCheckedAsync();
        var saved = await server.Admin.GetFromJsonAsync<PropertiesView>("/api/admin/properties");
        Assert.Equal(("telephone", "Australia", "Contoso Pty", "Sydney"), (saved!.ConnectionMethod, saved.CountryRegion, saved.Company.Company, saved.Company.City));

        // The Activate Server wizard starts from the saved properties.
        await page.GotoAsync(SignIn.Url(server, "/console/activate"));
        await Expect(page.GetByLabel("Telephone", new() { Exact = true })).ToBeCheckedAsync();
        await Expect(page.GetByLabel("Country or region (telephone)")).ToHaveValueAsync("Australia");
    }
}
