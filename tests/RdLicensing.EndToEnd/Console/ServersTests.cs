using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace RdLicensing.EndToEnd.Console;

/// <summary>Servers: the license servers the console knows with their state marks; connect to another, switch back without retyping.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ServersTests(Browser browser)
{
    private static ILocator Row(IPage page, TestLicenseServer server) =>
        page.Locator("table[aria-label='License servers'] tbody tr").Filter(new() { HasText = SignIn.Url(server) });

    [Fact]
    public async Task An_administrator_connects_to_a_second_server_and_switches_back_without_retyping_its_token()
    {
        await using var deployment = await Deployment.StartAsync();
        var first = await Deployment.ActivateAsync(await deployment.AddServerAsync());
        var second = await deployment.AddServerAsync(); // not activated: an error mark
        var page = await browser.NewPageAsync();
        await SignIn.AsAdministratorAsync(page, first, "/console/servers");

        var rows = page.Locator("table[aria-label='License servers'] tbody tr");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(Row(page, first)).ToContainTextAsync("Current");
        // Activated and fine: the green mark (the simulated clock has its own banner and does not count as a problem).
        await Expect(Row(page, first).Locator(".mark.ok")).ToHaveCountAsync(1);
        await Expect(Row(page, first)).ToContainTextAsync("Activated until");
        await Expect(Row(page, first)).ToContainTextAsync(first.ProductId);

        // Connect to another server: the address and the token are checked like at sign-in.
        await page.GetByLabel("License server", new() { Exact = true }).FillAsync("not an address");
        await page.GetByLabel("Administrator token").FillAsync(second.AdminToken);
        await Wizard.SubmitAsync(page, "button:has-text('Connect')");
        await Expect(page.Locator("#connect-error")).ToContainTextAsync("must be an address like http://127.0.0.1:5080");
        await page.GetByLabel("License server", new() { Exact = true }).FillAsync(SignIn.Url(second));
        await page.GetByLabel("Administrator token").FillAsync("rdla_not-the-token");
        await Wizard.SubmitAsync(page, "button:has-text('Connect')");
        await Expect(page.Locator("#connect-error")).ToContainTextAsync("does not accept this administrator token");
        await page.GetByLabel("Administrator token").FillAsync(second.AdminToken);
        await Wizard.SubmitAsync(page, "button:has-text('Connect')");

        // Now signed in to the second server; the first stays known.
        await Expect(page.Locator("header.server")).ToContainTextAsync(second.ProductId);
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(rows.First).ToContainTextAsync(SignIn.Url(second));
        await Expect(Row(page, second)).ToContainTextAsync("Current");
        await Expect(Row(page, second)).ToContainTextAsync("Not activated");
        await Expect(Row(page, second).Locator(".mark.bad")).ToHaveCountAsync(1);
        await Expect(Row(page, first).Locator(".mark.ok")).ToHaveCountAsync(1);
        await Expect(Row(page, first)).Not.ToContainTextAsync("Current");
        await Browser.ScreenshotAsync(page, "servers");

        // Refresh replaces the list in place (htmx).
        await Row(page, second).EvaluateAsync("row => row.dataset.old = '1'");
        await page.GetByRole(AriaRole.Button, new() { Name = "Refresh" }).ClickAsync();
        await Expect(page.Locator("tr[data-old]")).ToHaveCountAsync(0);
        await Expect(rows).ToHaveCountAsync(2);

        // Switch back: no token to type.
        await Wizard.SubmitAsync(page, $"button[aria-label='Switch to {SignIn.Url(first)}']");
        await Expect(page.Locator("header.server")).ToContainTextAsync(first.ProductId);
        await Expect(Row(page, first)).ToContainTextAsync("Current");
        await page.GotoAsync(SignIn.Url(first) + "/console/keypacks"); // the other pages follow the switch
        await Expect(page.Locator("header.server")).ToContainTextAsync(first.ProductId);

        // Forget the second one.
        await page.GotoAsync(SignIn.Url(first) + "/console/servers");
        await Wizard.SubmitAsync(page, $"button[aria-label='Forget {SignIn.Url(second)}']");
        await Expect(rows).ToHaveCountAsync(1);
    }
}
