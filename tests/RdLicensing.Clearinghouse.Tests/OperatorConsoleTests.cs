using System.Net;
using RdLicensing.Core.Codes;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Proof;
using RdLicensing.Core.Versions;
using RdLicensing.Core.Cals;
using RdLicensing.Testing;
using static RdLicensing.Clearinghouse.Tests.Support;

namespace RdLicensing.Clearinghouse.Tests;

public sealed partial class OperatorConsoleTests
{
    private static HttpClient Browser(TestClearinghouse ch, CookieContainer? cookies = null) =>
        new(new HttpClientHandler { CookieContainer = cookies ?? new CookieContainer(), UseCookies = true, AllowAutoRedirect = false })
        {
            BaseAddress = ch.BaseAddress,
        };

    /// <summary>Signs in at /operator/login: the operator cookie (its Set-Cookie value, name=value).</summary>
    private static async Task<string> SignInAsync(HttpClient browser, string token)
    {
        var login = await browser.SubmitFormAsync("/operator/login", [new("token", token)]);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal("/operator", login.Headers.Location?.AbsolutePath);
        var cookie = Assert.Single(login.Headers.GetValues("Set-Cookie"), c => c.StartsWith("rdch_operator=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/operator", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(token, cookie);
        return cookie.Split(';')[0];
    }

    private static void AssertSentToSignIn(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = Assert.IsType<Uri>(response.Headers.Location);
        Assert.Equal("/operator/login", location.IsAbsoluteUri ? location.AbsolutePath : location.OriginalString.Split('?')[0]);
    }

    [Fact]
    public async Task The_console_redirects_to_sign_in_without_a_session()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        using var browser = Browser(ch);

        foreach (var page in new[] { "/operator", "/operator/activate", "/operator/install", "/operator/deactivate" })
            AssertSentToSignIn(await browser.GetAsync(page));
        Assert.Contains("type=\"password\"", await browser.GetStringAsync("/operator/login"));
    }

    [Fact]
    public async Task A_wrong_token_does_not_sign_in()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        using var browser = Browser(ch);

        var response = await browser.SubmitFormAsync("/operator/login", [new("token", "rdca_guess")]);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("That is not the clearinghouse administrator token", WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
        Assert.DoesNotContain(response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : [], c => c.StartsWith("rdch_operator=", StringComparison.Ordinal));
        AssertSentToSignIn(await browser.GetAsync("/operator"));
    }

    [Fact]
    public async Task The_operator_signs_in_then_activates_installs_and_deactivates_for_a_caller_and_reads_back_group_by_group()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        using var browser = Browser(ch);
        await SignInAsync(browser, ch.AdminToken);
        using var server = new CodeServer(ProductVersion.WindowsServer2022);
        var productId = server.ProductId;

        var activationFields = RequestCodeSupport.ActivationFields(server.Code(ServerRequestPurpose.Activate, includeKey: true));
        var activated = await browser.SubmitFormAsync("/operator/activate", activationFields);
        var activationHtml = await activated.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, activated.StatusCode);
        var licenseServerId = WebPageTests.CodeIn(activationHtml, "license-server-id");
        Assert.NotNull(licenseServerId);
        LicenseServerIdCode.Verify(licenseServerId, ch.Certificate(), productId);
        Assert.Contains($"<td>Group 7</td><td>{string.Join(' ', licenseServerId.Split('-')[6].ToCharArray())}</td>", activationHtml);
        Assert.Contains("telephone", activationHtml); // the latest activations list shows the method

