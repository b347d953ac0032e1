using System.Net;
using System.Text;
using RdLicensing.SessionHost.Tests.Support;
using RdLicensing.Testing;

namespace RdLicensing.SessionHost.Tests;

/// <summary>What a client device sends (no credential) is at most 64 KiB; beyond, 413 request-too-large before the body is read.</summary>
public sealed class RequestLimitTests
{
    [Fact]
    public async Task A_30_MB_connection_request_is_refused_413_before_it_is_read_and_small_ones_are_served()
    {
        await using var host = await TestSessionHost.StartAsync(clock: null);

        var answer = await RawHttp.SendPartialAsync(host.BaseAddress, "POST", "/api/connections",
            ["Content-Type: application/json", "Content-Length: 30000000"], Encoding.ASCII.GetBytes("{\"clientName\":\"" + new string('a', 1000)));

        Assert.True(answer.Status == 413, $"expected 413, got {answer.Status}: {answer.Body}");
        Assert.Contains("https://rdlicensing.dev/problems/request-too-large", answer.Body);
        Assert.Contains("nosniff", answer.Head);
        var small = await host.Http.PostAsync("/api/connections", new StringContent("{\"clientName\":\"PC-1\"}", Encoding.UTF8, "application/json"));
        Assert.NotEqual(HttpStatusCode.RequestEntityTooLarge, small.StatusCode);
        var admin = await host.Admin.GetAsync("/api/status");
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        Assert.Equal("nosniff", Assert.Single(admin.Headers.GetValues("X-Content-Type-Options")));
    }
}
