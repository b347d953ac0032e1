using System.Net;
using System.Text;
using RdLicensing.Testing;

namespace RdLicensing.LicenseServer.Tests;

/// <summary>Request bodies: 64 KiB on anonymous routes (the console sign-in), 1 MiB with a credential; beyond, 413 request-too-large before reading.</summary>
public sealed class RequestLimitTests
{
    private static void AssertTooLarge(RawHttp.Answer answer)
    {
        Assert.True(answer.Status == 413, $"expected 413, got {answer.Status}: {answer.Body}");
        Assert.Contains("https://rdlicensing.dev/problems/request-too-large", answer.Body);
    }

    [Fact]
    public async Task The_anonymous_console_sign_in_refuses_a_30_MB_body_before_reading_it()
    {
        await using var server = await TestLicenseServer.StartAsync();

        AssertTooLarge(await RawHttp.SendPartialAsync(server.BaseAddress, "POST", "/console/sign-in",
            ["Content-Type: application/x-www-form-urlencoded", "Content-Length: 30000000"], Encoding.ASCII.GetBytes("Form.Token=" + new string('a', 1000))));
        AssertTooLarge(await RawHttp.SendPartialAsync(server.BaseAddress, "POST", "/console/sign-in",
            ["Content-Type: application/x-www-form-urlencoded", "Transfer-Encoding: chunked"], [.. RawHttp.Chunk(48 * 1024), .. RawHttp.Chunk(48 * 1024)]));
    }

    [Fact]
    public async Task An_administrator_call_takes_a_body_over_64_KiB_and_is_refused_over_1_MiB()
    {
        await using var server = await TestLicenseServer.StartAsync();
        var padded = "{\"connectionMethod\":\"automatic\"" + new string(' ', 200 * 1024) + "}";

        var accepted = await server.Admin.PutAsync("/api/admin/properties", new StringContent(padded, Encoding.UTF8, "application/json"));

        Assert.NotEqual(HttpStatusCode.RequestEntityTooLarge, accepted.StatusCode);
        AssertTooLarge(await RawHttp.SendPartialAsync(server.BaseAddress, "PUT", "/api/admin/properties",
            ["Content-Type: application/json", $"Authorization: Bearer {server.AdminToken}", "Content-Length: 2000000"], Encoding.ASCII.GetBytes("{")));
    }

    [Fact]
    public async Task Console_pages_forbid_framing_and_sniffing()
    {
        await using var server = await TestLicenseServer.StartAsync();
        using var console = new ConsoleSession(server.BaseAddress);

        var page = await console.Http.GetAsync("/console/sign-in");

        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Equal("DENY", Assert.Single(page.Headers.GetValues("X-Frame-Options")));
        var policy = Assert.Single(page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("frame-ancestors 'none'", policy);
        Assert.Contains("script-src 'self'", policy);
        Assert.Equal("nosniff", Assert.Single(page.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal(HttpStatusCode.Redirect, (await console.SignInAsync(server.AdminToken)).StatusCode);
        var dashboard = await console.Http.GetAsync("/console");
        Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
        Assert.Equal("DENY", Assert.Single(dashboard.Headers.GetValues("X-Frame-Options")));
    }
}
