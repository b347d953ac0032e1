using Microsoft.Playwright;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Versions;
using static Microsoft.Playwright.Assertions;

namespace RdLicensing.EndToEnd.Console;

/// <summary>The Diagnoser page: a real session host's own diagnosis, problems first; what the license server knows of the others.</summary>
[Collection(BrowserCollection.Name)]
public sealed class DiagnoserTests(Browser browser)
{
    [Fact]
    public async Task A_session_host_added_to_the_console_shows_its_unset_licensing_mode_first_and_then_no_problem_once_set()
    {
        await using var deployment = await Deployment.StartAsync();
        var server = await Deployment.ActivateAsync(await deployment.AddServerAsync());
        await deployment.InstallRetailAsync(server, ProductVersion.WindowsServer2022, CalType.PerDevice, 5);
        await using var host = await ConsoleSessionHost.StartAsync(deployment.Clock, "rdsh-01");
        await host.JoinAsync(server); // enrolled and listed, licensing mode left unset
        await server.EnrollHostAsync("rdsh-02"); // enrolled, never added to the console
        var page = await browser.NewPageAsync();
        await SignIn.AsAdministratorAsync(page, server);
        var url = SignIn.Url(server, "/console/diagnoser");
        await page.GotoAsync(url);

        // Before any host is added: what the license server knows of each enrolled host, with a hint to add it.
        var notAdded = page.Locator("table[aria-label='Enrolled session hosts not added'] tbody tr");
        await Expect(notAdded).ToHaveCountAsync(2);
        await Expect(notAdded.Filter(new() { HasText = "rdsh-02" })).ToContainTextAsync("Has not asked this license server for a CAL since it was enrolled");
        await Expect(page.Locator("section[aria-labelledby=not-added-heading]")).ToContainTextAsync("admin.token");

        // Add a session host: the token is checked against the host.
        await page.GetByLabel("Session host address").FillAsync(host.Url);
        await page.GetByLabel("Session host administrator token").FillAsync(server.AdminToken);
        await Wizard.SubmitAsync(page, "button:has-text('Add session host')");
        await Expect(page.Locator("#add-error")).ToContainTextAsync("starts with rdsa_");
        await page.GetByLabel("Session host administrator token").FillAsync("rdsa_not-the-token");
        await Wizard.SubmitAsync(page, "button:has-text('Add session host')");
        await Expect(page.Locator("#add-error")).ToContainTextAsync($"The session host at {host.Url} does not accept this administrator token");
        await page.GetByLabel("Session host administrator token").FillAsync(host.AdminToken);
        await Wizard.SubmitAsync(page, "button:has-text('Add session host')");

        // Its diagnosis, problems first: the licensing mode was never set.
        var problems = page.Locator("ol[aria-label='Licensing problems'] > li");
        await Expect(problems.First).ToContainTextAsync("Error — rdsh-01: The licensing mode for the Remote Desktop Session Host server is not configured.");
        await Expect(problems.First).ToContainTextAsync("rdlic sessionhost config set --mode per-device");
        var article = page.Locator("article[aria-label='Session host rdsh-01']");
        await Expect(article).ToContainTextAsync("Enrolled on this license server");
        await Expect(article.Locator("dl.facts")).ToContainTextAsync("Licensing mode Not configured", new() { UseInnerText = true });
        await Expect(article.Locator("table tbody tr")).ToContainTextAsync("VALID");
        await Expect(notAdded).ToHaveCountAsync(1);
        await Expect(notAdded).ToContainTextAsync("rdsh-02");
        await Browser.ScreenshotAsync(page, "diagnoser");

        // Set the mode on the host; the console shows the host's new diagnosis.
        await host.SetModeAsync("per-device");
        await page.GotoAsync(url);
        await Expect(problems).ToHaveCountAsync(0);
        await Expect(page.Locator("section[aria-labelledby=problems-heading]")).ToContainTextAsync("did not identify any licensing problems");
        await Expect(article).ToContainTextAsync("The Remote Desktop Licensing Diagnoser did not identify any licensing problems for the Remote Desktop Session Host server rdsh-01.");

        // Remove it from the console: it is back among the hosts only the license server describes.
        await Wizard.SubmitAsync(page, "button[aria-label='Remove rdsh-01 from the console']");
        await Expect(article).ToHaveCountAsync(0);
        await Expect(notAdded).ToHaveCountAsync(2);
    }
}
