using System.Net;
using System.Text.RegularExpressions;
using RdLicensing.Core.Cals;
using System.Net.Http.Json;
using RdLicensing.Core.Codes;
using RdLicensing.Core.Proof;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using RdLicensing.Testing;
using static RdLicensing.Clearinghouse.Tests.Support;

namespace RdLicensing.Clearinghouse.Tests;

/// <summary>The web site driven as a browser without JavaScript does: GET the form, POST it form-encoded, read the HTML.</summary>
public sealed partial class WebPageTests
{
    [GeneratedRegex("""<p class="code" id="(?<id>[a-z-]+)">(?<code>[0-9A-Z ]+)</p>""")]
    internal static partial Regex CodePattern();

    internal static string? CodeIn(string html, string id) =>
        CodePattern().Matches(html).FirstOrDefault(m => m.Groups["id"].Value == id)?.Groups["code"].Value.Replace(' ', '-');

    [Fact]
    public async Task The_index_and_the_forms_are_served_as_html()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        foreach (var path in new[] { "/", "/activate", "/install", "/migrate", "/deactivate", "/telephone" })
        {
            var response = await ch.Public.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        }
        Assert.Contains("""name="company.countryRegion" """.Trim(), await ch.Public.GetStringAsync("/activate"));
        Assert.Contains("+44 800 000 0555", WebUtility.HtmlDecode(await ch.Public.GetStringAsync("/telephone")));
        Assert.Contains("""value="ABCDE-FGHJK" """.Trim(), await ch.Public.GetStringAsync("/activate?requestCode=ABCDE-FGHJK"));
        Assert.Contains("/api/licenses", await ch.Public.GetStringAsync("/openapi/v1.json"));
    }

    [Fact]
    public async Task Activating_in_the_browser_shows_a_license_server_id_that_verifies_and_the_next_step()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        using var server = new CodeServer();

        var response = await ch.Public.SubmitFormAsync("/activate", RequestCodeSupport.ActivationFields(server.Code(ServerRequestPurpose.Activate, includeKey: true)));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var code = CodeIn(html, "license-server-id");
        Assert.NotNull(code);
        LicenseServerIdCode.Verify(code, ch.Certificate(), server.ProductId);
        Assert.Equal("web", Assert.Single(await ch.ActivationsAsync()).Method);
        Assert.Contains("rdlic server activate --license-server-id " + code, html);
    }

    [Fact]
    public async Task A_missing_company_is_shown_next_to_its_field_and_what_was_typed_is_kept_encoded()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        using var server = new CodeServer();
        var fields = RequestCodeSupport.ActivationFields(server.Code(ServerRequestPurpose.Activate, includeKey: true));
        fields["company.company"] = "";
        fields["company.city"] = "<script>alert(1)</script>";

        var response = await ch.Public.SubmitFormAsync("/activate", fields);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Matches("""<input id="company.company"[^>]*>\s*<p class="error" id="error-company.company">Company is required to activate</p>""", html);
        Assert.DoesNotContain("<script>", html);
        Assert.Contains("&lt;script&gt;", html);
        Assert.Null(CodeIn(html, "license-server-id"));
        Assert.Empty(await ch.ActivationsAsync());
    }

    [Fact]
    public async Task Installing_in_the_browser_shows_a_license_key_pack_id()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        using var server = new CodeServer(ProductVersion.WindowsServer2025);
        await ch.WebActivateAsync(server);
        var licenseCode = await ch.IssueRetailCodeAsync(ProductVersion.WindowsServer2022, CalType.PerUser, 20);

        var response = await ch.Public.SubmitFormAsync("/install", RequestCodeSupport.RetailFields(server.Code(ServerRequestPurpose.Install), licenseCode));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var code = CodeIn(html, "key-pack-id");
        Assert.NotNull(code);
        var grant = KeyPackIdCode.Verify(code, ch.Certificate(), server.ProductId);
        Assert.Equal((ProductVersion.WindowsServer2022, CalType.PerUser, 20), (grant.Version, grant.Type, grant.Quantity));
        Assert.Contains("rdlic licenses install --key-pack-id " + code, html);
    }

    [Fact]
    public async Task A_mistyped_request_code_group_is_named_on_the_install_page()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        using var server = new CodeServer();
        await ch.WebActivateAsync(server);
        var licenseCode = await ch.IssueRetailCodeAsync(ProductVersion.WindowsServer2022, CalType.PerUser, 20);
        var groups = server.Code(ServerRequestPurpose.Install).Split('-');
        groups[1] = groups[1][..4] + (groups[1][4] == 'A' ? 'B' : 'A');

        var response = await ch.Public.SubmitFormAsync("/install", RequestCodeSupport.RetailFields(string.Join('-', groups), licenseCode));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Matches("""id="error-requestCode">[^<]*group 2""", html);
        Assert.Null((await ch.Admin.GetFromJsonAsync<RetailCodeView[]>("/api/admin/codes"))!.Single().UsedAt);
    }

    [Fact]
    public async Task The_migration_form_posted_without_the_antiforgery_token_is_refused_before_any_code_is_read()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        var hidden = await HtmlForms.HiddenFieldsAsync(ch.Public, "/migrate");
        var fields = new Dictionary<string, string> { ["_handler"] = hidden["_handler"], ["requestCode"] = "ABCDE", ["releaseCode"] = "FGHJK" };

        using var elsewhere = new HttpClient { BaseAddress = ch.BaseAddress };
        var refused = await elsewhere.PostAsync("/migrate", new FormUrlEncodedContent(fields));
        // Positive control: with the page's token the form is read, and the mistyped code is named.
        var (status, html) = await ch.Public.PostFormAsync("/migrate", new() { ["requestCode"] = "ABCDE", ["releaseCode"] = "FGHJK" });

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.DoesNotContain("request code", await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("request code", WebUtility.HtmlDecode(html));
    }

    [Fact]
    public async Task A_form_posted_without_the_antiforgery_token_is_refused()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        using var server = new CodeServer();
        var fields = RequestCodeSupport.ActivationFields(server.Code(ServerRequestPurpose.Activate, includeKey: true));
        var handler = (await HtmlForms.HiddenFieldsAsync(ch.Public, "/activate"))["_handler"];

        // As a page on another site would post it: the form's name and fields, no token of this site.
        using var elsewhere = new HttpClient { BaseAddress = ch.BaseAddress };
        var refused = await elsewhere.PostAsync("/activate", new FormUrlEncodedContent(new Dictionary<string, string>(fields) { ["_handler"] = handler }));
        var forged = await elsewhere.PostAsync("/activate", new FormUrlEncodedContent(
            new Dictionary<string, string>(fields) { ["_handler"] = handler, [HtmlForms.AntiforgeryField] = "forged" }));

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.BadRequest), (refused.StatusCode, forged.StatusCode));
        Assert.Empty(await ch.ActivationsAsync());
        // Positive control: the same fields with the token of the page that shows the form.
        var (status, html) = await ch.Public.PostFormAsync("/activate", fields);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.NotNull(CodeIn(html, "license-server-id"));
    }

    [Fact]
    public async Task A_refused_form_and_a_refused_sign_in_each_leave_a_log_line_without_what_was_typed()
    {
        var logs = new WarningLines();
        await using var ch = await TestClearinghouse.StartAsync(logs: logs);
        using var server = new CodeServer();
        var code = server.Code(ServerRequestPurpose.Install);
        var guessedToken = "rdca_" + new string('x', 40);

        var (status, _) = await ch.Public.PostFormAsync("/install", RequestCodeSupport.RetailFields(code[..^3], "BOGUS-LICENSE-CODE"));
        var signIn = await ch.Public.SubmitFormAsync("/operator/login", [new("token", guessedToken)]);

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.Unauthorized), (status, signIn.StatusCode));
        var web = logs.Lines.Where(l => l.Contains("RdLicensing.Clearinghouse.Web", StringComparison.Ordinal)).ToList();
        Assert.Contains(web, l => l.Contains("/install refused a request from 127.0.0.1: code-mistyped (field requestCode)", StringComparison.Ordinal));
        Assert.Contains(web, l => l.Contains("/operator/login refused a sign-in from 127.0.0.1", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Lines, l => l.Contains(code[..20], StringComparison.Ordinal) || l.Contains("BOGUS", StringComparison.Ordinal) || l.Contains(guessedToken, StringComparison.Ordinal));
    }
}