        var agreement = await ch.AddAgreementAsync(LicenseProgram.School, ProductVersion.WindowsServer2019, CalType.PerDevice, 30);
        var installFields = RequestCodeSupport.AgreementFields(server.Code(ServerRequestPurpose.Install), "school", agreement, "2019", "per-device", 30);
        var installed = await browser.SubmitFormAsync("/operator/install", installFields);
        var installHtml = await installed.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, installed.StatusCode);
        var keyPackId = WebPageTests.CodeIn(installHtml, "key-pack-id");
        Assert.NotNull(keyPackId);
        Assert.Equal(30, KeyPackIdCode.Verify(keyPackId, ch.Certificate(), productId).Quantity);
        Assert.Contains("<td>Group 34</td>", installHtml);

        var deactivated = await browser.SubmitFormAsync("/operator/deactivate", new Dictionary<string, string>
        {
            ["requestCode"] = server.Code(ServerRequestPurpose.Deactivate), ["firstName"] = "Grace", ["lastName"] = "Hopper",
        });
        var deactivationHtml = await deactivated.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, deactivated.StatusCode);
        var confirmation = WebPageTests.CodeIn(deactivationHtml, "confirmation-code");
        Assert.NotNull(confirmation);
        Assert.Equal(productId, DeactivationConfirmationCode.Verify(confirmation, ch.Certificate(), productId).ProductId);
        Assert.Contains("<td>Group 30</td>", deactivationHtml);
        Assert.Equal("deactivated", Assert.Single(await ch.ActivationsAsync()).Status);
    }

    [Fact]
    public async Task A_form_posted_without_the_antiforgery_token_is_refused()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        using var browser = Browser(ch);
        await SignInAsync(browser, ch.AdminToken);
        using var server = new CodeServer();
        var fields = RequestCodeSupport.ActivationFields(server.Code(ServerRequestPurpose.Activate, includeKey: true));

        // As a page elsewhere would post it: the cookie comes along, the form names its handler, but no token of this site.
        var hidden = await HtmlForms.HiddenFieldsAsync(browser, "/operator/activate");
        var forged = new Dictionary<string, string>(fields) { ["_handler"] = hidden["_handler"], [HtmlForms.AntiforgeryField] = "forged" };
        var refused = await browser.PostAsync("/operator/activate", new FormUrlEncodedContent(forged));
        var withoutToken = await browser.PostAsync("/operator/activate", new FormUrlEncodedContent(new Dictionary<string, string>(fields) { ["_handler"] = hidden["_handler"] }));

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (refused.StatusCode, withoutToken.StatusCode));
        Assert.Empty(await ch.ActivationsAsync());
        // Positive control: the same form with the page's token.
        Assert.Equal(HttpStatusCode.OK, (await browser.SubmitFormAsync("/operator/activate", fields)).StatusCode);
        Assert.Single(await ch.ActivationsAsync());
    }

    [Fact]
    public async Task A_form_posted_without_the_operator_cookie_is_sent_to_sign_in()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        using var signedIn = Browser(ch);
        await SignInAsync(signedIn, ch.AdminToken);
        using var server = new CodeServer();
        var fields = RequestCodeSupport.ActivationFields(server.Code(ServerRequestPurpose.Activate, includeKey: true));
        var hidden = await HtmlForms.HiddenFieldsAsync(signedIn, "/operator/activate");

        // Another browser with no cookie posts the form with every hidden field a signed-in page had.
        using var stranger = Browser(ch);
        AssertSentToSignIn(await stranger.PostAsync("/operator/activate", new FormUrlEncodedContent(new Dictionary<string, string>(fields).Concat(hidden))));

        Assert.Empty(await ch.ActivationsAsync());
    }

    [Fact]
    public async Task A_cookie_replayed_after_sign_out_is_refused()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        using var browser = Browser(ch);
        var cookie = await SignInAsync(browser, ch.AdminToken);
        using var replay = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = ch.BaseAddress };
        HttpRequestMessage WithCopiedCookie() => new(HttpMethod.Get, "/operator") { Headers = { { "Cookie", cookie } } };
        // Positive control: the copied cookie works while the session lives.
        var before = await replay.SendAsync(WithCopiedCookie());
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        Assert.Contains("Telephone operator console", await before.Content.ReadAsStringAsync());

        var signOut = await browser.SubmitFormAsync("/operator/logout", [], page: "/operator");
        AssertSentToSignIn(signOut);

        AssertSentToSignIn(await replay.SendAsync(WithCopiedCookie()));
        AssertSentToSignIn(await browser.GetAsync("/operator"));
    }

    [Fact]
    public async Task Signing_out_needs_the_antiforgery_token()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        using var browser = Browser(ch);
        await SignInAsync(browser, ch.AdminToken);

        var forged = await browser.PostAsync("/operator/logout", new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/operator")).StatusCode);
    }
}
