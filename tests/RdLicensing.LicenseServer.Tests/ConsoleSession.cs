using System.Net;
using System.Text.RegularExpressions;

namespace RdLicensing.LicenseServer.Tests;

/// <summary>
/// The Licensing Manager console spoken to over plain HTTP, as a browser without scripts would: keeps the cookies,
/// reads the antiforgery token from a page's hidden fields and posts forms. Redirects are not followed.
/// </summary>
internal sealed partial class ConsoleSession : IDisposable
{
    public const string SignInPath = "/console/sign-in";
    public const string CookieName = "rdlic_console";

    private readonly CookieContainer _cookies = new();
    private readonly Uri _server;

    public ConsoleSession(Uri server)
    {
        _server = server;
        Http = new HttpClient(new HttpClientHandler { CookieContainer = _cookies, AllowAutoRedirect = false })
        {
            BaseAddress = server,
            Timeout = TimeSpan.FromSeconds(60),
        };
    }

    public HttpClient Http { get; }

    /// <summary>The cookies the browser would send to the console (sign-in and antiforgery).</summary>
    public IReadOnlyList<Cookie> Cookies() => _cookies.GetCookies(new Uri(_server, "/console")).ToList();

    public bool SignedIn => _cookies.GetCookies(new Uri(_server, "/console")).Any(c => c.Name == CookieName && c.Value.Length > 0);

    /// <summary>Posts the sign-in form with <paramref name="token"/>: a redirect means signed in, the page again (200) means refused.</summary>
    public async Task<HttpResponseMessage> SignInAsync(string token)
    {
        var fields = await HiddenFieldsAsync(SignInPath);
        fields["Form.Server"] = _server.ToString().TrimEnd('/');
        fields["Form.Token"] = token;
        return await Http.PostAsync(SignInPath, new FormUrlEncodedContent(fields));
    }

    /// <summary>The antiforgery token of a fresh page (its cookie is kept), for posting forms.</summary>
    public async Task<string> AntiforgeryTokenAsync(string path = SignInPath) =>
        (await HiddenFieldsAsync(path)).GetValueOrDefault("__RequestVerificationToken") ?? throw new InvalidOperationException($"{path} has no antiforgery token.");

    private async Task<Dictionary<string, string>> HiddenFieldsAsync(string path)
    {
        var page = await Http.GetStringAsync(path);
        return HiddenInput().Matches(page)
            .GroupBy(m => WebUtility.HtmlDecode(m.Groups["name"].Value))
            .ToDictionary(g => g.Key, g => WebUtility.HtmlDecode(g.First().Groups["value"].Value));
    }

    [GeneratedRegex("""<input[^>]*type="hidden"[^>]*name="(?<name>[^"]*)"[^>]*value="(?<value>[^"]*)"[^>]*>""")]
    private static partial Regex HiddenInput();

    public void Dispose() => Http.Dispose();
}
