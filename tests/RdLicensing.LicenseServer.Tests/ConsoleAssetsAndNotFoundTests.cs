using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using RdLicensing.Testing;

namespace RdLicensing.LicenseServer.Tests;

/// <summary>
/// The console's stylesheet and scripts are linked by a versioned address, cached a year and sent compressed; an address no
/// console page answers gets a readable 404 page, not the API's JSON.
/// </summary>
public sealed partial class ConsoleAssetsAndNotFoundTests
{
    [GeneratedRegex("""<link rel="stylesheet" href="(?<href>/console/assets/manager\.css\?v=[0-9a-f]{16})" """)]
    private static partial Regex StylesheetLink();

    [Fact]
    public async Task Assets_are_linked_by_version_cached_for_a_year_compressed_and_revalidated_by_etag()
    {
        await using var server = await TestLicenseServer.StartAsync();
        using var console = new ConsoleSession(server.BaseAddress);
        var signIn = await console.Http.GetStringAsync(ConsoleSession.SignInPath);
        var href = StylesheetLink().Match(signIn).Groups["href"].Value;
        Assert.NotEmpty(href);

        using var gzipRequest = new HttpRequestMessage(HttpMethod.Get, href);
        gzipRequest.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        using var gzipped = await console.Http.SendAsync(gzipRequest);
        Assert.Equal(HttpStatusCode.OK, gzipped.StatusCode);
        Assert.Equal("gzip", Assert.Single(gzipped.Content.Headers.ContentEncoding));
        Assert.Equal("public, max-age=31536000, immutable", gzipped.Headers.CacheControl!.ToString().Replace(" ", "", StringComparison.Ordinal).Replace(",", ", ", StringComparison.Ordinal));
        Assert.Contains("Accept-Encoding", gzipped.Headers.Vary);
        var compressed = await gzipped.Content.ReadAsByteArrayAsync();
        await using var unzip = new GZipStream(new MemoryStream(compressed), CompressionMode.Decompress);
        var css = await new StreamReader(unzip).ReadToEndAsync();
        Assert.Contains("@media (max-width: 900px)", css);
        Assert.True(compressed.Length < css.Length / 2, $"{compressed.Length} bytes compressed for {css.Length}");

        using var brotliRequest = new HttpRequestMessage(HttpMethod.Get, href);
        brotliRequest.Headers.AcceptEncoding.ParseAdd("gzip, deflate, br");
        using var brotli = await console.Http.SendAsync(brotliRequest);
        Assert.Equal("br", Assert.Single(brotli.Content.Headers.ContentEncoding));

        // A client that takes no compression gets the plain file.
        using var plain = await console.Http.GetAsync(href);
        Assert.Empty(plain.Content.Headers.ContentEncoding);
        Assert.Equal(css, await plain.Content.ReadAsStringAsync());
        Assert.Equal("text/css; charset=utf-8", plain.Content.Headers.ContentType!.ToString());

        // The same content again: 304, nothing sent.
        using var again = new HttpRequestMessage(HttpMethod.Get, href);
        again.Headers.IfNoneMatch.Add(plain.Headers.ETag!);
        using var notModified = await console.Http.SendAsync(again);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
        Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());

        // An address without the current version is not cached blindly; an unknown asset is 404.
        using var unversioned = await console.Http.GetAsync("/console/assets/manager.css?v=0000000000000000");
        Assert.Equal("no-cache", unversioned.Headers.CacheControl!.ToString());
        Assert.Equal(HttpStatusCode.NotFound, (await console.Http.GetAsync("/console/assets/secrets.json")).StatusCode);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_unknown_console_page_is_a_readable_404_page_signed_in_or_not(bool signedIn)
    {
        await using var server = await TestLicenseServer.StartAsync();
        using var console = new ConsoleSession(server.BaseAddress);
        if (signedIn) Assert.Equal(HttpStatusCode.Redirect, (await console.SignInAsync(server.AdminToken)).StatusCode);

        using var missing = await console.Http.GetAsync("/console/keypackz?x=<b>1</b>");

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("text/html", missing.Content.Headers.ContentType!.MediaType);
        var html = await missing.Content.ReadAsStringAsync();
        Assert.Contains("<h2>Page not found</h2>", html);
        Assert.Contains("The Licensing Manager has no page at <code>/console/keypackz</code>", html);
        Assert.Contains("<a href=\"/console/keypacks\">Key packs</a>", html);
        Assert.DoesNotContain("\"status\":404", html);
        // The pages that exist still answer: the sign-in page to anyone, the dashboard only when signed in.
        Assert.Equal(HttpStatusCode.OK, (await console.Http.GetAsync(ConsoleSession.SignInPath)).StatusCode);
        Assert.Equal(signedIn ? HttpStatusCode.OK : HttpStatusCode.Redirect, (await console.Http.GetAsync("/console/keypacks")).StatusCode);
    }
}
