using System.Net;
using RdLicensing.Testing;
using static RdLicensing.Clearinghouse.Tests.Support;

namespace RdLicensing.Clearinghouse.Tests;

/// <summary>Wrong vendor administrator tokens and refused operator sign-ins, per client address, as on the license server.</summary>
public sealed class FailedAuthenticationTests
{
    [Fact]
    public async Task Wrong_vendor_tokens_beyond_the_allowance_get_429_while_the_right_token_is_served()
    {
        await using var ch = await TestClearinghouse.StartAsync(configure: o => o.RateLimits.FailedAuthenticationsPerWindow = 3);
        using var wrong = ch.NewClient("rdca_wrong");

        for (var i = 0; i < 3; i++) await (await wrong.GetAsync("/api/admin/codes")).ProblemAsync(401);
        var refused = await wrong.GetAsync("/api/admin/codes");

        Assert.Equal(Slug("too-many-attempts"), (await refused.ProblemAsync(429)).Type);
        Assert.True(refused.Headers.RetryAfter?.Delta is { TotalSeconds: >= 1 });
        Assert.Equal(HttpStatusCode.OK, (await ch.Admin.GetAsync("/api/admin/codes")).StatusCode);
    }

    [Fact]
    public async Task Refused_operator_sign_ins_beyond_the_allowance_get_429_and_the_right_token_still_signs_in()
    {
        await using var ch = await TestClearinghouse.StartAsync(configure: o => o.RateLimits.FailedAuthenticationsPerWindow = 2);
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = ch.BaseAddress };
        // Posted as a browser does, with the sign-in page's antiforgery token.
        Task<HttpResponseMessage> SignIn(string token) => browser.SubmitFormAsync("/operator/login", new Dictionary<string, string> { ["token"] = token });

        for (var i = 0; i < 2; i++) Assert.Equal(HttpStatusCode.Unauthorized, (await SignIn("rdca_wrong")).StatusCode);
        var refused = await SignIn("rdca_wrong");

        Assert.Equal(Slug("too-many-attempts"), (await refused.ProblemAsync(429)).Type);
        var signedIn = await SignIn(ch.AdminToken);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
    }
}
