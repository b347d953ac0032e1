using System.Text;
using Microsoft.Playwright;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Versions;

namespace RdLicensing.EndToEnd.Console;

[Collection(BrowserCollection.Name)]
public sealed class ReportsTests(Browser browser)
{
    [Fact]
    public async Task A_cal_usage_report_is_created_listed_downloaded_as_csv_and_deleted()
    {
        await using var deployment = await Deployment.StartAsync();
        var server = await Deployment.ActivateAsync(await deployment.AddServerAsync());
        await deployment.InstallRetailAsync(server, ProductVersion.WindowsServer2022, CalType.PerUser, 2);
        await deployment.InstallRetailAsync(server, ProductVersion.WindowsServer2022, CalType.PerDevice, 10);
        var host = await ActivationEndToEndTests.HostAsync(server, "2022");
        foreach (var user in new[] { @"CONTOSO\ann", @"CONTOSO\ben", @"CONTOSO\cat" }) Assert.True((await host.ConnectUserAsync(user)).Licensed); // cat: OverUsed
        await host.ConnectAsync("hw-1");
        await host.SignInAsync("hw-1");
        Assert.Equal("permanent-issued", (await host.ConnectAsync("hw-1")).Outcome);
        var page = await browser.NewPageAsync();
        var url = await SignIn.AsAdministratorAsync(page, server, "/console/reports");
        Assert.Equal("No reports are saved. Create one above.", await page.InnerTextAsync("#reports-summary"));

        // Create Report → CAL Usage.
        Assert.Equal("cal-usage", await page.GetByLabel("Report type").InputValueAsync());
        await page.GetByRole(AriaRole.Button, new() { Name = "Create Report" }).ClickAsync();
        await page.WaitForURLAsync(u => u.Contains("/console/reports?created=", StringComparison.Ordinal)); // Post/Redirect/Get
        var id = new Uri(page.Url).Query["?created=".Length..];
        var created = await page.InnerTextAsync("#report-result");
        Assert.Contains($"Created CAL Usage report {id}: Per User CALs installed: 2, issued: 2, OverUsed: 1; Per Device CALs installed: 10, issued: 1.", created);
        var row = page.GetByRole(AriaRole.Table, new() { Name = "Reports" }).Locator($"#report-{id}");
        var cells = await row.Locator("td").AllInnerTextsAsync();
        Assert.Equal(deployment.Clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), cells[0][..10]);
        Assert.Equal("CAL Usage", cells[1]);
        Assert.Equal($"License server {server.ProductId}", cells[2]);
        Assert.Contains("Per User CALs installed: 2, issued: 2, OverUsed: 1", cells[3]); // the numbers of the CSV's pool row below
        Assert.Contains("Per Device CALs installed: 10, issued: 1", cells[3]);
        Assert.Equal(id, cells[4]);
        await Browser.ScreenshotAsync(page, "reports");

        // Download CSV: the console fetches it with the signed-in token and hands it over as an attachment.
        var download = await page.RunAndWaitForDownloadAsync(() => row.GetByRole(AriaRole.Link, new() { Name = "Download CSV" }).ClickAsync());
        Assert.Equal($"cal-usage-{id}.csv", download.SuggestedFilename);
        var csv = await File.ReadAllTextAsync((await download.PathAsync())!, Encoding.UTF8);
        var lines = csv.ReplaceLineEndings("\n").Split('\n');
        Assert.Equal("Report,CAL Usage", lines[0]);
        Assert.Equal($"Scope,License server {server.ProductId}", lines[2]);
        Assert.Contains("RDS Per User CAL,Windows Server 2022,2,2,0,0,1,0", lines); // installed 2, issued 2, OverUsed 1: as the words say
        var keyPacks = await Deployment.KeyPacksAsync(server);
        Assert.Equal(2, keyPacks.Where(k => k.Type == "per-user").Sum(k => k.Issued)); // and as Key packs say
        Assert.Contains("RDS Per Device CAL,Windows Server 2022,10,1,9,0,0,0", lines);
        Assert.Contains(lines, l => l.Contains(@",CONTOSO\cat,laptop,", StringComparison.Ordinal) && l.Contains(",yes,", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains(",PC-hw-1,hw-1,rdsh-01,", StringComparison.Ordinal));

        // Without the console's cookie there is nothing to download.
        var stranger = await browser.NewPageAsync();
        await stranger.GotoAsync($"{url}/console/reports/{id}/csv");
        Assert.Contains("/console/sign-in", stranger.Url);

        // Delete, after a confirmation; Cancel first leaves it alone.
        await row.GetByRole(AriaRole.Link, new() { Name = "Delete" }).ClickAsync();
        var confirm = page.GetByRole(AriaRole.Region, new() { Name = "Delete Report" });
        Assert.Contains($"Delete the CAL Usage report {id}", await confirm.InnerTextAsync());
        await confirm.GetByRole(AriaRole.Link, new() { Name = "Cancel" }).ClickAsync();
        await page.WaitForURLAsync(u => u == url + "/console/reports");
        Assert.Equal(1, await row.CountAsync());
        await row.GetByRole(AriaRole.Link, new() { Name = "Delete" }).ClickAsync();
        await confirm.GetByRole(AriaRole.Button, new() { Name = "Delete Report" }).ClickAsync();
        await page.WaitForURLAsync(u => u.Contains("deleted=" + id, StringComparison.Ordinal));
        Assert.Equal($"Report {id} was deleted.", await page.InnerTextAsync("#report-result"));
        Assert.Equal("No reports are saved. Create one above.", await page.InnerTextAsync("#reports-summary"));

        // Its old download address now says it is gone.
        await page.GotoAsync($"{url}/console/reports/{id}/csv");
        Assert.Contains("no longer exists", await page.GetByRole(AriaRole.Alert).Filter(new() { HasText = id }).InnerTextAsync());
    }
}
