using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using RdLicensing.Core.Proof;
using RdLicensing.Core.Protocol;
using RdLicensing.Testing;
using static RdLicensing.Clearinghouse.Tests.Support;

namespace RdLicensing.Clearinghouse.Tests;

/// <summary>
/// Request bodies of the public API and pages are at most 64 KiB: a larger one is refused with 413 request-too-large
/// before it is read (the server answers while the client still withholds the rest), and every HTML page forbids framing.
/// </summary>
public sealed class RequestLimitTests
{
    private static void AssertTooLarge(RawHttp.Answer answer)
    {
        Assert.True(answer.Status == 413, $"expected 413, got {answer.Status}: {answer.Body}");
        Assert.Contains("application/problem+json", answer.Head);
        Assert.Contains("https://rdlicensing.dev/problems/request-too-large", answer.Body);
    }

    [Fact]
    public async Task Thirty_bodies_of_30_MB_announced_at_once_are_each_refused_413_without_being_read()
    {
        await using var ch = await TestClearinghouse.StartAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => RawHttp.SendPartialAsync(ch.BaseAddress, "POST", "/api/licenses",
            ["Content-Type: application/json", "Content-Length: 30000000"], Encoding.ASCII.GetBytes("{\"productId\":\"" + new string('a', 1000)))));

        Assert.All(answers, AssertTooLarge);
        var detail = JsonDocument.Parse(answers[0].Body).RootElement.GetProperty("detail").GetString();
        Assert.Contains("64 KiB", detail);
    }

    [Fact]
    public async Task A_chunked_body_is_cut_off_with_413_once_it_passes_64_KiB()
    {
        await using var ch = await TestClearinghouse.StartAsync();

        var answer = await RawHttp.SendPartialAsync(ch.BaseAddress, "POST", "/api/activations",
            ["Content-Type: application/json", "Transfer-Encoding: chunked"], [.. RawHttp.Chunk(48 * 1024), .. RawHttp.Chunk(48 * 1024)]);

        AssertTooLarge(answer);
    }

    [Fact]
    public async Task Bodies_within_64_KiB_are_handled_as_usual()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        using var identity = SignedClearinghouseCalls.NewIdentity();
        var padded = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new ActivationRequestBody(identity.ProductId, "automatic", Company), SignedClearinghouseCalls.Json)
            .TrimEnd('}') + new string(' ', 60 * 1024) + "}");
        var proof = ServerRequestProof.Create(identity.Key, identity.ProductId, SignedClearinghouseCalls.DefaultInstallationId, "POST", "/api/activations", padded);

        var activated = await ch.Public.PostSignedBytesAsync("/api/activations", padded, proof);

        Assert.True(activated.IsSuccessStatusCode, await activated.Content.ReadAsStringAsync());
        using var server = new CodeServer();
        var (status, html) = await ch.Public.PostFormAsync("/activate", RequestCodeSupport.ActivationFields(server.Code(ServerRequestPurpose.Activate, includeKey: true)));
        Assert.True(status == HttpStatusCode.OK, html);
    }

    [Fact]
    public async Task Every_html_page_forbids_framing_and_sniffing()
    {
        await using var ch = await TestClearinghouse.StartAsync();

        foreach (var path in new[] { "/", "/activate", "/install", "/telephone", "/operator/login" })
        {
            var page = await ch.Public.GetAsync(path);
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
            Assert.Equal("DENY", Assert.Single(page.Headers.GetValues("X-Frame-Options")));
            var policy = Assert.Single(page.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("frame-ancestors 'none'", policy);
            Assert.Contains("default-src 'self'", policy);
            Assert.Equal("nosniff", Assert.Single(page.Headers.GetValues("X-Content-Type-Options")));
        }
        var json = await ch.Public.GetAsync("/api/telephone");
        Assert.Equal("nosniff", Assert.Single(json.Headers.GetValues("X-Content-Type-Options")));
    }
}
