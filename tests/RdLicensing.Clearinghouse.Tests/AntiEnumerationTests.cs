using System.Net;
using System.Net.Http.Json;
using RdLicensing.Core.Cals;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Proof;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Time;
using RdLicensing.Core.Versions;
using RdLicensing.Testing;
using static RdLicensing.Clearinghouse.Tests.Support;

namespace RdLicensing.Clearinghouse.Tests;

/// <summary>
/// Guessing identifiers at the clearinghouse: unrecognized agreement numbers, License Server IDs that are not the named
/// server's, counted per client address and per Product ID; a lock-out refuses even a right guess, the vendor sees an
/// event, and the allowance renews after its window (on a simulated clock, no waiting).
/// </summary>
public sealed class AntiEnumerationTests
{
    private static async Task AssertLockedOutAsync(HttpResponseMessage response, int expectedSeconds)
    {
        var problem = await response.ProblemAsync(429);
        Assert.Equal(Slug("too-many-unrecognized"), problem.Type);
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), response.Headers.RetryAfter?.Delta);
    }

    private static LicenseInstallRequestBody Agreement(string productId, string licenseServerId, string number) =>
        new(productId, licenseServerId, "2025", "enterprise", AgreementNumber: number, Version: "2022", CalType: "per-user", Quantity: 5);

    private static async Task<List<SecurityEventView>> EventsAsync(TestClearinghouse ch) =>
        (await ch.Admin.GetFromJsonAsync<List<SecurityEventView>>("/api/admin/security-events"))!;

    [Fact]
    public async Task Guessed_agreement_numbers_lock_the_address_out_even_for_a_right_guess_and_the_vendor_sees_it()
    {
        var clock = new SimulatedTimeProvider(TimeProvider.System);
        await using var ch = await TestClearinghouse.StartAsync(clock, o =>
        {
            o.RateLimits.UnrecognizedIdentifiersPerWindow = 3;
            o.RateLimits.UnrecognizedIdentifierWindow = TimeSpan.FromMinutes(15);
        });
        var (productId, licenseServerId) = await ch.NewActivatedServerAsync();
        var number = await ch.AddAgreementAsync(LicenseProgram.EnterpriseAgreement, ProductVersion.WindowsServer2022, CalType.PerUser, 100);
        var wrong = number == "1234567" ? "7654321" : "1234567";
        Assert.Empty(await EventsAsync(ch));

        for (var i = 0; i < 3; i++)
            Assert.Equal(Slug("not-recognized"), (await (await ch.InstallAsync(Agreement(productId, licenseServerId, wrong))).ProblemAsync(422)).Type);
        await AssertLockedOutAsync(await ch.InstallAsync(Agreement(productId, licenseServerId, number)), 15 * 60);

        Assert.Equal(0, (await ch.Admin.GetFromJsonAsync<List<AgreementView>>("/api/admin/agreements"))!.Single().Entitlements.Single().Drawn);
        var lockOut = Assert.Single(await EventsAsync(ch), e => e.Kind == "unrecognized-identifiers-address");
        Assert.Equal(("127.0.0.1", "POST /api/licenses"), (lockOut.ClientAddress, lockOut.Route));
        Assert.Contains("3 unrecognized identifiers from 127.0.0.1", lockOut.Detail);
        Assert.DoesNotContain(wrong, lockOut.Detail);
        using var anonymous = ch.NewClient(null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/admin/security-events")).StatusCode);

        clock.Advance(TimeSpan.FromMinutes(15));

        await (await ch.InstallAsync(Agreement(productId, licenseServerId, number))).GrantedAsync();
    }

    [Fact]
    public async Task A_customer_who_mistypes_within_the_allowance_is_served()
    {
        var clock = new SimulatedTimeProvider(TimeProvider.System);
        await using var ch = await TestClearinghouse.StartAsync(clock, o => o.RateLimits.UnrecognizedIdentifiersPerWindow = 3);
        var (productId, licenseServerId) = await ch.NewActivatedServerAsync();
        var number = await ch.AddAgreementAsync(LicenseProgram.EnterpriseAgreement, ProductVersion.WindowsServer2022, CalType.PerUser, 100);

        for (var i = 0; i < 2; i++)
            await (await ch.InstallAsync(Agreement(productId, licenseServerId, number == "1234567" ? "7654321" : "1234567"))).ProblemAsync(422);
        await (await ch.InstallAsync(Agreement(productId, licenseServerId, number))).GrantedAsync();

        Assert.Empty(await EventsAsync(ch));
    }

    [Fact]
    public async Task License_Server_IDs_that_are_not_the_named_servers_lock_that_Product_ID_out_and_no_other()
    {
        var clock = new SimulatedTimeProvider(TimeProvider.System);
        await using var ch = await TestClearinghouse.StartAsync(clock, o =>
        {
            o.RateLimits.UnrecognizedIdentifiersPerWindow = 100;
            o.RateLimits.UnrecognizedIdentifiersPerProductId = 3;
        });
        var (victim, victimLicenseServerId) = await ch.NewActivatedServerAsync();
        var (other, otherLicenseServerId) = await ch.NewActivatedServerAsync();

        for (var i = 0; i < 3; i++)
        {
            // Signed by the victim's own key, so only the License Server ID is at fault (an unsigned request never gets this far).
            var refused = await ch.Public.PostAsServerAsync("/api/reissue", new ReissueRequestBody(victim, otherLicenseServerId));
            Assert.Equal(Slug("license-server-id-rejected"), (await refused.ProblemAsync(422)).Type);
        }

        await AssertLockedOutAsync(await ch.Public.PostAsServerAsync("/api/reissue", new ReissueRequestBody(victim, victimLicenseServerId)), 15 * 60);
        Assert.True((await ch.Public.PostAsServerAsync("/api/reissue", new ReissueRequestBody(other, otherLicenseServerId))).IsSuccessStatusCode);
        var lockOut = Assert.Single(await EventsAsync(ch));
        Assert.Equal(("unrecognized-identifiers-product", victim, "POST /api/reissue"), (lockOut.Kind, lockOut.ProductId, lockOut.Route));

        clock.Advance(TimeSpan.FromMinutes(15));
        Assert.True((await ch.Public.PostAsServerAsync("/api/reissue", new ReissueRequestBody(victim, victimLicenseServerId))).IsSuccessStatusCode);
    }

    [Fact]
    public async Task The_install_web_page_counts_unrecognized_numbers_too()
    {
        var clock = new SimulatedTimeProvider(TimeProvider.System);
        await using var ch = await TestClearinghouse.StartAsync(clock, configure: o => o.RateLimits.UnrecognizedIdentifiersPerWindow = 2);
        using var server = new CodeServer(clock: clock);
        await ch.WebActivateAsync(server);
        var number = await ch.AddAgreementAsync(LicenseProgram.EnterpriseAgreement, ProductVersion.WindowsServer2022, CalType.PerUser, 100);
        Dictionary<string, string> Form(string agreement) =>
            RequestCodeSupport.AgreementFields(server.Code(ServerRequestPurpose.Install), "enterprise", agreement, "2022", "per-user", 5);
        var wrong = number == "1234567" ? "7654321" : "1234567";

        for (var i = 0; i < 2; i++)
        {
            var (status, html) = await ch.Public.PostFormAsync("/install", Form(wrong));
            Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
            Assert.Contains("is not recognized", html);
        }
        await AssertLockedOutAsync(await ch.Public.SubmitFormAsync("/install", Form(number)), 15 * 60);
        Assert.Equal(HttpStatusCode.OK, (await ch.Public.GetAsync("/install")).StatusCode); // the form itself is still served
        Assert.Single(await EventsAsync(ch), e => e.Kind == "unrecognized-identifiers-address");

        clock.Advance(TimeSpan.FromMinutes(15));
        var (grantedStatus, granted) = await ch.Public.PostFormAsync("/install", Form(number));
        Assert.Equal(HttpStatusCode.OK, grantedStatus);
        Assert.Contains("Licenses granted", granted);
    }
}
