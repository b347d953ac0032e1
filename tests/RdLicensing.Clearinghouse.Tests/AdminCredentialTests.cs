using System.Net;
using System.Text;
using RdLicensing.Storage;
using RdLicensing.Testing;
using static RdLicensing.Clearinghouse.Tests.Support;

namespace RdLicensing.Clearinghouse.Tests;

/// <summary>
/// The vendor administrator token as an attacker would try it on the clearinghouse (the shared bearer parsing and
/// constant-time hash check of ServiceDefaults), with the real token beside it.
/// </summary>
public sealed class AdminCredentialTests
{
    [Fact]
    public async Task Near_misses_of_the_vendor_token_are_401_problems_and_the_token_itself_is_served()
    {
        await using var ch = await TestClearinghouse.StartAsync(configure: o => o.RateLimits.FailedAuthenticationsPerWindow = 1_000_000);
        var hash = await ch.Store.SettingAsync(ClearinghouseStore.AdminTokenHashSetting);
        (string? Header, string DetailStart)[] attempts =
        [
            (null, "This call needs a credential"),
            ("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("admin:" + ch.AdminToken)), "The Authorization header must be 'Bearer <token>'"),
            (ch.AdminToken, "The Authorization header must be 'Bearer <token>'"),
            ("Bearer ", "The Authorization header must be 'Bearer <token>'"), // the space is trimmed on the way: "Bearer"
            ("Bearer " + ch.AdminToken + new string('x', 200), "The bearer token is empty or too long"),
            ("Bearer " + ch.AdminToken + "x", "The token is not a credential of this service"),
            ("Bearer " + ch.AdminToken[..^1], "The token is not a credential of this service"),
            ("Bearer " + LicenseStore.NewToken("rdca"), "The token is not a credential of this service"),
            ("Bearer rdla_" + ch.AdminToken[5..], "The token is not a credential of this service"),
            ("Bearer " + hash, "The token is not a credential of this service"),
            ("Bearer rdca_" + hash, "The token is not a credential of this service"),
        ];
        using var anonymous = ch.NewClient(null);

        foreach (var (header, detailStart) in attempts)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/admin/codes");
            if (header is not null) request.Headers.TryAddWithoutValidation("Authorization", header);
            var problem = await (await anonymous.SendAsync(request)).ProblemAsync(401);
            Assert.Equal(Slug("unauthenticated"), problem.Type);
            Assert.StartsWith(detailStart, problem.Detail);
            Assert.Contains("admin.token", problem.Detail);
            Assert.DoesNotContain(ch.AdminToken, problem.Detail);
        }

        // Positive controls: the token, sent by the shared helper, with the scheme in another case, and with spaces around it.
        Assert.Equal(HttpStatusCode.OK, (await ch.Admin.GetAsync("/api/admin/codes")).StatusCode);
        foreach (var header in new[] { "bearer " + ch.AdminToken, "Bearer  " + ch.AdminToken + " " })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/admin/codes");
            request.Headers.TryAddWithoutValidation("Authorization", header);
            Assert.Equal(HttpStatusCode.OK, (await anonymous.SendAsync(request)).StatusCode);
        }
    }
}
