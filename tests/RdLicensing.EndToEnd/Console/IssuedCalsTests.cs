using System.Globalization;
using System.Net.Http.Json;
using Microsoft.Playwright;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;

namespace RdLicensing.EndToEnd.Console;

[Collection(BrowserCollection.Name)]
public sealed class IssuedCalsTests(Browser browser)
{
    [Fact]
    public async Task An_administrator_filters_and_pages_through_the_cals_a_session_host_was_issued()
    {
        await using var deployment = await Deployment.StartAsync();
        var server = await Deployment.ActivateAsync(await deployment.AddServerAsync());
        await deployment.InstallRetailAsync(server, ProductVersion.WindowsServer2022, CalType.PerDevice, 20);
        await deployment.InstallRetailAsync(server, ProductVersion.WindowsServer2022, CalType.PerUser, 5);
        var host = await ActivationEndToEndTests.HostAsync(server, "2022");
        foreach (var device in new[] { "hw-1", "hw-2" }) await PermanentAsync(host, device); // an upgraded temporary CAL and an active one each
        for (var i = 1; i <= 9; i++) Assert.Equal("temporary-issued", (await host.ConnectAsync($"kiosk-{i}")).Outcome);
        Assert.Equal("per-user-issued", (await host.ConnectUserAsync(@"CONTOSO\ann")).Outcome);
        Assert.Equal("per-user-issued", (await host.ConnectUserAsync(@"CONTOSO\ben")).Outcome); // 15 CALs in all
        var page = await browser.NewPageAsync();
        var url = await SignIn.AsAdministratorAsync(page, server, "/console/cals");

        var table = page.GetByRole(AriaRole.Table, new() { Name = "Issued CALs" });
        Assert.Equal("Page 1 of 1: CALs 1–15 of 15.", await page.InnerTextAsync("#cals-summary"));
        var headers = await table.Locator("thead th").AllInnerTextsAsync();
        Assert.Equal(new[] { "ID", "Client", "User", "Type", "Status", "Issued", "Expires", "Version", "Session Host", "Hardware ID", "Notes" }, headers.Take(11));
        var ann = await table.Locator("tbody tr", new() { HasText = @"CONTOSO\ann" }).InnerTextAsync();
        Assert.Contains("Per User", ann);
        Assert.Contains("Windows Server 2022", ann);
        Assert.Contains("rdsh-01", ann);
        var kiosk = await table.Locator("tbody tr", new() { HasText = "PC-kiosk-3" }).Locator("td").AllInnerTextsAsync();
        Assert.Equal(new[] { "PC-kiosk-3", "—", "Per Device", "Temporary" }, kiosk.Skip(1).Take(4));
        Assert.Equal(new[] { "Windows Server 2022", "rdsh-01", "kiosk-3" }, kiosk.Skip(7).Take(3));
        Assert.Equal("awaiting sign-in", kiosk[10]);
        await Browser.ScreenshotAsync(page, "issued-cals");

        // Type: the filter form is a GET, so the filtered view has an address of its own.
        await page.GetByLabel("Type").SelectOptionAsync("per-user");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply filter" }).ClickAsync();
        await page.WaitForURLAsync(u => u.Contains("type=per-user", StringComparison.Ordinal));
        Assert.Equal(new[] { "Per User", "Per User" }, await table.Locator("tbody tr td:nth-child(4)").AllInnerTextsAsync());
        Assert.Contains("of 2 matching the filter", await page.InnerTextAsync("#cals-summary"));
        Assert.Equal(0, await table.GetByRole(AriaRole.Link, new() { Name = "Revoke License" }).CountAsync()); // Per User CALs cannot be revoked

        // Status, from a bookmarked address: the form shows the filter it came with.
        await page.GotoAsync(url + "/console/cals?type=per-device&status=active");
        Assert.Equal("per-device", await page.GetByLabel("Type").InputValueAsync());
        Assert.Equal("active", await page.GetByLabel("Status").InputValueAsync());
        var clients = await table.Locator("tbody tr td:nth-child(2)").AllInnerTextsAsync();
        Assert.Equal(new[] { "PC-hw-1", "PC-hw-2" }, clients.Order());
        Assert.Equal(2, await table.GetByRole(AriaRole.Link, new() { Name = "Revoke License" }).CountAsync());
        await page.GetByLabel("Status").SelectOptionAsync("upgraded");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply filter" }).ClickAsync();
        await page.WaitForURLAsync(u => u.Contains("status=upgraded", StringComparison.Ordinal));
        Assert.Equal(new[] { "Upgraded", "Upgraded" }, await table.Locator("tbody tr td:nth-child(5)").AllInnerTextsAsync());

        // Computer: a client name or a hardware id.
        await page.GotoAsync(url + "/console/cals");
        await page.GetByLabel("Computer").FillAsync("kiosk-7");
        await page.GetByLabel("Computer").PressAsync("Enter");
        await page.WaitForURLAsync(u => u.Contains("computer=kiosk-7", StringComparison.Ordinal));
        Assert.Contains("PC-kiosk-7", Assert.Single(await table.Locator("tbody tr").AllInnerTextsAsync()));
        await page.GotoAsync(url + "/console/cals");
        await page.GetByLabel("User", new() { Exact = true }).FillAsync("ann");
        await page.GetByLabel("User", new() { Exact = true }).PressAsync("Enter");
        await page.WaitForURLAsync(u => u.Contains("user=ann", StringComparison.Ordinal));
        Assert.Contains(@"CONTOSO\ann", Assert.Single(await table.Locator("tbody tr").AllInnerTextsAsync()));
        await page.GotoAsync(url + "/console/cals?computer=nobody-here");
        Assert.Equal("No issued CAL matches this filter.", await page.InnerTextAsync("#cals-summary"));

        // Paging, 10 a page: newest first, the filter kept from page to page.
        await page.GotoAsync(url + "/console/cals?type=per-device&pageSize=10");
        Assert.Equal("Page 1 of 2: CALs 1–10 of 13 matching the filter.", await page.InnerTextAsync("#cals-summary"));
        var firstPage = await table.Locator("tbody tr td:first-child").AllInnerTextsAsync();
        Assert.Equal(firstPage.OrderByDescending(id => long.Parse(id, CultureInfo.InvariantCulture)), firstPage);
        var pager = page.GetByRole(AriaRole.Navigation, new() { Name = "Pages of issued CALs" });
        await pager.GetByRole(AriaRole.Link, new() { Name = "Next page" }).ClickAsync();
        await page.WaitForURLAsync(u => u.Contains("page=2", StringComparison.Ordinal));
        Assert.Equal("Page 2 of 2: CALs 11–13 of 13 matching the filter.", await page.InnerTextAsync("#cals-summary"));
        Assert.Contains("type=per-device", page.Url);
        var secondPage = await table.Locator("tbody tr td:first-child").AllInnerTextsAsync();
        Assert.Equal(3, secondPage.Count);
        Assert.Empty(firstPage.Intersect(secondPage));
        Assert.Equal(0, await pager.GetByRole(AriaRole.Link, new() { Name = "Next page" }).CountAsync());
        await pager.GetByRole(AriaRole.Link, new() { Name = "Previous page" }).ClickAsync();
        await page.WaitForURLAsync(u => !u.Contains("page=2", StringComparison.Ordinal));
        Assert.Equal(firstPage, await table.Locator("tbody tr td:first-child").AllInnerTextsAsync());

        // A hand-made address the API refuses: its detail, as an alert.
        await page.GotoAsync(url + "/console/cals?status=lost");
        Assert.Contains("status must be one of", await page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "status" }).InnerTextAsync());
    }

    [Fact]
    public async Task Revoking_a_per_device_cal_shows_what_is_revocable_first_and_the_next_possible_date_once_the_20_percent_limit_is_reached()
    {
        await using var deployment = await Deployment.StartAsync();
        var server = await Deployment.ActivateAsync(await deployment.AddServerAsync());
        await deployment.InstallRetailAsync(server, ProductVersion.WindowsServer2022, CalType.PerDevice, 5); // 20% of 5: one at a time
        var host = await ActivationEndToEndTests.HostAsync(server, "2022");
        var first = await PermanentAsync(host, "hw-1");
        var second = await PermanentAsync(host, "hw-2");
        var page = await browser.NewPageAsync();
        var url = await SignIn.AsAdministratorAsync(page, server, "/console/cals?status=active");

        var allowances = await page.GetByRole(AriaRole.Table, new() { Name = "Revocable Per Device CALs" }).Locator("tbody tr td").AllInnerTextsAsync();
        Assert.Equal(new[] { "Windows Server 2022", "5", "1", "0", "1", "Now" }, allowances);

        // Step 1: Revoke License on hw-1's CAL asks first, with how many can be revoked now.
        var table = page.GetByRole(AriaRole.Table, new() { Name = "Issued CALs" });
        await table.Locator($"#cal-{first.Id}").GetByRole(AriaRole.Link, new() { Name = "Revoke License" }).ClickAsync();
        await page.WaitForURLAsync(u => u.Contains($"revoke={first.Id}", StringComparison.Ordinal));
        var confirm = page.GetByRole(AriaRole.Region, new() { Name = "Revoke License" });
        Assert.Contains($"Windows Server 2022 Per Device CAL {first.Id} issued to PC-hw-1 (hardware ID hw-1)", await confirm.InnerTextAsync());
        Assert.StartsWith("1 Windows Server 2022 Per Device CAL(s) can be revoked now: 0 of at most 1 are revoked", await page.InnerTextAsync("#revocable-now"));
        // Cancel leaves it alone.
        await confirm.GetByRole(AriaRole.Link, new() { Name = "Cancel" }).ClickAsync();
        await page.WaitForURLAsync(u => !u.Contains("revoke=", StringComparison.Ordinal));
        Assert.Equal("Active", await table.Locator($"#cal-{first.Id} td:nth-child(5)").InnerTextAsync());

        // Step 2: confirm: revoked, back in the pool, and none left to revoke until the revoked CAL would have expired.
        await table.Locator($"#cal-{first.Id}").GetByRole(AriaRole.Link, new() { Name = "Revoke License" }).ClickAsync();
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Revoke License" }).ClickAsync();
        var result = await page.InnerTextAsync("#revoke-result");
        var next = (await server.Admin.GetFromJsonAsync<CalView>($"/api/admin/cals/{first.Id}"))!.ExpiresAt;
        var nextText = next.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";
        Assert.Contains($"Revoked the Windows Server 2022 Per Device CAL {first.Id} of PC-hw-1 (hardware ID hw-1); its license is back in the pool.", result);
        Assert.Contains($"No Windows Server 2022 Per Device CAL can be revoked now: 1 of at most 1 are revoked (20% of the 5 installed, or 1). The next revocation is possible on {nextText}.", result);
        Assert.Equal(0, await page.GetByRole(AriaRole.Region, new() { Name = "Revoke License" }).CountAsync());
        Assert.Equal(1, await table.Locator("tbody tr").CountAsync()); // the view still shows active CALs only: hw-2's
        Assert.Equal("revoked", (await server.Admin.GetFromJsonAsync<CalView>($"/api/admin/cals/{first.Id}"))!.Status);
        Assert.Equal(1, (await Deployment.KeyPacksAsync(server)).Single().Issued);

        // The second one: the confirmation says beforehand that none can be revoked, and when; trying anyway is refused.
        await table.Locator($"#cal-{second.Id}").GetByRole(AriaRole.Link, new() { Name = "Revoke License" }).ClickAsync();
        await page.WaitForURLAsync(u => u.Contains($"revoke={second.Id}", StringComparison.Ordinal));
        Assert.Contains($"The next revocation is possible on {nextText}.", await page.InnerTextAsync("#revocable-now"));
        await Browser.ScreenshotAsync(page, "revoke");
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Revoke License" }).ClickAsync();
        var refusal = page.GetByRole(AriaRole.Alert).Filter(new() { HasText = "refused" });
        var refused = await refusal.InnerTextAsync();
        Assert.Contains($"The license server refused to revoke CAL {second.Id}.", refused);
        Assert.Contains("The revocation limit for Windows Server 2022 Per Device CALs is reached: 1 of at most 1", refused);
        Assert.Contains($"the next revocation is possible on {nextText}", refused);
        Assert.Equal("active", (await server.Admin.GetFromJsonAsync<CalView>($"/api/admin/cals/{second.Id}"))!.Status);

        // The revoked CAL in the list: its status and the date it was revoked.
        await page.GotoAsync(url + "/console/cals?status=revoked");
        var revokedRow = await table.Locator($"#cal-{first.Id}").InnerTextAsync();
        Assert.Contains("Revoked", revokedRow);
        Assert.Contains("revoked " + deployment.Clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), revokedRow);
        Assert.Equal(0, await table.GetByRole(AriaRole.Link, new() { Name = "Revoke License" }).CountAsync());
    }

    private static async Task<CalView> PermanentAsync(SessionHost host, string hardwareId)
    {
        Assert.Equal("temporary-issued", (await host.ConnectAsync(hardwareId)).Outcome);
        await host.SignInAsync(hardwareId);
        var permanent = await host.ConnectAsync(hardwareId);
        Assert.Equal("permanent-issued", permanent.Outcome);
        return permanent.Cal!;
    }
}
