using System.Net;
using System.Net.Http.Json;
using Microsoft.Playwright;
using RdLicensing.Core.Protocol;
using static Microsoft.Playwright.Assertions;

namespace RdLicensing.EndToEnd.Console;

/// <summary>Session hosts (issue 15, advice inside the web is web): enrolling a host, or a new token, in the console; the token shown once and used for real.</summary>
[Collection(BrowserCollection.Name)]
public sealed class SessionHostsTests(Browser browser)
{
    [Fact]
    public async Task Review_configuration_leads_to_session_hosts_where_a_host_is_enrolled_and_its_token_works_once_shown()
    {
        await using var deployment = await Deployment.StartAsync();
        var server = await deployment.AddServerAsync();
        var page = await browser.NewPageAsync();
        var url = await SignIn.AsAdministratorAsync(page, server, "/console/review");

        // The "no session host" problem is fixed in the console; the CLI command is only the secondary hint.
        var check = page.Locator("li[data-check=session-hosts]");
        await Expect(check).ToContainTextAsync("(or with 'rdlic hosts enroll NAME')");
        await check.GetByRole(AriaRole.Link, new() { Name = "Enroll a session host" }).ClickAsync();
        await page.WaitForURLAsync(url + "/console/sessionhosts");
        await Expect(page.Locator("#no-hosts")).ToBeVisibleAsync();

        // Wrong names are named, nothing is enrolled.
        await Wizard.SubmitAsync(page, "#enroll-form button[type=submit]");
        await Expect(page.Locator("#host-name-error")).ToHaveTextAsync("Enter the session host's computer name (as the host knows itself, e.g. RDSH01).");
        await page.GetByLabel("Computer name *").FillAsync("rdsh 01");
        await Wizard.SubmitAsync(page, "#enroll-form button[type=submit]");
        await Expect(page.Locator("#host-name-error")).ToHaveTextAsync("The name may hold only letters, digits, '-', '.' and '_': remove the space.");
        await Expect(page.GetByLabel("Computer name *")).ToHaveValueAsync("rdsh 01"); // what was typed stays
        Assert.Empty((await server.Admin.GetFromJsonAsync<List<SessionHostView>>("/api/admin/sessionhosts"))!);

        // Enrolled: the token once, with the step on the host; the answer is not kept by any cache.
        await page.GetByLabel("Computer name *").FillAsync("rdsh-01");
        var answer = await page.RunAndWaitForResponseAsync(() => page.ClickAsync("#enroll-form button[type=submit]"),
            r => r.Request.Method == "POST" && r.Url.EndsWith("/console/sessionhosts", StringComparison.Ordinal));
        Assert.Contains("no-store", answer.Headers["cache-control"].Split(',', StringSplitOptions.TrimEntries));
        await page.WaitForLoadStateAsync();
        await Expect(page.Locator("#enrolled-heading")).ToHaveTextAsync("rdsh-01 is enrolled.");
        var token = (await page.InnerTextAsync("#host-token")).Trim();
        Assert.StartsWith("rdlh_", token);
        await Expect(page.Locator("#host-command")).ToHaveTextAsync($"rdlic sessionhost enroll --license-server {url} --host-token {token}");
        await Expect(page.Locator("#old-token")).ToHaveCountAsync(0);
        await Expect(page.Locator("table[aria-label='Enrolled session hosts'] tbody tr")).ToContainTextAsync("rdsh-01");
        await Browser.ScreenshotAsync(page, "session-hosts-enrolled");

        // The token read in the browser works for real: the license server answers the host (positive control).
        using var host = server.NewClient(token);
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/api/sessionhost/license-server")).StatusCode);

        // Shown once: the page opened again does not have it.
        await page.GotoAsync(url + "/console/sessionhosts");
        Assert.DoesNotContain(token, await page.ContentAsync());
        await Expect(page.Locator("#enrolled")).ToHaveCountAsync(0);

        // A new token: the warning before, the old token refused after, the new one accepted.
        await page.GetByRole(AriaRole.Link, new() { Name = "New token for rdsh-01" }).ClickAsync();
        await Expect(page.Locator("#reissue-warning")).ToContainTextAsync("a new token replaces its current one, which stops working at once");
        await Expect(page.GetByLabel("Computer name *")).ToHaveValueAsync("rdsh-01");
        await Wizard.SubmitAsync(page, "#enroll-form button[type=submit]");
        await Expect(page.Locator("#enrolled-heading")).ToHaveTextAsync("rdsh-01 has a new token.");
        await Expect(page.Locator("#old-token")).ToHaveTextAsync("The old token of rdsh-01 no longer works: rdsh-01 is refused by this license server until it stores this one.");
        var newToken = (await page.InnerTextAsync("#host-token")).Trim();
        Assert.NotEqual(token, newToken);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.GetAsync("/api/sessionhost/license-server")).StatusCode);
        using var renewed = server.NewClient(newToken);
        Assert.Equal(HttpStatusCode.OK, (await renewed.GetAsync("/api/sessionhost/license-server")).StatusCode);
        await Browser.ScreenshotAsync(page, "session-hosts-new-token");

        // Review Configuration no longer lists the problem.
        await page.GotoAsync(url + "/console/review");
        await Expect(page.Locator("li[data-check=session-hosts]")).ToHaveAttributeAsync("data-status", "ok");
    }

    [Fact]
    public async Task The_enroll_form_answers_only_a_signed_in_administrator_posting_the_console_form()
    {
        await using var deployment = await Deployment.StartAsync();
        var server = await deployment.AddServerAsync();
        var fields = new Dictionary<string, string> { ["_handler"] = "enroll-host", ["Form.Name"] = "evil-host" };

        // Not signed in (even with the API's bearer token): refused, nothing enrolled, no token.
        using var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = server.BaseAddress };
        anonymous.DefaultRequestHeaders.Authorization = new("Bearer", server.AdminToken);
        var refused = await anonymous.PostAsync("/console/sessionhosts", new FormUrlEncodedContent(fields));
        Assert.True(refused.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Redirect, refused.StatusCode.ToString());
        Assert.DoesNotContain("rdlh_", await refused.Content.ReadAsStringAsync());

        // Signed in, but not from the console's form (no antiforgery token): refused.
        var page = await browser.NewPageAsync();
        var url = await SignIn.AsAdministratorAsync(page, server, "/console/sessionhosts");
        var form = page.APIRequest.CreateFormData();
        foreach (var (name, value) in fields) form.Set(name, value);
        var forged = await page.APIRequest.PostAsync(url + "/console/sessionhosts", new() { Form = form });
        Assert.Equal(400, forged.Status);
        Assert.Empty((await server.Admin.GetFromJsonAsync<List<SessionHostView>>("/api/admin/sessionhosts"))!);

        // Positive control: the same name from the console's own form is enrolled.
        await page.GetByLabel("Computer name *").FillAsync("evil-host");
        await Wizard.SubmitAsync(page, "#enroll-form button[type=submit]");
        await Expect(page.Locator("#enrolled-heading")).ToHaveTextAsync("evil-host is enrolled.");
        Assert.Equal("evil-host", Assert.Single((await server.Admin.GetFromJsonAsync<List<SessionHostView>>("/api/admin/sessionhosts"))!).Name);
    }

    [Fact]
    public async Task A_host_is_removed_once_the_administrator_confirms_and_its_token_stops_working()
    {
        await using var deployment = await Deployment.StartAsync();
        var server = await deployment.AddServerAsync();
        using var host = await server.EnrollHostAsync("rdsh-07");
        using var other = await server.EnrollHostAsync("rdsh-08");
        var cal = await host.PostAsJsonAsync("/api/sessionhost/cals", new CalRequestBody("per-device", "2022", "hw-7", "PC-7", "bob", null));
        Assert.Equal(HttpStatusCode.OK, cal.StatusCode);
        var page = await browser.NewPageAsync();
        var url = await SignIn.AsAdministratorAsync(page, server, "/console/sessionhosts");

        // Asked first, with what removal does; Cancel changes nothing.
        await page.GetByRole(AriaRole.Link, new() { Name = "Remove rdsh-07" }).ClickAsync();
        await Expect(page.Locator("#remove-question")).ToContainTextAsync("Remove rdsh-07? Its token stops working at once");
        await page.Locator("#remove").GetByRole(AriaRole.Link, new() { Name = "Cancel" }).ClickAsync();
        await page.WaitForURLAsync(url + "/console/sessionhosts");
        await Expect(page.Locator("#remove")).ToHaveCountAsync(0);
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/api/sessionhost/license-server")).StatusCode);

        // A post that is not the console's own form (no antiforgery token) removes nothing.
        var form = page.APIRequest.CreateFormData();
        form.Set("_handler", "remove-host");
        form.Set("RemoveForm.Name", "rdsh-07");
        var forged = await page.APIRequest.PostAsync(url + "/console/sessionhosts", new() { Form = form });
        Assert.Equal(400, forged.Status);
        Assert.Equal(2, (await server.Admin.GetFromJsonAsync<List<SessionHostView>>("/api/admin/sessionhosts"))!.Count);

        // Confirmed: gone from the list, its token refused, the other host untouched, the event recorded.
        await page.GetByRole(AriaRole.Link, new() { Name = "Remove rdsh-07" }).ClickAsync();
        await Wizard.SubmitAsync(page, "#remove-form button[type=submit]");
        await Expect(page.Locator("#removed")).ToHaveTextAsync("rdsh-07 was removed: its token no longer works. Enroll it again to give it a new one.");
        var rows = page.Locator("table[aria-label='Enrolled session hosts'] tbody tr");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows).ToContainTextAsync("rdsh-08");
        await Browser.ScreenshotAsync(page, "session-hosts-removed");
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.GetAsync("/api/sessionhost/license-server")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/api/sessionhost/license-server")).StatusCode);
        var events = (await server.Admin.GetFromJsonAsync<List<EventView>>("/api/admin/events?eventId=5031"))!;
        Assert.Contains(events, e => e.SessionHost == "rdsh-07");
        Assert.Equal(1, (await server.Admin.GetFromJsonAsync<CalPage>("/api/admin/cals"))!.Total); // the CAL it obtained stays issued

        // Asked about again (a stale link), it says the host is gone instead of offering to remove it.
        await page.GotoAsync(url + "/console/sessionhosts?remove=rdsh-07");
        await Expect(page.Locator("#remove-refused")).ToHaveTextAsync("No session host named rdsh-07 is enrolled: it may have been removed already.");
        await Expect(page.Locator("#remove-form")).ToHaveCountAsync(0);

        // Removed elsewhere (rdlic) while the page asked: the confirmation says so in the page's words.
        await page.GotoAsync(url + "/console/sessionhosts?remove=rdsh-08");
        await Expect(page.Locator("#remove-question")).ToContainTextAsync("Remove rdsh-08?");
        (await server.Admin.DeleteAsync("/api/admin/sessionhosts/rdsh-08")).EnsureSuccessStatusCode();
        await Wizard.SubmitAsync(page, "#remove-form button[type=submit]");
        await Expect(page.Locator("#remove-refused")).ToHaveTextAsync("No session host named rdsh-08 is enrolled: it may have been removed already.");
        await Expect(page.Locator("#no-hosts")).ToBeVisibleAsync();
    }
}
