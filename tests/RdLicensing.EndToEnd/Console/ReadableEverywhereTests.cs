using System.Net.Http.Json;
using System.Security.Cryptography;
using Microsoft.Playwright;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;

namespace RdLicensing.EndToEnd.Console;

/// <summary>
/// issue 15: the console of a server with something to show — an exhausted Per Device pool, OverUsed Per User CALs, devices
/// with 64-character hardware IDs, a session host whose grace period ends in 10 days — is readable at a laptop's and a
/// phone's size, and what needs attention is the same list in the header, on the dashboard and in Review Configuration.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ReadableEverywhereTests(Browser browser)
{
    private static readonly string[] Pages =
    [
        "/console", "/console/servers", "/console/keypacks", "/console/cals", "/console/reports", "/console/events",
        "/console/review", "/console/properties", "/console/diagnoser", "/console/activate", "/console/install",
        "/console/manage", "/console/reactivate", "/console/deactivate", "/console/no-such-page",
    ];

    private static readonly (int Width, int Height)[] Sizes = [(1400, 1000), (390, 844)];

    [Fact]
    public async Task No_page_scrolls_sideways_at_1400_or_390_pixels_and_long_ids_are_shortened_with_a_copy_button()
    {
        await using var deployment = await Deployment.StartAsync();
        var (server, hardwareIds) = await BusyServerAsync(deployment);
        var page = await browser.NewPageAsync();
        var url = SignIn.Url(server);

        foreach (var (width, height) in Sizes)
        {
            await page.SetViewportSizeAsync(width, height);
            await page.GotoAsync(url + "/console/sign-in");
            await AssertNoSidewaysScrollAsync(page, "/console/sign-in", width);
            await Browser.ScreenshotAsync(page, $"sign-in-{width}");
        }
        await SignIn.AsAdministratorAsync(page, server);
        foreach (var (width, height) in Sizes)
        {
            await page.SetViewportSizeAsync(width, height);
            foreach (var path in Pages)
            {
                await page.GotoAsync(url + path);
                await AssertNoSidewaysScrollAsync(page, path, width);
                var name = path == "/console" ? "dashboard" : path["/console/".Length..];
                await Browser.ScreenshotAsync(page, $"{name}-{width}");
            }
        }

        // Below 900 px the menu is on top of the page, above the content, not beside it.
        await page.SetViewportSizeAsync(390, 844);
        await page.GotoAsync(url + "/console/cals");
        var menu = (await page.Locator("nav.tree").BoundingBoxAsync())!;
        var content = (await page.Locator("main").BoundingBoxAsync())!;
        Assert.True(menu.Width > 350 && content.Y >= menu.Y + menu.Height, $"menu {menu.Width}×{menu.Height} at y {menu.Y}, content at y {content.Y}");
        await page.SetViewportSizeAsync(1400, 1000);
        await page.GotoAsync(url + "/console/cals");
        menu = (await page.Locator("nav.tree").BoundingBoxAsync())!;
        Assert.True(menu.Width < 300, $"at 1400 px the menu is a column beside the content ({menu.Width} px wide)");

        // Issued CALs at 1400 px: the columns that matter fit beside a shortened hardware ID, which keeps its whole value.
        var table = page.GetByRole(AriaRole.Table, new() { Name = "Issued CALs" });
        var row = table.Locator("tbody tr", new() { HasText = "PC-01" }).Filter(new() { HasText = "Active" }); // its permanent CAL
        var hardwareCell = row.Locator("td:nth-child(10)");
        Assert.Equal(hardwareIds[0][..8] + "…", await hardwareCell.Locator("code").InnerTextAsync());
        Assert.Equal(hardwareIds[0], await hardwareCell.Locator("code").GetAttributeAsync("title"));
        var copy = hardwareCell.GetByRole(AriaRole.Button, new() { Name = "Copy hardware ID " + hardwareIds[0] });
        Assert.Equal(1, await copy.CountAsync());
        var expires = (await row.Locator("td:nth-child(7)").BoundingBoxAsync())!;
        Assert.True(expires.X + expires.Width <= 1400, $"Expires ends at {expires.X + expires.Width} px");
        // The button copies the whole value (or, where the clipboard is refused, shows and selects it).
        await page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        await copy.ClickAsync();
        await Assertions.Expect(copy).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("Copied|Selected"));
        var copied = await copy.InnerTextAsync() == "Copied"
            ? await page.EvaluateAsync<string>("() => navigator.clipboard.readText()")
            : await page.EvaluateAsync<string>("() => window.getSelection().toString()");
        Assert.Equal(hardwareIds[0], copied);

        // Status badges: OverUsed beside Active, not only in the last column.
        var overUsed = table.Locator("tbody tr", new() { HasText = @"CONTOSO\user3" }).Locator("td:nth-child(5) .badge");
        Assert.Equal(new[] { "Active", "OverUsed" }, await overUsed.AllInnerTextsAsync());
        Assert.Equal(new[] { "overused" }, (await overUsed.Nth(1).GetAttributeAsync("class"))!.Split(' ').Skip(1));

        // Key packs: the exhausted pack says so, and Convert is disabled with the reason.
        await page.GotoAsync(url + "/console/keypacks");
        var exhausted = page.GetByRole(AriaRole.Table, new() { Name = "Key packs" }).Locator("tbody tr", new() { HasText = "Per Device" });
        Assert.Contains("None left", await exhausted.Locator(".badge").AllInnerTextsAsync());
        Assert.True(await exhausted.GetByRole(AriaRole.Button, new() { Name = "Convert Licenses" }).IsDisabledAsync());
        Assert.Contains("All 4 licenses of this key pack are issued", await exhausted.Locator(".why-not").InnerTextAsync());
    }

    [Fact]
    public async Task What_needs_attention_is_the_same_list_in_the_header_the_dashboard_and_review_configuration_and_each_item_links_to_its_page()
    {
        await using var deployment = await Deployment.StartAsync();
        var (server, _) = await BusyServerAsync(deployment);
        var page = await browser.NewPageAsync();
        var url = await SignIn.AsAdministratorAsync(page, server);

        var dashboard = await ItemsAsync(page, "#attention");
        Assert.Contains("No Windows Server 2022 Per Device CALs are left: all 4 installed are issued.", dashboard);
        Assert.Contains("2 Windows Server 2022 Per User CAL(s) come from the OverUsed pool: install more Windows Server 2022 Per User CALs to be compliant.", dashboard);
        Assert.Contains(dashboard, m => m.StartsWith("Session host rdsh-02's grace period ends on ", StringComparison.Ordinal) && m.Contains("(in 10 days)"));
        Assert.Equal($"{dashboard.Count} items need attention", await page.InnerTextAsync("#attention-count"));
        Assert.Equal(dashboard, await ItemsAsync(page, "#attention-header"));

        await page.GotoAsync(url + "/console/review");
        Assert.Equal(dashboard, await ItemsAsync(page, "#attention"));
        Assert.Equal($"{dashboard.Count} items need attention", await page.InnerTextAsync("#attention-count"));

        // The header's count opens the list, and the OverUsed item's link lands on Issued CALs filtered to those CALs.
        await page.ClickAsync("#attention-count");
        var item = page.Locator("#attention-header li", new() { HasText = "OverUsed pool" });
        await item.GetByRole(AriaRole.Link, new() { Name = "Show the OverUsed CALs" }).ClickAsync();
        await page.WaitForURLAsync(u => u.Contains("/console/cals?", StringComparison.Ordinal));
        Assert.Contains("overused=true", page.Url);
        Assert.True(await page.GetByLabel("OverUsed Per User CALs only").IsCheckedAsync());
        Assert.Equal("2022", await page.GetByLabel("Version").InputValueAsync());
        var statuses = await page.GetByRole(AriaRole.Table, new() { Name = "Issued CALs" }).Locator("tbody tr td:nth-child(5)").AllInnerTextsAsync();
        Assert.Equal(2, statuses.Count);
        Assert.All(statuses, s => Assert.Contains("OverUsed", s));

        // The exhausted pool's item leads to Install Licenses; the host's to the Diagnoser.
        await page.GotoAsync(url + "/console");
        await page.Locator("#attention li", new() { HasText = "Per Device CALs are left" }).GetByRole(AriaRole.Link, new() { Name = "Install Licenses" }).ClickAsync();
        await page.WaitForURLAsync(url + "/console/install");
        await page.GotoAsync(url + "/console");
        await page.Locator("#attention li", new() { HasText = "rdsh-02's grace period" }).GetByRole(AriaRole.Link, new() { Name = "Diagnose rdsh-02" }).ClickAsync();
        await page.WaitForURLAsync(u => u.Contains("/console/diagnoser", StringComparison.Ordinal));

        // Fixed, it leaves all three places at once: 10 more Per Device CALs installed.
        await deployment.InstallRetailAsync(server, ProductVersion.WindowsServer2022, CalType.PerDevice, 10);
        await page.GotoAsync(url + "/console");
        var after = await ItemsAsync(page, "#attention");
        Assert.DoesNotContain(after, m => m.Contains("Per Device CALs are left", StringComparison.Ordinal));
        Assert.Equal(dashboard.Count - 1, after.Count);
        Assert.Equal($"{after.Count} items need attention", await page.InnerTextAsync("#attention-count"));
        await page.GotoAsync(url + "/console/review");
        Assert.Equal(after, await ItemsAsync(page, "#attention"));
    }

    /// <summary>
    /// axe-core (npm axe-core, the file named by $RDLIC_AXE; ./test.sh installs it) injected into every page at both sizes:
    /// no WCAG 2.1 A or AA violation.
    /// </summary>
    [Fact]
    public async Task Axe_core_finds_no_wcag_2_1_aa_violation_on_any_page()
    {
        var axe = Environment.GetEnvironmentVariable("RDLIC_AXE");
        if (axe is not { Length: > 0 } || !File.Exists(axe))
            throw new InvalidOperationException("RDLIC_AXE must name axe.min.js (./test.sh: npm install --prefix .tools/axe axe-core@4.14.1).");
        var script = await File.ReadAllTextAsync(axe);
        await using var deployment = await Deployment.StartAsync();
        var (server, _) = await BusyServerAsync(deployment);
        var page = await browser.NewPageAsync();
        var url = SignIn.Url(server);
        var violations = new List<string>();
        await page.GotoAsync(url + "/console/sign-in");
        violations.AddRange(await AxeAsync(page, script, "/console/sign-in"));
        await SignIn.AsAdministratorAsync(page, server);
        foreach (var (width, height) in Sizes)
        {
            await page.SetViewportSizeAsync(width, height);
            foreach (var path in Pages)
            {
                await page.GotoAsync(url + path);
                violations.AddRange((await AxeAsync(page, script, path)).Select(v => $"{width} px {v}"));
            }
        }
        Assert.True(violations.Count == 0, string.Join("\n", violations));
    }

    /// <summary>Runs axe (evaluated through the debugging protocol, so the page's CSP does not stop it) for WCAG 2.0/2.1 A and AA.</summary>
    private static async Task<IReadOnlyList<string>> AxeAsync(IPage page, string script, string path)
    {
        await page.EvaluateAsync(script);
        var found = await page.EvaluateAsync<string[]>("""
            async () => {
                const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
                return result.violations.map(v => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', ')}`);
            }
            """);
        return found.Select(v => $"{path}: {v}").ToList();
    }

    private static async Task<List<string>> ItemsAsync(IPage page, string list) =>
        [.. (await page.Locator(list + " li .message").AllTextContentsAsync()).Select(t => t.Trim())];

    private static async Task AssertNoSidewaysScrollAsync(IPage page, string path, int width)
    {
        var widths = await page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, window.innerWidth]");
        var (scroll, inner) = (widths[0], widths[1]);
        Assert.True(scroll <= inner, $"{path} at {width} px scrolls sideways: {scroll} px wide in a {inner} px window");
    }

    /// <summary>
    /// Activated; 4 Windows Server 2022 Per Device CALs, all issued to devices with 64-character hardware IDs; 2 Per User CALs and
    /// 4 users (2 OverUsed); rdsh-02 reports a grace period ending in 10 days.
    /// </summary>
    private static async Task<(Testing.TestLicenseServer Server, List<string> HardwareIds)> BusyServerAsync(Deployment deployment)
    {
        var server = await Deployment.ActivateAsync(await deployment.AddServerAsync());
        await deployment.InstallRetailAsync(server, ProductVersion.WindowsServer2022, CalType.PerDevice, 4);
        await deployment.InstallRetailAsync(server, ProductVersion.WindowsServer2022, CalType.PerUser, 2);
        using var host = await server.EnrollHostAsync("rdsh-01", inSecurityGroup: true);
        var hardwareIds = new List<string>();
        var licenses = new List<string?>();
        for (var i = 1; i <= 5; i++)
        {
            var hardwareId = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
            hardwareIds.Add(hardwareId);
            var first = await host.PostAsJsonAsync("/api/sessionhost/cals", new CalRequestBody("per-device", "2022", hardwareId, $"PC-{i:00}", null, null));
            licenses.Add((await first.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<CalResponseBody>())!.License);
            (await host.PostAsJsonAsync("/api/sessionhost/cals/sign-in", new SignInBody(hardwareId))).EnsureSuccessStatusCode();
        }
        // Their second connection upgrades four of them to permanent CALs: the pool is then empty.
        for (var i = 0; i < hardwareIds.Count; i++)
            (await host.PostAsJsonAsync("/api/sessionhost/cals", new CalRequestBody("per-device", "2022", hardwareIds[i], $"PC-{i + 1:00}", null, licenses[i]))).EnsureSuccessStatusCode();
        for (var i = 1; i <= 4; i++)
            (await host.PostAsJsonAsync("/api/sessionhost/cals", new CalRequestBody("per-user", "2022", null, "laptop", $@"CONTOSO\user{i}", null))).EnsureSuccessStatusCode();
        using var ending = await server.EnrollHostAsync("rdsh-02", inSecurityGroup: true);
        var now = (await server.Admin.GetFromJsonAsync<ClockView>("/api/admin/clock"))!.Now;
        (await ending.PostAsJsonAsync("/api/sessionhost/cals", new CalRequestBody("per-user", "2022", null, "laptop", @"CONTOSO\user1", null, now.AddDays(10)))).EnsureSuccessStatusCode();
        var status = await Deployment.StatusAsync(server);
        Assert.Equal(0, status.Pools.Single(p => p.Type == "per-device").Available);
        Assert.Equal(2, status.OverUsedPerUserCals);
        return (server, hardwareIds);
    }
}
