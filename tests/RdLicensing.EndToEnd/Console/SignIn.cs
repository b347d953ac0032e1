using Microsoft.Playwright;

namespace RdLicensing.EndToEnd.Console;

/// <summary>Signs a page in to a test license server's console with its administrator token, as a person would.</summary>
internal static class SignIn
{
    /// <summary>The server's address as the browser uses it (http://127.0.0.1:PORT), followed by <paramref name="path"/>.</summary>
    public static string Url(TestLicenseServer server, string path = "") => server.BaseAddress.GetLeftPart(UriPartial.Authority) + path;

    /// <summary>
    /// Opens <paramref name="path"/>, is sent to the sign-in page, signs in there and waits to be back on
    /// <paramref name="path"/>; returns the server's address.
    /// </summary>
    public static async Task<string> AsAdministratorAsync(IPage page, TestLicenseServer server, string path = "/console")
    {
        var url = Url(server);
        await page.GotoAsync(url + path);
        await page.FillAsync("#token", server.AdminToken);
        await page.ClickAsync("button[type=submit]");
        try
        {
            await ArrivedAsync(page, u => u == url + path);
        }
        catch (TimeoutException e)
        {
            // Say where the browser is and what the page shows, so a failure here says whether the sign-in was refused or never answered.
            var alerts = await page.Locator("[role=alert]").AllInnerTextsAsync();
            throw new TimeoutException($"Signing in to {url} did not lead to {path}: the browser is at {page.Url}, " +
                                       (alerts.Count > 0 ? $"showing: {string.Join(" | ", alerts)}" : "with no error shown") + ".", e);
        }
        return url;
    }

    /// <summary>
    /// Waits for the page to reach an address and its document to be parsed, asking the page itself: twice in CI the page had
    /// arrived but Playwright never saw its load event (30 s, with "networkidle" fired), so this does not wait for that event.
    /// </summary>
    public static async Task ArrivedAsync(IPage page, Func<string, bool> at)
    {
        await page.WaitForURLAsync(at, new() { WaitUntil = WaitUntilState.Commit });
        await page.WaitForFunctionAsync("() => document.readyState !== 'loading'");
    }
}
