using System.Globalization;
using System.Net;
using Microsoft.Playwright;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Versions;

namespace RdLicensing.EndToEnd.Console;

[Collection(BrowserCollection.Name)]
public sealed class EventsTests(Browser browser)
{
    [Fact]
    public async Task The_event_log_is_newest_first_filtered_by_level_and_event_id_and_pages_back()
    {
        await using var deployment = await Deployment.StartAsync();
        var server = await Deployment.ActivateAsync(await deployment.AddServerAsync());
        await deployment.InstallRetailAsync(server, ProductVersion.WindowsServer2022, CalType.PerDevice, 5);
        var host = await ActivationEndToEndTests.HostAsync(server, "2022");
        for (var i = 1; i <= 40; i++) Assert.Equal("temporary-issued", (await host.ConnectAsync($"kiosk-{i:00}")).Outcome);
        // Two revocations with one allowed (20% of 5): the second is refused, a warning (81) naming the next possible date.
        var ids = new List<long>();
        foreach (var device in new[] { "hw-1", "hw-2" })
        {
            await host.ConnectAsync(device);
            await host.SignInAsync(device);
            ids.Add((await host.ConnectAsync(device)).Cal!.Id);
        }
        Assert.Equal(HttpStatusCode.OK, (await server.Admin.PostAsync($"/api/admin/cals/{ids[0]}/revoke", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await server.Admin.PostAsync($"/api/admin/cals/{ids[1]}/revoke", null)).StatusCode);
        var page = await browser.NewPageAsync();
        var url = await SignIn.AsAdministratorAsync(page, server, "/console/events");

        var table = page.GetByRole(AriaRole.Table, new() { Name = "Events" });
        Assert.Equal(new[] { "Date and Time", "Level", "Event ID", "Event", "Message", "Details" }, await table.Locator("thead th").AllInnerTextsAsync());
        var newest = table.Locator("tbody tr").First;
        Assert.Equal("Warning", await newest.Locator("td:nth-child(2)").InnerTextAsync());
        Assert.Equal("81", await newest.Locator("td:nth-child(3)").InnerTextAsync());
        Assert.Equal("Revocation limit reached", await newest.Locator("td:nth-child(4)").InnerTextAsync());
        Assert.Contains("the next revocation is possible on", await newest.Locator("td:nth-child(5)").InnerTextAsync());
        Assert.Equal(new[] { "Device hw-2", $"CAL {ids[1]}" }, await newest.Locator("td:nth-child(6) div").AllInnerTextsAsync());
        Assert.Equal("80", await table.Locator("tbody tr").Nth(1).Locator("td:nth-child(3)").InnerTextAsync()); // the revocation just before
        var times = await table.Locator("tbody tr td:first-child time").EvaluateAllAsync<string[]>("ts => ts.map(t => t.getAttribute('datetime'))");
        Assert.Equal(times.OrderDescending(StringComparer.Ordinal), times);
        Assert.Equal(50, await table.Locator("tbody tr").CountAsync());
        await Browser.ScreenshotAsync(page, "events");

        // Paging back: the next page starts where this one ended, and the last page says nothing older remains.
        var firstPage = await table.Locator("tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.id)");
        var pager = page.GetByRole(AriaRole.Navigation, new() { Name = "Pages of events" });
        await pager.GetByRole(AriaRole.Link, new() { Name = "Older events" }).ClickAsync();
        await page.WaitForURLAsync(u => u.Contains("before=", StringComparison.Ordinal));
        var secondPage = await table.Locator("tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.id)");
        Assert.NotEmpty(secondPage);
        Assert.True(Sequence(secondPage[0]) < Sequence(firstPage[^1]));
        Assert.Empty(firstPage.Intersect(secondPage));
        Assert.Equal(0, await pager.GetByRole(AriaRole.Link, new() { Name = "Older events" }).CountAsync());
        Assert.Contains("Older", await page.InnerTextAsync("#events-summary"));
        await pager.GetByRole(AriaRole.Link, new() { Name = "Newest events" }).ClickAsync();
        await page.WaitForURLAsync(u => !u.Contains("before=", StringComparison.Ordinal));
        Assert.Equal(firstPage, await table.Locator("tbody tr").EvaluateAllAsync<string[]>("rows => rows.map(r => r.id)"));

        // Level: warnings and worse, in the address so the view can be bookmarked.
        await page.GetByLabel("Level").SelectOptionAsync("warning");
        await page.GetByRole(AriaRole.Button, new() { Name = "Apply filter" }).ClickAsync();
        await page.WaitForURLAsync(u => u.Contains("level=warning", StringComparison.Ordinal));
        var levels = await table.Locator("tbody tr td:nth-child(2)").AllInnerTextsAsync();
        Assert.NotEmpty(levels);
        Assert.All(levels, level => Assert.Contains(level, new[] { "Warning", "Error" }));
        Assert.Contains("matching the filter", await page.InnerTextAsync("#events-summary"));

        // Event ID: only the temporary CALs issued, 25 a page.
        await page.GotoAsync(url + "/console/events?eventId=5001&pageSize=25");
        Assert.Equal("5001", await page.GetByLabel("Event ID").InputValueAsync());
        var temporaries = await table.Locator("tbody tr td:nth-child(3)").AllInnerTextsAsync();
        Assert.Equal(Enumerable.Repeat("5001", 25), temporaries);
        Assert.Equal("Temporary CAL issued", await table.Locator("tbody tr td:nth-child(4)").First.InnerTextAsync());
        await pager.GetByRole(AriaRole.Link, new() { Name = "Older events" }).ClickAsync();
        await page.WaitForURLAsync(u => u.Contains("before=", StringComparison.Ordinal));
        Assert.Contains("eventId=5001", page.Url);
        Assert.Equal(Enumerable.Repeat("5001", 17), await table.Locator("tbody tr td:nth-child(3)").AllInnerTextsAsync()); // 40 kiosks + hw-1 + hw-2

        await page.GotoAsync(url + "/console/events?eventId=5070");
        Assert.Equal("No event matches this filter.", await page.InnerTextAsync("#events-summary"));
        await page.GotoAsync(url + "/console/events?eventId=soon");
        Assert.Contains("The event ID must be a number", await page.InnerTextAsync("#events-error"));
        Assert.Equal("alert", await page.GetAttributeAsync("#events-error", "role"));
    }

    private static long Sequence(string rowId) => long.Parse(rowId["event-".Length..], CultureInfo.InvariantCulture);
}
