using Microsoft.Playwright;

namespace RdLicensing.EndToEnd.Console;

/// <summary>Signs a page in to a test license server's console with its administrator token, as a person would.</summary>
internal static class SignIn
{
    public static async Task AsAdministratorAsync(IPage page, TestLicenseServer server)
    {
        var url = server.BaseAddress.GetLeftPart(UriPartial.Authority);
        await page.GotoAsync(url + "/console/sign-in");
        await page.FillAsync("#token", server.AdminToken);
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync(url + "/console");
    }
}
