using Microsoft.Playwright;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Versions;

namespace RdLicensing.EndToEnd.Console;

[Collection(BrowserCollection.Name)]
public sealed class SignInTests(Browser browser)
{
    [Fact]
    public async Task An_administrator_signs_in_with_the_token_sees_the_server_and_its_key_packs_and_signs_out()
    {
        await using var deployment = await Deployment.StartAsync();
        var server = await Deployment.ActivateAsync(await deployment.AddServerAsync());
        await deployment.InstallRetailAsync(server, ProductVersion.WindowsServer2022, CalType.PerDevice, 25);
        var page = await browser.NewPageAsync();
        var url = SignIn.Url(server);

        await page.GotoAsync(url + "/console/keypacks");
        Assert.EndsWith("/console/sign-in?ReturnUrl=%2Fconsole%2Fkeypacks", page.Url); // nothing without signing in
        await page.FillAsync("#token", "rdla_not-the-token");
        await page.ClickAsync("button[type=submit]");
        Assert.Contains("does not accept this administrator token", await page.InnerTextAsync("#sign-in-error"));
        await Browser.ScreenshotAsync(page, "sign-in");

        await page.FillAsync("#token", server.AdminToken);
        await page.ClickAsync("button[type=submit]");
        await SignIn.ArrivedAsync(page, u => u == url + "/console/keypacks");
        var header = await page.InnerTextAsync("header.server");
        Assert.Contains(server.ProductId, header);
        Assert.Contains("Activated until", header);
        Assert.Contains("SIMULATED CLOCK", await page.InnerTextAsync("body")); // the deployment runs on a simulated clock
        var row = await page.InnerTextAsync("table[aria-label='Key packs'] tbody tr");
        Assert.Contains("Windows Server 2022 — RDS Per Device CAL", row);
        Assert.Contains("25", row);
        await Browser.ScreenshotAsync(page, "key-packs");

        await page.ClickAsync("text=Sign out");
        await page.WaitForURLAsync(url + "/console/sign-in");
        await page.GotoAsync(url + "/console");
        Assert.Contains("/console/sign-in", page.Url);
    }
}
