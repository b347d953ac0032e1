using System.Net;
using System.Text.RegularExpressions;
using RdLicensing.Testing;

namespace RdLicensing.Clearinghouse.Tests;

/// <summary>Issue 15: the web site in the Licensing Manager's look (its stylesheet shared and cached) and asking only the chosen program's fields.</summary>
public sealed class WebLookTests
{
    [Fact]
    public async Task Pages_link_the_consoles_stylesheet_by_version_and_it_is_cached_a_year()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        var html = await ch.Public.GetStringAsync("/install");
        var href = Regex.Match(html, """href="(/assets/manager\.css\?v=[0-9a-f]+)" """.Trim()).Groups[1].Value;
        Assert.NotEmpty(href);
        Assert.Contains("/assets/clearinghouse.css?v=", html);
        Assert.DoesNotContain("<style>", html);

        var css = await ch.Public.GetAsync(href);
        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.Equal("text/css", css.Content.Headers.ContentType?.MediaType);
        Assert.Equal("public, max-age=31536000, immutable", css.Headers.CacheControl?.ToString());
        Assert.Contains("--accent", await css.Content.ReadAsStringAsync()); // the console's palette
        // Another version (an old page): revalidated; an unknown name: 404.
        Assert.Equal("no-cache", (await ch.Public.GetAsync("/assets/manager.css?v=old")).Headers.CacheControl?.ToString());
        Assert.Equal(HttpStatusCode.NotFound, (await ch.Public.GetAsync("/assets/secrets.json")).StatusCode);
    }

    [Theory]
    [InlineData("/install", "licenseCode", "agreementNumber")]
    [InlineData("/install?program=open", "authorizationNumber", "licenseCode")]
    [InlineData("/install?program=select", "quantity", "licenseNumber")]
    [InlineData("/install?program=nonsense", "licenseCode", "quantity")]
    public async Task Install_asks_only_the_chosen_programs_identifiers(string path, string shown, string hidden)
    {
        await using var ch = await TestClearinghouse.StartAsync();
        var html = await ch.Public.GetStringAsync(path);
        var post = html[html.IndexOf("<form method=\"post\"", StringComparison.Ordinal)..];
        Assert.Contains($"name=\"{shown}\"", post);
        Assert.DoesNotContain($"name=\"{hidden}\"", post);
    }

    [Theory]
    [InlineData("/migrate", "releaseCode", "sourceLicenseServerId")]
    [InlineData("/migrate", "releaseCode", "licenseCode")]
    [InlineData("/migrate?source=running", "releaseCode", "agreementNumber")]
    [InlineData("/migrate?source=retail", "licenseCode", "releaseCode")]
    [InlineData("/migrate?source=retail", "sourceLicenseServerId", "licenseNumber")]
    [InlineData("/migrate?source=open", "authorizationNumber", "licenseCode")]
    [InlineData("/migrate?source=open", "sourceLicenseServerId", "releaseCode")]
    [InlineData("/migrate?source=enterprise", "calType", "authorizationNumber")]
    [InlineData("/migrate?source=nonsense", "releaseCode", "licenseCode")]
    public async Task Migrate_asks_the_source_first_and_only_its_fields(string path, string shown, string hidden)
    {
        await using var ch = await TestClearinghouse.StartAsync();
        var html = await ch.Public.GetStringAsync(path);
        Assert.Contains("name=\"source\"", html[..html.IndexOf("<form method=\"post\"", StringComparison.Ordinal)]); // the choice comes first
        var post = html[html.IndexOf("<form method=\"post\"", StringComparison.Ordinal)..];
        Assert.Contains($"name=\"{shown}\"", post);
        Assert.DoesNotContain($"name=\"{hidden}\"", post);
    }

    [Fact]
    public async Task The_source_choice_keeps_the_linked_request_code_and_a_refused_post_shows_the_fields_of_what_was_posted()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        var linked = await ch.Public.GetStringAsync("/migrate?requestCode=ABCDE-FGHJK&source=open");
        var choice = linked[..linked.IndexOf("<form method=\"post\"", StringComparison.Ordinal)];
        Assert.Contains("name=\"requestCode\" value=\"ABCDE-FGHJK\"", choice);
        Assert.Contains("<option value=\"open\" selected", linked);

        // Posted from the page as first shown (a running source) but with a program's identifiers, as a client posting directly
        // may: the refusal shows that program's fields with what was typed.
        var (status, html) = await ch.Public.PostFormAsync("/migrate", new() { ["requestCode"] = "ABCDE", ["program"] = "open", ["licenseNumber"] = "12345678" });
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var post = html[html.IndexOf("<form method=\"post\"", StringComparison.Ordinal)..];
        Assert.Contains("name=\"authorizationNumber\"", post);
        Assert.Contains("value=\"12345678\"", post);
        Assert.DoesNotContain("name=\"releaseCode\"", post);
    }
}
