using System.Net.Http.Json;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;

namespace RdLicensing.EndToEnd.Console;

[Collection(BrowserCollection.Name)]
public sealed class DashboardTests(Browser browser)
{
    /// <summary>
    /// A scripted week: every day two new devices connect through rdsh-01 (temporary CALs, validated at sign-in), the
    /// previous day's devices come back and are upgraded to permanent CALs while the pool lasts, and rdsh-02 — outside
    /// the security group once the policy is on — is denied twice a day. The dashboard draws all of it.
    /// </summary>
    [Fact]
    public async Task After_a_week_of_connections_the_dashboard_shows_issuance_pools_denials_grace_and_expiring_temporaries()
    {
        await using var deployment = await Deployment.StartAsync();
        var server = await Deployment.ActivateAsync(await deployment.AddServerAsync());
        await deployment.InstallRetailAsync(server, ProductVersion.WindowsServer2022, CalType.PerDevice, 8);
        using var inGroup = await server.EnrollHostAsync("rdsh-01", inSecurityGroup: true);
        using var outside = await server.EnrollHostAsync("rdsh-02", inSecurityGroup: false);
        (await server.Admin.PutAsJsonAsync("/api/admin/policies", new PoliciesUpdate(SecurityGroupEnabled: true, PreventLicenseUpgrade: null))).EnsureSuccessStatusCode();
        var graceEnds = deployment.Clock.GetUtcNow().AddDays(120);

        string[] yesterday = [];
        for (var day = 0; day < 7; day++)
        {
            string[] today = [$"kiosk-{day}a", $"kiosk-{day}b"];
            foreach (var device in today.Concat(yesterday))
                (await inGroup.PostAsJsonAsync("/api/sessionhost/cals", Request(device, graceEnds))).EnsureSuccessStatusCode();
            foreach (var device in today)
                (await inGroup.PostAsJsonAsync("/api/sessionhost/cals/sign-in", new SignInBody("hw-" + device))).EnsureSuccessStatusCode();
            for (var i = 0; i < 2; i++)
                Assert.Equal(403, (int)(await outside.PostAsJsonAsync("/api/sessionhost/cals", Request($"lab-{day}-{i}", graceEnds))).StatusCode);
            yesterday = today;
            await server.AdvanceAsync("1d");
        }
        await server.AdvanceAsync("80d"); // the first week's temporary CALs now expire within 14 days

        var page = await browser.NewPageAsync();
        await SignIn.AsAdministratorAsync(page, server, "/console?days=90");

        // 14 devices got a temporary CAL and 8 of them a permanent one (the pool holds 8): at most 8 devices were licensed, each
        // counted once; 80 days on, most of those permanent CALs have expired back into the pool, as the status says.
        var pool = (await Deployment.StatusAsync(server)).Pools.Single(p => p.Type == "per-device");
        Assert.Equal($"{pool.Issued} of {pool.Total}", await page.InnerTextAsync("#card-devices"));
        Assert.Equal("14", await page.InnerTextAsync("#card-refused"));
        var poolChart = await page.InnerHTMLAsync("#chart-pool-per-device-2022");
        Assert.Contains("Installed 8 on", poolChart);
        Assert.Contains($"Issued {pool.Issued} on", poolChart);
        Assert.Contains("at most 8", poolChart);
        Assert.Contains("OverUsed 0 on", poolChart);
        Assert.Contains($"today {pool.Issued} of 8 issued", await page.InnerTextAsync("#pool-per-device-2022 figcaption"));
        var licensed = await page.InnerHTMLAsync("#chart-licensed-devices");
        Assert.Contains($"Licensed {pool.Issued} on", licensed);
        Assert.Contains("Licensed", licensed);
        Assert.Contains("Session host not in the security group\t14", await page.InnerTextAsync("table[aria-label='Refusals by reason']"));
        Assert.Equal(3, await page.Locator("ul.legend").CountAsync()); // pools, licensed, refusals: HTML legends that wrap
        var hosts = await page.InnerTextAsync("table[aria-label='Session hosts']");
        Assert.Contains("rdsh-01\tactive\t33", hosts); // the grace period as this server anchored it (not "reported moved"): 120 days from the first day, 87 days later
        Assert.Contains("rdsh-02\tunknown", hosts);
        var expiring = await page.InnerTextAsync("table[aria-label='Temporary CALs expiring soon']");
        Assert.Contains("kiosk-6a", expiring); // never upgraded: the pool ran out before the last day's devices came back
        await Browser.ScreenshotAsync(page, "dashboard");
    }

    private static CalRequestBody Request(string device, DateTimeOffset graceEnds) =>
        new("per-device", "2022", "hw-" + device, device, "alice", null, graceEnds);
}
