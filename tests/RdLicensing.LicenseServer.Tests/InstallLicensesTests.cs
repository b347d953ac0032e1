using System.Net;
using System.Net.Http.Json;
using RdLicensing.Core.Codes;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using RdLicensing.Testing;

namespace RdLicensing.LicenseServer.Tests;

/// <summary>POST /api/admin/licenses: what the server checks before it asks the clearinghouse.</summary>
public sealed class InstallLicensesTests
{
    private static Task<HttpResponseMessage> InstallAsync(TestLicenseServer server, LicenseInstallBody body) =>
        server.Admin.PostAsJsonAsync("/api/admin/licenses", body);

    [Fact]
    public async Task A_server_that_is_not_activated_refuses()
    {
        await using var server = await TestLicenseServer.StartAsync(clearinghouseUrl: "http://127.0.0.1:1");

        var problem = await ProblemAssert.IsAsync(await InstallAsync(server, new LicenseInstallBody("retail", LicenseIdentifiers.NewRetailCode())),
            HttpStatusCode.Conflict, "not-activated");

        Assert.Contains("rdlic server activate", problem.Detail());
    }

    [Fact]
    public async Task A_mistyped_retail_code_is_refused_before_anything_else()
    {
        await using var server = await TestLicenseServer.StartAsync();
        // A changed check character is always caught by the group's check, but 1 typo in 1,024 happens to carry the two check
        // characters of the older whole-code scheme, which is still accepted: such a code is not a typo to the server.
        string typo;
        do
        {
            var code = LicenseIdentifiers.NewRetailCode();
            typo = code[..^1] + (code[^1] == 'A' ? 'B' : 'A');
        }
        while (LicenseIdentifiers.TryParseRetailCode(typo, out _, out _));

        var problem = await ProblemAssert.IsAsync(await InstallAsync(server, new LicenseInstallBody("retail", typo)), HttpStatusCode.BadRequest, "code-mistyped");

        Assert.Equal("licenseCode", problem.Field());
        Assert.Contains("mistyped", problem.Detail());
    }

    [Theory]
    [InlineData("barter", null, null, null, "program")]
    [InlineData("open", "1234567", "ABCDEFGHJK12345", null, "licenseNumber")]
    [InlineData("open", "12345678", "TOO-SHORT", null, "authorizationNumber")]
    [InlineData("enterprise", null, null, "123456", "agreementNumber")]
    public async Task Wrong_identifiers_are_named(string program, string? number, string? authorization, string? agreement, string field)
    {
        await using var server = await TestLicenseServer.StartAsync();

        var problem = await ProblemAssert.IsAsync(await InstallAsync(server, new LicenseInstallBody(program, null, number, authorization, agreement, "2022", "per-user", 5)),
            HttpStatusCode.BadRequest, "invalid-request");

        Assert.Equal(field, problem.Field());
    }

    [Fact]
    public async Task An_agreement_for_cals_newer_than_the_server_is_not_recognized()
    {
        await using var server = await TestLicenseServer.StartAsync(version: ProductVersion.WindowsServer2019, clearinghouseUrl: "http://127.0.0.1:1");
        await server.ActivateAsync();

        var problem = await ProblemAssert.IsAsync(await InstallAsync(server, new LicenseInstallBody("select", AgreementNumber: "1234567", Version: "2022", CalType: "per-device", Quantity: 10)),
            HttpStatusCode.UnprocessableEntity, "version-not-hostable");

        Assert.Contains("The license code is not recognized: Windows Server 2022 CALs cannot be hosted on a Windows Server 2019 license server", problem.Detail());
    }

    [Fact]
    public async Task Without_a_clearinghouse_address_the_key_pack_id_route_is_suggested()
    {
        await using var server = await TestLicenseServer.StartAsync();
        await server.ActivateAsync();

        var problem = await ProblemAssert.IsAsync(await InstallAsync(server, new LicenseInstallBody("retail", LicenseIdentifiers.NewRetailCode())),
            HttpStatusCode.Conflict, "clearinghouse-not-configured");

        Assert.Contains("--key-pack-id", problem.Detail());
    }

    [Fact]
    public async Task An_unreachable_clearinghouse_is_a_502()
    {
        await using var server = await TestLicenseServer.StartAsync(clearinghouseUrl: "http://127.0.0.1:1");
        await server.ActivateAsync();

        await ProblemAssert.IsAsync(await InstallAsync(server, new LicenseInstallBody("open", null, "12345678", "ABCDEFGHJK12345")),
            HttpStatusCode.BadGateway, "clearinghouse-unreachable");
    }
}
