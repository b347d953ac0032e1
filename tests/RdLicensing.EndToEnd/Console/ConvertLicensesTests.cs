using System.Net.Http.Json;
using Microsoft.Playwright;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;

namespace RdLicensing.EndToEnd.Console;

/// <summary>Key packs → Convert Licenses, from the button on a pack's row to the converted packs in the table, through the clearinghouse.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ConvertLicensesTests(Browser browser)
{
    [Fact]
    public async Task An_administrator_converts_10_of_25_per_device_licenses_to_per_user_and_asking_for_more_than_available_is_refused()
    {
        await using var deployment = await Deployment.StartAsync();
        var server = await Deployment.ActivateAsync(await deployment.AddServerAsync());
        var installed = (await deployment.InstallRetailAsync(server, ProductVersion.WindowsServer2022, CalType.PerDevice, 25)).KeyPack;
        var page = await browser.NewPageAsync();
        var url = await SignIn.AsAdministratorAsync(page, server, "/console/keypacks");
        var table = page.GetByRole(AriaRole.Table, new() { Name = "Key packs" });
        var perDevice = table.Locator("tbody tr", new() { HasText = "RDS Per Device CAL" });

        // The action on the pack's row opens the first step: how many, out of how many, to which type.
        await perDevice.GetByRole(AriaRole.Button, new() { Name = "Convert Licenses" }).ClickAsync();
        await page.WaitForURLAsync(u => u.Contains($"convert={installed.Id}", StringComparison.Ordinal));
        var panel = page.GetByRole(AriaRole.Region, new() { Name = "Convert Licenses" });
        var facts = await panel.Locator("#convert-pack").InnerTextAsync();
        Assert.Contains("Windows Server 2022 RDS Per Device CAL (License Pack (Retail Purchase))", facts);
        Assert.Contains("25 / 0 / 25", facts);
        Assert.Contains("Windows Server 2022 RDS Per User CAL", facts);
        var quantity = panel.GetByLabel("Number of licenses to convert");
        Assert.True(await quantity.EvaluateAsync<bool>("e => e === document.activeElement")); // the keyboard starts in the box
        Assert.Contains("From 1 to 25", await panel.Locator("#quantity-hint").InnerTextAsync());

        // Step 1 validates what is typed: not a number, then more than can be converted.
        await quantity.FillAsync("ten");
        await quantity.PressAsync("Enter");
        Assert.Contains("“ten” is not a number of licenses: enter a whole number from 1 to 25.", await page.InnerTextAsync("#quantity-error[role=alert]"));
        await page.GetByLabel("Number of licenses to convert").FillAsync("26");
        await page.GetByRole(AriaRole.Button, new() { Name = "Next >", Exact = true }).ClickAsync();
        Assert.Contains("This key pack holds 25 license(s), so 26 cannot be converted: enter at most 25.", await page.InnerTextAsync("#quantity-error[role=alert]"));
        Assert.Equal("true", await page.GetByLabel("Number of licenses to convert").GetAttributeAsync("aria-invalid"));

        // Step 2 says what will happen; Back keeps the number.
        await page.GetByLabel("Number of licenses to convert").FillAsync("10");
        await page.GetByRole(AriaRole.Button, new() { Name = "Next >", Exact = true }).ClickAsync();
        Assert.Contains("Convert 10 of the 25 available Windows Server 2022 RDS Per Device CALs of this key pack to RDS Per User CALs?",
            await page.InnerTextAsync("#convert-summary"));
        var after = await page.InnerTextAsync("#convert-after");
        Assert.Contains("This key pack then holds 15 RDS Per Device CAL(s), 15 of them available.", after);
        Assert.Contains("A new key pack of 10 Windows Server 2022 RDS Per User CAL(s) is installed.", after);
        await page.GetByRole(AriaRole.Button, new() { Name = "< Back" }).ClickAsync();
        Assert.Equal("10", await page.GetByLabel("Number of licenses to convert").InputValueAsync());
        await page.GetByRole(AriaRole.Button, new() { Name = "Next >", Exact = true }).ClickAsync();
        await page.Locator("#convert-summary").WaitForAsync();
        await Browser.ScreenshotAsync(page, "convert-licenses");

        // Finish: the table shows 15 Per Device and a new pack of 10 Per User.
        await page.GetByRole(AriaRole.Button, new() { Name = "Convert", Exact = true }).ClickAsync();
        var result = await page.InnerTextAsync("#convert-result[role=status]");
        Assert.Contains("The licenses were converted.", result);
        Assert.Contains($"Converted 10 Windows Server 2022 RDS Per Device CALs of key pack {installed.Id} into RDS Per User CALs", result);
        Assert.Equal(0, await page.Locator("#convert").CountAsync());
        Assert.Equal(2, await table.Locator("tbody tr").CountAsync());
        Assert.Equal(new[] { "Windows Server 2022 — RDS Per Device CAL", "License Pack (Retail Purchase)", "15", "15", "0" },
            (await perDevice.Locator("td").AllInnerTextsAsync()).Take(5));
        var perUser = table.Locator("tbody tr", new() { HasText = "RDS Per User CAL" });
        Assert.Equal(new[] { "Windows Server 2022 — RDS Per User CAL", "License Pack (Retail Purchase)", "10", "10", "0" },
            (await perUser.Locator("td").AllInnerTextsAsync()).Take(5));
        Assert.Contains("current", await perUser.GetAttributeAsync("class") ?? "");
        var packs = await Deployment.KeyPacksAsync(server);
        Assert.Equal(25, packs.Sum(p => p.Total));

        // Asking for more than is available: the license server's refusal, its detail shown, and the numbers as they are now.
        await perDevice.GetByRole(AriaRole.Button, new() { Name = "Convert Licenses" }).ClickAsync();
        await page.WaitForURLAsync(u => u.Contains($"convert={installed.Id}", StringComparison.Ordinal));
        await page.GetByLabel("Number of licenses to convert").FillAsync("15");
        await page.GetByRole(AriaRole.Button, new() { Name = "Next >", Exact = true }).ClickAsync();
        await page.Locator("#convert-summary").WaitForAsync();
        // Meanwhile someone else (rdlic) converts 5 of them: only 10 are left when this administrator confirms 15.
        var meanwhile = await server.Admin.PostAsJsonAsync($"/api/admin/keypacks/{installed.Id}/convert", new KeyPackConversionBody(5));
        Assert.True(meanwhile.IsSuccessStatusCode, await meanwhile.Content.ReadAsStringAsync());
        await page.GetByRole(AriaRole.Button, new() { Name = "Convert", Exact = true }).ClickAsync();

        var refusal = await page.InnerTextAsync("#convert-refusal[role=alert]");
        Assert.Contains("The license server did not convert the licenses.", refusal);
        Assert.Contains($"Key pack {installed.Id} holds 10 Windows Server 2022 RDS Per Device CALs, so 15 cannot be converted. Convert at most 10.", refusal);
        Assert.Contains("10 / 0 / 10", await page.InnerTextAsync("#convert-pack"));
        Assert.Equal("15", await page.GetByLabel("Number of licenses to convert").InputValueAsync());
        Assert.Equal(0, await page.Locator("#convert-result").CountAsync());
        Assert.Equal(new[] { 10, 10, 5 }, (await Deployment.KeyPacksAsync(server)).Select(p => p.Total));
    }

    [Fact]
    public async Task Licenses_that_cannot_be_converted_say_why_on_the_first_step()
    {
        await using var deployment = await Deployment.StartAsync();
        var server = await Deployment.ActivateAsync(await deployment.AddServerAsync());
        var old = (await deployment.InstallRetailAsync(server, ProductVersion.WindowsServer2008R2, CalType.PerUser, 5)).KeyPack;
        var page = await browser.NewPageAsync();
        var url = await SignIn.AsAdministratorAsync(page, server);

        await page.GotoAsync(url + $"/console/keypacks?convert={old.Id}");

        Assert.Contains("Windows Server 2008 R2 licenses cannot be converted: Convert Licenses applies to Windows Server 2012 and later key packs.",
            await page.InnerTextAsync("#convert-blocked[role=alert]"));
        Assert.Equal(0, await page.GetByLabel("Number of licenses to convert").CountAsync());
        await page.GotoAsync(url + $"/console/keypacks?convert={Guid.NewGuid()}");
        Assert.Contains("on this license server (any longer)", await page.InnerTextAsync("#convert-error[role=alert]"));
    }
}
