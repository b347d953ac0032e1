using System.Net;
using System.Text.Json;
using RdLicensing.SessionHost.Tests.Support;

namespace RdLicensing.SessionHost.Tests;

/// <summary>Wrong administrator tokens per client address, as on the license server: 429 beyond the allowance, the right token still served.</summary>
public sealed class FailedAuthenticationTests
{
    [Fact]
    public async Task Wrong_admin_tokens_beyond_the_allowance_get_429_while_the_right_token_is_served()
    {
        await using var host = await TestSessionHost.StartAsync(clock: null, configure: o => o.FailedAuthenticationsPerWindow = 3);
        using var wrong = host.NewClient("rdsa_wrong");

        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync("/api/status")).StatusCode);
        var refused = await wrong.GetAsync("/api/status");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta is { TotalSeconds: >= 1 });
        var problem = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("https://rdlicensing.dev/problems/too-many-attempts", problem.GetProperty("type").GetString());
        Assert.Contains("admin.token", problem.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.OK, (await host.Admin.GetAsync("/api/status")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync("/health")).StatusCode); // anonymous callers are not failures
    }
}
