using System.Net;
using System.Text.RegularExpressions;
using RdLicensing.Core.Protocol;
using RdLicensing.Testing;

namespace RdLicensing.EndToEnd;

/// <summary>
/// The clearinghouse web site as a browser uses it: HTML forms posted over HTTP with the antiforgery token of the page
/// that shows them (<see cref="HtmlForms"/>), the resulting code read out of the page. The operator console signs in with
/// the clearinghouse admin token (cookie authentication).
/// </summary>
internal sealed class WebSite : IDisposable
{
    private readonly HttpClient _http;

    private WebSite(HttpClient http) => _http = http;

    public static WebSite Public(TestClearinghouse clearinghouse) =>
        new(new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = clearinghouse.BaseAddress });

    /// <summary>A telephone operator signed in at /operator/login.</summary>
    public static async Task<WebSite> OperatorAsync(TestClearinghouse clearinghouse)
    {
        var site = Public(clearinghouse);
        var signIn = await site._http.SubmitFormAsync("/operator/login", Fields(("token", clearinghouse.AdminToken)));
        Assert.True(signIn.IsSuccessStatusCode, await signIn.Content.ReadAsStringAsync());
        Assert.Contains("Telephone operator console", await signIn.Content.ReadAsStringAsync());
        return site;
    }

    /// <summary>The request code `rdlic` printed ("Request code:      …").</summary>
    public static string RequestCodeIn(string rdlicOutput)
    {
        var match = Regex.Match(rdlicOutput, @"Request code:\s+(\S+)");
        Assert.True(match.Success, $"no request code in: {rdlicOutput}");
        return match.Groups[1].Value;
    }

    /// <summary>POST /activate (or the operator's /operator/activate): the License Server ID shown on the result page.</summary>
    public async Task<string> ActivateAsync(string path, string requestCode, CompanyInformation company, string? reason = null)
    {
        var html = await PostAsync(path, ("requestCode", requestCode), ("company.firstName", company.FirstName), ("company.lastName", company.LastName),
            ("company.company", company.Company), ("company.countryRegion", company.CountryRegion), ("reason", reason));
        return CodeIn(html, "license-server-id");
    }

    /// <summary>POST /install (or /operator/install): the license key pack ID shown on the result page.</summary>
    public async Task<string> InstallAsync(string path, string requestCode, params (string Name, string? Value)[] licenses)
    {
        var html = await PostAsync(path, [("requestCode", requestCode), .. licenses]);
        return CodeIn(html, "key-pack-id");
    }

    /// <summary>POST /deactivate (or /operator/deactivate): the confirmation code shown on the result page.</summary>
    public async Task<string> DeactivateAsync(string path, string requestCode, string firstName = "Ada", string lastName = "Lovelace")
    {
        var html = await PostAsync(path, ("requestCode", requestCode), ("firstName", firstName), ("lastName", lastName));
        return CodeIn(html, "confirmation-code");
    }

    /// <summary>POST /migrate (or /operator/migrate): the license key pack IDs shown on the result page, one per key pack.</summary>
    public async Task<List<string>> MigrateAsync(string path, params (string Name, string? Value)[] fields)
    {
        var html = await PostAsync(path, fields);
        var codes = Regex.Matches(html, """id="key-pack-id-\d+">([^<]+)</p>""").Select(m => m.Groups[1].Value.Trim().Replace(' ', '-')).ToList();
        Assert.True(codes.Count > 0, $"no license key pack ID on the page: {html}");
        return codes;
    }

    /// <summary>The release code `rdlic licenses release --method web|telephone` printed ("Release code:      …").</summary>
    public static string ReleaseCodeIn(string rdlicOutput)
    {
        var match = Regex.Match(rdlicOutput, @"Release code:\s+(\S+)");
        Assert.True(match.Success, $"no release code in: {rdlicOutput}");
        return match.Groups[1].Value;
    }

    /// <summary>A form posted whatever the answer: the status and the page (for refusals).</summary>
    public async Task<(HttpStatusCode Status, string Html)> TryPostAsync(string path, params (string Name, string? Value)[] fields)
    {
        var response = await _http.SubmitFormAsync(path, Fields(fields));
        return (response.StatusCode, WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
    }

    private async Task<string> PostAsync(string path, params (string Name, string? Value)[] fields)
    {
        var response = await _http.SubmitFormAsync(path, Fields(fields));
        var html = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {html}");
        return html;
    }

    private static string CodeIn(string html, string id)
    {
        var match = Regex.Match(html, $"""id="{id}">([^<]+)</p>""");
        Assert.True(match.Success, $"no {id} on the page: {html}");
        return match.Groups[1].Value.Trim().Replace(' ', '-');
    }

    private static IEnumerable<KeyValuePair<string, string>> Fields(params (string Name, string? Value)[] fields) =>
        fields.Where(f => f.Value is not null).Select(f => new KeyValuePair<string, string>(f.Name, f.Value!));

    public void Dispose() => _http.Dispose();
}
