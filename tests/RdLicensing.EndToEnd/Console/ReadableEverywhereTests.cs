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
        "/console/review", "/console/properties", "/console/diagnoser", "/console/sessionhosts", "/console/activate", "/console/install",
        "/console/manage", "/console/reactivate", "/console/deactivate", "/console/no-such-page",
    ];

    private static readonly (int Width, int Height)[] Sizes = [(1400, 1000), (390, 844)];

    /// <summary>The clearinghouse's pages (anonymous), in the console's look since issue 15; the screenshot names start with "clearinghouse".</summary>
    private static readonly string[] ClearinghousePages =
        ["/", "/activate", "/install", "/install?program=open", "/install?program=enterprise", "/migrate", "/migrate?source=retail", "/migrate?source=open",
         "/migrate?source=enterprise", "/deactivate", "/telephone", "/operator/login"];

    private static string ClearinghouseShotName(string path) =>
        "clearinghouse" + (path == "/" ? "" : "-" + path.TrimStart('/').Replace("?program=", "-").Replace("?source=", "-").Replace('/', '-'));

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
        var clearinghouse = deployment.Clearinghouse.BaseAddress.ToString().TrimEnd('/');
        foreach (var (width, height) in Sizes)
        {
            await page.SetViewportSizeAsync(width, height);
            foreach (var path in ClearinghousePages)
            {
                await page.GotoAsync(clearinghouse + path);
                await AssertNoSidewaysScrollAsync(page, "clearinghouse " + path, width);
                await Browser.ScreenshotAsync(page, $"{ClearinghouseShotName(path)}-{width}");
            }
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
        var clearinghouse = deployment.Clearinghouse.BaseAddress.ToString().TrimEnd('/');
        foreach (var (width, height) in Sizes)
        {
            await page.SetViewportSizeAsync(width, height);
            foreach (var path in ClearinghousePages)
            {
                await page.GotoAsync(clearinghouse + path);
                violations.AddRange((await AxeAsync(page, script, "clearinghouse " + path)).Select(v => $"{width} px {v}"));
            }
        }
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

    /// <summary>
    /// The dashboard's charts answer questions with the same numbers as the status (and so the CSV): each pool on its own
    /// chart with OverUsed, devices and users licensed against installed, legends that are HTML lists.
    /// </summary>
    [Fact]
    public async Task The_dashboard_charts_each_pool_with_overused_and_licensed_against_installed_in_the_status_numbers()
    {
        await using var deployment = await Deployment.StartAsync();
        var (server, _) = await BusyServerAsync(deployment);
        var page = await browser.NewPageAsync();
        await SignIn.AsAdministratorAsync(page, server);
        var status = await Deployment.StatusAsync(server);
        var devices = status.Pools.Single(p => p.Type == "per-device");
        var users = status.Pools.Single(p => p.Type == "per-user");

        // 4 devices hold the 4 permanent Per Device CALs; 4 users hold the 2 Per User CALs and 2 OverUsed ones.
        Assert.Equal($"{devices.Issued} of {devices.Total}", await page.InnerTextAsync("#card-devices"));
        Assert.Equal("4 of 4", await page.InnerTextAsync("#card-devices"));
        Assert.Equal($"{users.Issued + users.OverUsed} of {users.Total}", await page.InnerTextAsync("#card-users"));
        Assert.Equal("4 of 2", await page.InnerTextAsync("#card-users"));
        Assert.Contains("today 2 of 2 issued, 2 OverUsed", await page.InnerTextAsync("#pool-per-user-2022 figcaption"));
        Assert.Contains("OverUsed 2 on", await page.InnerHTMLAsync("#chart-pool-per-user-2022"));
        Assert.Contains("today 4 licensed, 2 installed, 2 beyond", await page.InnerTextAsync("#licensed-users figcaption"));
        Assert.Equal(["Installed", "Issued", "OverUsed"], await page.Locator("ul.legend").First.Locator("li").AllInnerTextsAsync());
        Assert.Equal(1, await page.Locator("#refusals-none").CountAsync()); // nothing was refused

        // At 390 px the small charts stack and the legend wraps inside the page.
        await page.SetViewportSizeAsync(390, 844);
        await page.ReloadAsync();
        var legend = (await page.Locator("ul.legend").First.BoundingBoxAsync())!;
        Assert.True(legend.X + legend.Width <= 390, $"the legend ends at {legend.X + legend.Width} px");
        await Browser.ScreenshotAsync(page, "dashboard-charts-390");
    }

    /// <summary>Tables sort by a column with the keyboard, on the server, and the address keeps the order; a pack's own CALs are one click away.</summary>
    [Fact]
    public async Task Tables_sort_by_column_from_the_keyboard_the_address_keeps_it_and_a_pack_links_to_its_own_cals()
    {
        await using var deployment = await Deployment.StartAsync();
        var (server, _) = await BusyServerAsync(deployment);
        var page = await browser.NewPageAsync();
        var url = await SignIn.AsAdministratorAsync(page, server);

        await page.GotoAsync(url + "/console/cals?type=per-device");
        var table = page.GetByRole(AriaRole.Table, new() { Name = "Issued CALs" });
        Assert.Equal("descending", await table.Locator("th[aria-sort]").GetAttributeAsync("aria-sort")); // newest first by ID
        await table.Locator("th a[data-sort=client]").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await page.WaitForURLAsync(u => u.Contains("sort=client", StringComparison.Ordinal));
        Assert.Contains("type=per-device", page.Url); // the filter is kept
        Assert.Contains("dir=asc", page.Url);
        table = page.GetByRole(AriaRole.Table, new() { Name = "Issued CALs" });
        Assert.Equal("ascending", await table.Locator("th[aria-sort]").GetAttributeAsync("aria-sort"));
        var clients = await table.Locator("tbody tr td:nth-child(2)").AllInnerTextsAsync();
        Assert.Equal(clients.Order(StringComparer.OrdinalIgnoreCase).ToList(), clients.ToList());
        Assert.Equal("PC-01", clients[0]);
        // Again: descending, from the same link.
        await table.Locator("th a[data-sort=client]").ClickAsync();
        await page.WaitForURLAsync(u => u.Contains("dir=desc", StringComparison.Ordinal));
        clients = await page.GetByRole(AriaRole.Table, new() { Name = "Issued CALs" }).Locator("tbody tr td:nth-child(2)").AllInnerTextsAsync();
        Assert.Equal("PC-05", clients[0]);
        // The filter form keeps the order too.
        await page.ClickAsync("text=Apply filter");
        await page.WaitForLoadStateAsync();
        Assert.Contains("sort=client", page.Url);

        // Key packs: by Available, and the Per Device pack's Issued number opens exactly its own CALs.
        await page.GotoAsync(url + "/console/keypacks?sort=available&dir=asc");
        var packs = page.GetByRole(AriaRole.Table, new() { Name = "Key packs" });
        var available = await packs.Locator("tbody tr td:nth-child(4)").AllInnerTextsAsync();
        Assert.Equal(available.OrderBy(int.Parse).ToList(), available.ToList());
        var perDevice = packs.Locator("tbody tr", new() { HasText = "Per Device" });
        var issued = await perDevice.Locator("td:nth-child(5) a").InnerTextAsync();
        await perDevice.Locator("td:nth-child(5) a").ClickAsync();
        await page.WaitForURLAsync(u => u.Contains("keyPack=", StringComparison.Ordinal));
        var own = page.GetByRole(AriaRole.Table, new() { Name = "Issued CALs" }).Locator("tbody tr");
        Assert.StartsWith("4", issued);
        Assert.Equal(4, await own.CountAsync());
        Assert.All(await own.Locator("td:nth-child(4)").AllInnerTextsAsync(), t => Assert.Equal("Per Device", t));

        // Events: by level, the pager and the address keep it.
        await page.GotoAsync(url + "/console/events?sort=level&dir=desc");
        Assert.Equal("descending", await page.Locator("table[aria-label=Events] th[aria-sort]").GetAttributeAsync("aria-sort"));
        await Browser.ScreenshotAsync(page, "events-sorted");
    }

    /// <summary>The clearinghouse's Install licenses page asks only the chosen program's fields and ends with the console's next step.</summary>
    [Fact]
    public async Task The_clearinghouse_install_page_shows_only_the_chosen_programs_fields()
    {
        await using var deployment = await Deployment.StartAsync();
        var page = await browser.NewPageAsync();
        var clearinghouse = deployment.Clearinghouse.BaseAddress.ToString().TrimEnd('/');

        await page.GotoAsync(clearinghouse + "/install?requestCode=ABCDE");
        Assert.Equal(1, await page.Locator("form[method=post] #licenseCode").CountAsync());
        Assert.Equal(0, await page.Locator("form[method=post] #agreementNumber").CountAsync());
        await page.Locator("#install-program-choice").SelectOptionAsync("open");
        await page.ClickAsync("text=Show its fields");
        await page.WaitForURLAsync(u => u.Contains("program=open", StringComparison.Ordinal));
        Assert.Contains("requestCode=ABCDE", page.Url); // what was linked is kept
        Assert.Equal(1, await page.Locator("form[method=post] #licenseNumber").CountAsync());
        Assert.Equal(1, await page.Locator("form[method=post] #authorizationNumber").CountAsync());
        Assert.Equal(0, await page.Locator("form[method=post] #licenseCode").CountAsync());
        Assert.Equal("ABCDE", await page.Locator("form[method=post] #requestCode").InputValueAsync());
        Assert.Equal(1, await page.Locator("link[rel=stylesheet][href^='/assets/manager.css?v=']").CountAsync());
    }

    /// <summary>
    /// The clearinghouse's Migrate licenses page asks where the licenses come from first, then only that source's fields, keeps
    /// the linked request code across the choice, and a migration from a running source ends with the next step in the
    /// Licensing Manager (the license key pack ID it shows installs on the target).
    /// </summary>
    [Fact]
    public async Task The_clearinghouse_migrate_page_asks_the_source_first_and_ends_with_the_next_step_in_the_console()
    {
        await using var deployment = await Deployment.StartAsync();
        var source = await Deployment.ActivateAsync(await deployment.AddServerAsync(ProductVersion.WindowsServer2022));
        var moving = await deployment.InstallRetailAsync(source, ProductVersion.WindowsServer2022, CalType.PerDevice, 10);
        var target = await Deployment.ActivateAsync(await deployment.AddServerAsync());
        var released = WebSite.ReleaseCodeIn(await Rdlic.OkAsync(source, "licenses", "release", "--target-product-id", target.ProductId,
            "--key-pack", moving.KeyPack.Id.ToString(), "--method", "web"));
        var asked = WebSite.RequestCodeIn(await Rdlic.OkAsync(target, "licenses", "migrate", "--method", "web"));
        var page = await browser.NewPageAsync();
        var clearinghouse = deployment.Clearinghouse.BaseAddress.ToString().TrimEnd('/');

        await page.GotoAsync(clearinghouse + "/migrate?requestCode=" + Uri.EscapeDataString(asked));
        Assert.Equal(1, await page.Locator("form[method=post] #releaseCode").CountAsync());
        Assert.Equal(0, await page.Locator("form[method=post] #sourceLicenseServerId").CountAsync());
        Assert.Equal(0, await page.Locator("form[method=post] #licenseCode").CountAsync());
        // A source that no longer functions, by the program of its licenses: its License Server ID and that program's identifiers only.
        await page.Locator("#migrate-source-choice").SelectOptionAsync("open");
        await page.ClickAsync("text=Show its fields");
        await page.WaitForURLAsync(u => u.Contains("source=open", StringComparison.Ordinal));
        Assert.Equal(1, await page.Locator("form[method=post] #sourceLicenseServerId").CountAsync());
        Assert.Equal(1, await page.Locator("form[method=post] #licenseNumber").CountAsync());
        Assert.Equal(1, await page.Locator("form[method=post] #authorizationNumber").CountAsync());
        Assert.Equal(0, await page.Locator("form[method=post] #releaseCode").CountAsync());
        Assert.Equal(0, await page.Locator("form[method=post] #licenseCode").CountAsync());
        Assert.Equal(asked, await page.Locator("form[method=post] #requestCode").InputValueAsync()); // what was linked is kept
        await Browser.ScreenshotAsync(page, "clearinghouse-migrate-open");

        await page.Locator("#migrate-source-choice").SelectOptionAsync("running");
        await page.ClickAsync("text=Show its fields");
        await page.WaitForURLAsync(u => u.Contains("source=running", StringComparison.Ordinal));
        await page.Locator("form[method=post] #releaseCode").FillAsync(released);
        await page.ClickAsync("text=Migrate and get the license key pack IDs");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Licenses migrated");
        var next = page.Locator(".next-step");
        await Assertions.Expect(next).ToContainTextAsync("Next step, in the Licensing Manager");
        await Assertions.Expect(next).ToContainTextAsync("open Install Licenses and choose License key pack ID");
        await Browser.ScreenshotAsync(page, "clearinghouse-migrate-result");
        var keyPackId = (await page.Locator("#key-pack-id-1").TextContentAsync())!.Trim().Replace(' ', '-');
        await Rdlic.OkAsync(target, "licenses", "install", "--key-pack-id", keyPackId);
        var arrived = Assert.Single(await Deployment.KeyPacksAsync(target));
        Assert.Equal(("2022", "per-device", 10), (arrived.Version, arrived.Type, arrived.Total));
    }

    /// <summary>
    /// Issue 15, Microsoft's placement of actions: on an activated server Activate Server is disabled with the reason, in the
    /// menu and in the wizard (whose Next cannot be pressed); Reactivate and Deactivate sit under Advanced.
    /// </summary>
    [Fact]
    public async Task On_an_activated_server_activate_is_disabled_with_the_reason_and_reactivate_and_deactivate_sit_under_advanced()
    {
        await using var deployment = await Deployment.StartAsync();
        var server = await Deployment.ActivateAsync(await deployment.AddServerAsync());
        var page = await browser.NewPageAsync();
        await SignIn.AsAdministratorAsync(page, server);
        await page.GotoAsync(SignIn.Url(server) + "/console/activate");

        var next = page.Locator("form.wizard .wizard-actions button");
        Assert.Equal(1, await next.CountAsync()); // no Next to press, disabled or hidden
        Assert.True(await next.IsDisabledAsync());
        Assert.Equal("forward-why", await next.GetAttributeAsync("aria-describedby"));
        var why = (await page.Locator("#forward-why").TextContentAsync())!;
        Assert.Contains("already activated", why);
        Assert.Contains("Reactivate Server", why);
        Assert.Equal("true", await page.Locator("nav .nav-disabled").GetAttributeAsync("aria-disabled"));
        Assert.Equal(["Reactivate Server", "Deactivate Server"], (await page.Locator("nav .advanced a").AllTextContentsAsync()).Select(t => t.Trim()));
    }

    /// <summary>
    /// Issue 15: the focus ring has at least 3:1 contrast against what is behind it (WCAG 2.1 1.4.11) on every element the
    /// keyboard reaches on the Events page, from the menu to the table, and the Events table's box is one of them.
    /// </summary>
    [Fact]
    public async Task The_focus_ring_stands_out_3_to_1_and_the_events_table_is_reached_by_keyboard()
    {
        await using var deployment = await Deployment.StartAsync();
        var server = await Deployment.ActivateAsync(await deployment.AddServerAsync());
        var page = await browser.NewPageAsync();
        await SignIn.AsAdministratorAsync(page, server);
        await page.GotoAsync(SignIn.Url(server) + "/console/events");
        var weak = new List<string>();
        var reached = false;
        for (var i = 0; i < 80 && !reached; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            var json = await page.EvaluateAsync<System.Text.Json.JsonElement>(FocusRingScript);
            var focus = new FocusRing(json.GetProperty("what").GetString()!, json.GetProperty("style").GetString()!, json.GetProperty("width").GetDouble(),
                json.GetProperty("ratio").GetDouble(), json.GetProperty("eventsTable").GetBoolean());
            if (focus.Style == "none" || focus.Width < 2 || focus.Ratio < 3)
                weak.Add($"{focus.What}: {focus.Style} {focus.Width}px, {focus.Ratio:0.00}:1");
            reached = focus.EventsTable;
        }
        Assert.True(reached, "Tab never reached the Events table's box");
        Assert.Empty(weak);
    }

    private sealed record FocusRing(string What, string Style, double Width, double Ratio, bool EventsTable);

    /// <summary>The focused element's outline and its contrast with the first opaque background behind it (the outline is drawn outside the element).</summary>
    private const string FocusRingScript = """
        () => {
          const el = document.activeElement;
          const rgb = c => (c.match(/[\d.]+/g) || []).map(Number);
          const lum = ([r, g, b]) => [r, g, b].map(v => { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); })
            .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
          let behind = [255, 255, 255];
          for (let p = el.parentElement; p; p = p.parentElement) {
            const c = rgb(getComputedStyle(p).backgroundColor);
            if (c.length === 3 || c[3] > 0) { behind = c; break; }
          }
          const style = getComputedStyle(el);
          const [hi, lo] = [lum(rgb(style.outlineColor)), lum(behind)].sort((a, b) => b - a);
          return {
            what: `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} "${(el.textContent || '').trim().slice(0, 30)}"`,
            style: style.outlineStyle, width: parseFloat(style.outlineWidth), ratio: (hi + 0.05) / (lo + 0.05),
            eventsTable: el.matches('div.wide') && !!el.querySelector('table[aria-label=Events]'),
          };
        }
        """;

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
