using System.Net;
using System.Net.Http.Json;
using RdLicensing.Core.Codes;
using RdLicensing.Core.Protocol;
using RdLicensing.Testing;
using static RdLicensing.Clearinghouse.Tests.Support;

namespace RdLicensing.Clearinghouse.Tests;

public sealed class VendorAdminTests
{
    [Theory]
    [InlineData("/api/admin/codes")]
    [InlineData("/api/admin/open-licenses")]
    [InlineData("/api/admin/agreements")]
    [InlineData("/api/admin/activations")]
    [InlineData("/api/admin/installs")]
    public async Task The_vendor_admin_api_refuses_without_the_token(string path)
    {
        await using var ch = await TestClearinghouse.StartAsync();
        Assert.Equal(Slug("unauthenticated"), (await (await ch.Public.GetAsync(path)).ProblemAsync(401)).Type);
        using var wrong = ch.NewClient("rdca_not-the-token");
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync(path)).StatusCode);
    }

    [Fact]
    public async Task The_admin_token_and_the_database_are_owner_only_and_the_certificate_is_exported()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        Assert.StartsWith("rdca_", ch.AdminToken);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(ch.DataDirectory, "admin.token")));
            // The database holds the signing key.
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(ch.DataDirectory, "clearinghouse.db")));
        }
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", await File.ReadAllTextAsync(ch.CertificatePath));
    }

    [Fact]
    public async Task Codes_are_created_grouped_and_counted()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        var response = await ch.Admin.PostAsJsonAsync("/api/admin/codes", new RetailCodesRequest("2022", "per-device", 50, 3));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var codes = (await response.Content.ReadFromJsonAsync<List<RetailCodeView>>())!;

        Assert.Equal(3, codes.Distinct().Count());
        Assert.All(codes, c => Assert.True(LicenseIdentifiers.TryParseRetailCode(c.Code, out var parsed, out _) && parsed == c.Code));
        Assert.All(codes, c => Assert.Equal(("2022", "per-device", 50), (c.Version, c.CalType, c.Quantity)));
    }

    [Fact]
    public async Task Bad_input_is_refused_naming_the_field()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        async Task<string?> FieldOf(string path, object body) => (await (await ch.Admin.PostAsJsonAsync(path, body)).ProblemAsync(400)).Field;

        Assert.Equal("version", await FieldOf("/api/admin/codes", new RetailCodesRequest("1999", "per-device", 5, 1)));
        Assert.Equal("count", await FieldOf("/api/admin/codes", new RetailCodesRequest("2022", "per-device", 5, 0)));
        Assert.Equal("quantity", await FieldOf("/api/admin/codes", new RetailCodesRequest("2022", "per-device", null, 1)));
        Assert.Equal("licenseNumber", await FieldOf("/api/admin/open-licenses", new OpenLicenseRequest("12", null, "2022", "per-user", 5)));
        Assert.Equal("program", await FieldOf("/api/admin/agreements", new AgreementRequest("retail", null, [new EntitlementBody("2022", "per-user", 1)])));
        Assert.Equal("number", await FieldOf("/api/admin/agreements", new AgreementRequest("select", "12a", [new EntitlementBody("2022", "per-user", 1)])));
        Assert.Equal("entitlements", await FieldOf("/api/admin/agreements", new AgreementRequest("select", null, [])));
        Assert.Equal("entitlements[1].calType", await FieldOf("/api/admin/agreements",
            new AgreementRequest("select", null, [new EntitlementBody("2022", "per-user", 1), new EntitlementBody("2022", "per-seat", 1)])));
    }

    [Fact]
    public async Task Agreements_and_open_licenses_take_given_numbers_once()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        var agreement = new AgreementRequest("enterprise", "1234567", [new EntitlementBody("2022", "per-user", 10), new EntitlementBody("2019", "per-device", 5)]);
        var created = await ch.Admin.PostAsJsonAsync("/api/admin/agreements", agreement);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(2, (await created.Content.ReadFromJsonAsync<AgreementView>())!.Entitlements.Count);
        Assert.Equal(Slug("agreement-exists"), (await (await ch.Admin.PostAsJsonAsync("/api/admin/agreements", agreement)).ProblemAsync(409)).Type);

        var open = new OpenLicenseRequest("87654321", "abcdefghjk12345", "2022", "per-user", 5);
        var openView = (await (await ch.Admin.PostAsJsonAsync("/api/admin/open-licenses", open)).Content.ReadFromJsonAsync<OpenLicenseView>())!;
        Assert.Equal(("87654321", "ABCDEFGHJK12345"), (openView.LicenseNumber, openView.AuthorizationNumber));
        Assert.Equal(Slug("open-license-exists"), (await (await ch.Admin.PostAsJsonAsync("/api/admin/open-licenses", open)).ProblemAsync(409)).Type);
        Assert.Single((await ch.Admin.GetFromJsonAsync<List<OpenLicenseView>>("/api/admin/open-licenses"))!);
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_a_malformed_request()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        var signer = SignedClearinghouseCalls.NewIdentity();
        var body = "{not json"u8.ToArray();
        var response = await ch.Public.PostSignedBytesAsync("/api/activations", body,
            Core.Proof.ServerRequestProof.Create(signer.Key, signer.ProductId, "test-installation", "POST", "/api/activations", body));
        Assert.Equal(Slug("malformed-request"), (await response.ProblemAsync(400)).Type);
    }
}
