using System.Net.Http.Json;
using Microsoft.Playwright;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using static Microsoft.Playwright.Assertions;

namespace RdLicensing.EndToEnd.Console;

/// <summary>Review Configuration: the checks, problems first, each fixed by its button.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ReviewConfigurationTests(Browser browser)
{
    [Fact]
    public async Task A_host_outside_the_security_group_is_a_problem_its_button_fixes_and_policies_switch_on_and_off()
    {
        await using var deployment = await Deployment.StartAsync();
        var server = await Deployment.ActivateAsync(await deployment.AddServerAsync());
        await deployment.InstallRetailAsync(server, ProductVersion.WindowsServer2022, CalType.PerDevice, 5);
        await server.EnrollHostAsync("rdsh-01", inSecurityGroup: true);
        await server.EnrollHostAsync("rdsh-02");
        (await server.Admin.PutAsJsonAsync("/api/admin/policies", new PoliciesUpdate(true, null))).EnsureSuccessStatusCode();
        var page = await browser.NewPageAsync();
        await SignIn.AsAdministratorAsync(page, server, "/console/review");

        await Expect(page.Locator("#problems-heading")).ToHaveTextAsync("1 problem(s) found");
        var problem = page.Locator("ul[aria-label=Problems] li");
        await Expect(problem).ToHaveCountAsync(1);
        await Expect(problem).ToContainTextAsync("security group policy is on and session host rdsh-02 is not in the group");
        var status = await Deployment.StatusAsync(server);
        var activation = page.Locator("section[aria-labelledby=activation-heading] dl");
        await Expect(activation).ToContainTextAsync("Activation status Activated", new() { UseInnerText = true });
        await Expect(activation).ToContainTextAsync($"Certificate expires {status.Activation.ExpiresAt:yyyy-MM-dd}", new() { UseInnerText = true });
        await Expect(page.Locator("#database-location")).ToHaveTextAsync(status.Database["sqlite:".Length..]);
        await Expect(page.Locator("#database-size")).ToContainTextAsync("KiB");
        var hosts = page.Locator("table[aria-label='Enrolled session hosts'] tbody tr");
        await Expect(hosts.Filter(new() { HasText = "rdsh-02" })).ToContainTextAsync("Not a member — refused");
        await Expect(page.Locator("table[aria-label=Policies] tbody tr").First).ToContainTextAsync("On");
        await Browser.ScreenshotAsync(page, "review-configuration");

        await Wizard.SubmitAsync(page, "ul[aria-label=Problems] button");

        await Expect(page.Locator("#review-done")).ToHaveTextAsync("Session host rdsh-02 was added to the license server security group.");
        await Expect(page.Locator("#problems-heading")).ToHaveTextAsync("No problems found");
        await Expect(hosts.Filter(new() { HasText = "rdsh-02" })).ToContainTextAsync("Member");
        Assert.All((await server.Admin.GetFromJsonAsync<SessionHostView[]>("/api/admin/sessionhosts"))!, h => Assert.True(h.InSecurityGroup));

        // Policies: prevent license upgrade on, then off again.
        await Wizard.SubmitAsync(page, "button:has-text('Turn on prevent license upgrade')");
        await Expect(page.Locator("#review-done")).ToHaveTextAsync("Prevent license upgrade is now on.");
        Assert.True((await server.Admin.GetFromJsonAsync<PoliciesView>("/api/admin/policies"))!.PreventLicenseUpgrade);
        await Wizard.SubmitAsync(page, "button:has-text('Turn off prevent license upgrade')");
        Assert.False((await server.Admin.GetFromJsonAsync<PoliciesView>("/api/admin/policies"))!.PreventLicenseUpgrade);
    }

    [Fact]
    public async Task A_server_that_is_not_activated_offers_activate_and_install_licenses()
    {
        await using var deployment = await Deployment.StartAsync();
        var server = await deployment.AddServerAsync();
        var page = await browser.NewPageAsync();
        await SignIn.AsAdministratorAsync(page, server, "/console/review");

        var problems = page.Locator("ul[aria-label=Problems] li");
        await Expect(problems.First).ToContainTextAsync("The license server is not activated");
        await Expect(problems.First.GetByRole(AriaRole.Link, new() { Name = "Activate" })).ToHaveAttributeAsync("href", "/console/activate");
        await Expect(problems.Filter(new() { HasText = "No licenses are installed" }).GetByRole(AriaRole.Link)).ToHaveAttributeAsync("href", "/console/install");
        await Expect(page.Locator("table[aria-label='Enrolled session hosts']")).ToHaveCountAsync(0);

        await problems.First.GetByRole(AriaRole.Link, new() { Name = "Activate" }).ClickAsync();
        await page.WaitForURLAsync("**/console/activate");
    }
}
