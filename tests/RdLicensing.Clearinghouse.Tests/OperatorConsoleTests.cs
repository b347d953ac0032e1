using System.Net;
using System.Text.RegularExpressions;
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
    [GeneratedRegex("name=\"formToken\" value=\"(?<token>[^\"]+)\"")]
    private static partial Regex FormTokenPattern();

    private static HttpClient Browser(TestClearinghouse ch, CookieContainer? cookies = null) =>
        new(new HttpClientHandler { CookieContainer = cookies ?? new CookieContainer(), UseCookies = true, AllowAutoRedirect = false })
        {
            BaseAddress = ch.BaseAddress,
        };

    private static async Task<string> SignInAsync(HttpClient browser, string token)
    {
        var login = await browser.PostAsync("/operator/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = token }));
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var cookie = Assert.Single(login.Headers.GetValues("Set-Cookie"));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(token, cookie);
        var console = await browser.GetStringAsync("/operator");
        return FormTokenPattern().Match(console).Groups["token"].Value;
    }

    [Fact]
    public async Task The_console_redirects_to_sign_in_without_a_session()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        using var browser = Browser(ch);

        var response = await browser.GetAsync("/operator");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/operator/login", response.Headers.Location?.OriginalString);
        Assert.Contains("type=\"password\"", await browser.GetStringAsync("/operator/login"));
    }

    [Fact]
    public async Task A_wrong_token_does_not_sign_in()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        using var browser = Browser(ch);

        var response = await browser.PostAsync("/operator/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = "rdca_guess" }));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task The_operator_signs_in_then_activates_installs_and_deactivates_for_a_caller_and_reads_back_group_by_group()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        using var browser = Browser(ch);
        var formToken = await SignInAsync(browser, ch.AdminToken);
        Assert.NotEmpty(formToken);
        using var server = new CodeServer(ProductVersion.WindowsServer2022);
        var productId = server.ProductId;

        var activationFields = RequestCodeSupport.ActivationFields(server.Code(ServerRequestPurpose.Activate, includeKey: true));
        activationFields["formToken"] = formToken;
        var activated = await browser.PostAsync("/operator/activate", new FormUrlEncodedContent(activationFields));
        var activationHtml = await activated.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, activated.StatusCode);
        var licenseServerId = WebPageTests.CodeIn(activationHtml, "license-server-id");
        Assert.NotNull(licenseServerId);
        LicenseServerIdCode.Verify(licenseServerId, ch.Certificate(), productId);
        Assert.Contains($"<td>Group 7</td><td>{string.Join(' ', licenseServerId.Split('-')[6].ToCharArray())}</td>", activationHtml);
        Assert.Contains("telephone", activationHtml); // the latest activations list shows the method

        var agreement = await ch.AddAgreementAsync(LicenseProgram.School, ProductVersion.WindowsServer2019, CalType.PerDevice, 30);
        var installFields = RequestCodeSupport.AgreementFields(server.Code(ServerRequestPurpose.Install), "school", agreement, "2019", "per-device", 30);
        installFields["formToken"] = formToken;
        var installed = await browser.PostAsync("/operator/install", new FormUrlEncodedContent(installFields));
        var installHtml = await installed.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, installed.StatusCode);
        var keyPackId = WebPageTests.CodeIn(installHtml, "key-pack-id");
        Assert.NotNull(keyPackId);
        Assert.Equal(30, KeyPackIdCode.Verify(keyPackId, ch.Certificate(), productId).Quantity);
        Assert.Contains("<td>Group 34</td>", installHtml);

        var deactivated = await browser.PostAsync("/operator/deactivate", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["formToken"] = formToken, ["requestCode"] = server.Code(ServerRequestPurpose.Deactivate), ["firstName"] = "Grace", ["lastName"] = "Hopper",
        }));
        var deactivationHtml = await deactivated.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, deactivated.StatusCode);
        var confirmation = WebPageTests.CodeIn(deactivationHtml, "confirmation-code");
        Assert.NotNull(confirmation);
        Assert.Equal(productId, DeactivationConfirmationCode.Verify(confirmation, ch.Certificate(), productId).ProductId);
        Assert.Contains("<td>Group 30</td>", deactivationHtml);
        Assert.Equal("deactivated", Assert.Single(await ch.ActivationsAsync()).Status);
    }

    [Fact]
    public async Task A_form_posted_without_the_session_form_token_is_refused()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        using var browser = Browser(ch);
        await SignInAsync(browser, ch.AdminToken);

        using var server = new CodeServer();
        var fields = RequestCodeSupport.ActivationFields(server.Code(ServerRequestPurpose.Activate, includeKey: true));
        fields["formToken"] = "forged";
        var response = await browser.PostAsync("/operator/activate", new FormUrlEncodedContent(fields));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Empty(await ch.ActivationsAsync());
    }
}
