using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using RdLicensing.Core.Protocol;
using RdLicensing.Testing;

namespace RdLicensing.LicenseServer.Tests;

/// <summary>Failed authentications per client address, and requests per session host and per administrator credential.</summary>
public sealed class RateLimitTests
{
    private static async Task AssertTooManyAsync(HttpResponseMessage response, string type)
    {
        await ProblemAssert.IsAsync(response, HttpStatusCode.TooManyRequests, type);
        Assert.True(response.Headers.RetryAfter?.Delta is { TotalSeconds: >= 1 }, $"Retry-After: {response.Headers.RetryAfter}");
    }

    [Fact]
    public async Task Wrong_tokens_beyond_the_allowance_get_429_while_valid_tokens_from_the_same_address_are_served()
    {
        await using var server = await TestLicenseServer.StartAsync(configure: o => o.RateLimits.FailedAuthenticationsPerWindow = 3);
        var host = await server.EnrollHostAsync();
        using var wrongAdmin = server.NewClient("rdla_wrong");
        using var wrongHost = server.NewClient("rdlh_wrong");
        using var malformed = server.NewClient(null);
        malformed.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", "YWRtaW46YWRtaW4=");

        await ProblemAssert.IsAsync(await wrongAdmin.GetAsync("/api/admin/status"), HttpStatusCode.Unauthorized, "unauthenticated");
        await ProblemAssert.IsAsync(await wrongHost.GetAsync("/api/sessionhost/license-server"), HttpStatusCode.Unauthorized, "unauthenticated");
        await ProblemAssert.IsAsync(await malformed.GetAsync("/api/admin/status"), HttpStatusCode.Unauthorized, "unauthenticated");

        await AssertTooManyAsync(await wrongAdmin.GetAsync("/api/admin/status"), "too-many-attempts");
        await AssertTooManyAsync(await wrongHost.PostAsJsonAsync("/api/sessionhost/cals", new CalRequestBody("per-device", "2022", "hw-1", "PC", "bob", null)), "too-many-attempts");
        await AssertTooManyAsync(await malformed.GetAsync("/api/admin/status"), "too-many-attempts");

        Assert.Equal(HttpStatusCode.OK, (await server.Admin.GetAsync("/api/admin/status")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.GetAsync("/api/sessionhost/license-server")).StatusCode);
        using var anonymous = server.NewClient(null);
        await ProblemAssert.IsAsync(await anonymous.GetAsync("/api/admin/status"), HttpStatusCode.Unauthorized, "unauthenticated"); // no token is no failure
    }

    [Fact]
    public async Task The_failure_allowance_renews_after_its_window()
    {
        await using var server = await TestLicenseServer.StartAsync(configure: o =>
        {
            o.RateLimits.FailedAuthenticationsPerWindow = 1;
            o.RateLimits.FailedAuthenticationWindow = TimeSpan.FromSeconds(3); // wide enough for two requests on a loaded machine
        });
        using var wrong = server.NewClient("rdla_wrong");
        await ProblemAssert.IsAsync(await wrong.GetAsync("/api/admin/status"), HttpStatusCode.Unauthorized, "unauthenticated");
        await AssertTooManyAsync(await wrong.GetAsync("/api/admin/status"), "too-many-attempts");

        await Task.Delay(TimeSpan.FromSeconds(3.5));

        await ProblemAssert.IsAsync(await wrong.GetAsync("/api/admin/status"), HttpStatusCode.Unauthorized, "unauthenticated");
    }

    [Fact]
    public async Task Wrong_console_sign_ins_beyond_the_allowance_get_429_and_the_right_token_still_signs_in()
    {
        await using var server = await TestLicenseServer.StartAsync(configure: o => o.RateLimits.FailedAuthenticationsPerWindow = 3);
        using var console = new ConsoleSession(server.BaseAddress);

        for (var i = 0; i < 3; i++)
        {
            var refused = await console.SignInAsync(i == 0 ? "not-even-an-admin-token" : "rdla_wrong-" + i);
            Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
            Assert.Contains("sign-in-error", await refused.Content.ReadAsStringAsync());
        }
        await AssertTooManyAsync(await console.SignInAsync("rdla_wrong-again"), "too-many-attempts");
        Assert.False(console.SignedIn);

        var signedIn = await console.SignInAsync(server.AdminToken);

        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.True(console.SignedIn);
        Assert.Equal(HttpStatusCode.OK, (await console.Http.GetAsync("/console")).StatusCode);
    }

    [Fact]
    public async Task A_session_host_beyond_its_rate_gets_429_and_other_callers_are_not_slowed()
    {
        await using var server = await TestLicenseServer.StartAsync(configure: o =>
        {
            o.RateLimits.SessionHostRequestsPerSecond = 1;
            o.RateLimits.SessionHostBurst = 3;
        });
        var busy = await server.EnrollHostAsync("rdsh-busy");
        var quiet = await server.EnrollHostAsync("rdsh-quiet");

        var refused = await FirstRefusedAsync(() => busy.GetAsync("/api/sessionhost/license-server"));

        await AssertTooManyAsync(refused, "too-many-requests");
        Assert.Contains("rdsh-busy", await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await quiet.GetAsync("/api/sessionhost/license-server")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await server.Admin.GetAsync("/api/admin/status")).StatusCode);
    }

    [Fact]
    public async Task An_administrator_credential_beyond_its_rate_gets_429()
    {
        await using var server = await TestLicenseServer.StartAsync(configure: o =>
        {
            o.RateLimits.AdminRequestsPerSecond = 1;
            o.RateLimits.AdminBurst = 2;
        });

        await AssertTooManyAsync(await FirstRefusedAsync(() => server.Admin.GetAsync("/api/admin/status")), "too-many-requests");
    }

    /// <summary>
    /// Sends until the limiter refuses: the burst passes, and the bucket refills one a second, so however slow the machine
    /// the refusal comes within a few more requests. Everything before it must have been served.
    /// </summary>
    private static async Task<HttpResponseMessage> FirstRefusedAsync(Func<Task<HttpResponseMessage>> send)
    {
        for (var i = 0; i < 30; i++)
        {
            var response = await send();
            if (response.StatusCode == HttpStatusCode.TooManyRequests) return response;
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        Assert.Fail("30 requests were all served: the rate limit did not apply.");
        return null!;
    }

    [Fact]
    public async Task By_default_one_host_sending_thousands_of_requests_at_once_is_not_throttled()
    {
        await using var server = await TestLicenseServer.StartAsync();
        var host = await server.EnrollHostAsync();
        var defaults = new RateLimitOptions();
        Assert.True(defaults.SessionHostRequestsPerSecond >= 10_000 && defaults.SessionHostBurst >= 10_000);

        var statuses = new List<HttpStatusCode>();
        await Parallel.ForEachAsync(Enumerable.Range(0, 3_000), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (_, ct) =>
        {
            using var response = await host.GetAsync("/api/sessionhost/license-server", ct);
            lock (statuses) statuses.Add(response.StatusCode);
        });

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
    }
}
