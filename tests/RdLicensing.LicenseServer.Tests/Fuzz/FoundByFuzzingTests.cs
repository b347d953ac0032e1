using System.Formats.Asn1;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using RdLicensing.Testing;

namespace RdLicensing.LicenseServer.Tests.Fuzz;

/// <summary>What the fuzzers found, each pinned down on its own.</summary>
public sealed class FoundByFuzzingTests
{
    [Theory]
    [InlineData("utf-7")]
    [InlineData("nonsense")]
    public async Task A_body_in_a_charset_the_server_cannot_read_is_a_415_problem_not_a_server_error(string charset)
    {
        await using var server = await TestLicenseServer.StartAsync();
        var body = new StringContent("""{"by":"1d"}""", Encoding.UTF8);
        body.Headers.ContentType!.CharSet = charset;

        var problem = await ProblemAssert.IsAsync(await server.Admin.PostAsync("/api/admin/clock/advance", body), HttpStatusCode.UnsupportedMediaType, "unsupported-media-type");

        Assert.Contains("UTF-8", problem.Detail());
    }

    [Theory]
    [InlineData("/console?days=abc")]
    [InlineData("/console?days=-1")]
    [InlineData("/console/install?installed=abc")]
    public async Task A_console_page_with_a_query_value_it_cannot_read_shows_its_default(string path)
    {
        await using var server = await TestLicenseServer.StartAsync();
        using var console = new ConsoleSession(server.BaseAddress);
        Assert.Equal(HttpStatusCode.Redirect, (await console.SignInAsync(server.AdminToken)).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await console.Http.GetAsync(path)).StatusCode);
    }

    // PostgreSQL text cannot hold NUL: these reached the database and failed there (500) before they were refused.
    [Theory]
    [InlineData("hardwareId")]
    [InlineData("clientName")]
    [InlineData("userName")]
    public async Task A_cal_request_naming_a_device_or_user_with_a_control_character_is_refused_by_field(string field)
    {
        await using var server = await TestLicenseServer.StartAsync(version: ProductVersion.WindowsServer2022);
        var host = await server.EnrollHostAsync();
        string Value(string name, string good) => name == field ? "a\u0000b" : good;
        var request = new CalRequestBody("per-device", "2022", Value("hardwareId", "hw-1"), Value("clientName", "PC-1"), Value("userName", "alice"), null);

        var problem = await ProblemAssert.IsAsync(await host.PostAsJsonAsync("/api/sessionhost/cals", request), HttpStatusCode.BadRequest, "invalid-request");

        Assert.Equal(field, problem.Field());
        Assert.Equal(0, (await server.Admin.GetFromJsonAsync<CalPage>("/api/admin/cals"))!.Total);
    }

    [Fact]
    public async Task A_sign_in_report_or_a_cal_filter_with_a_control_character_is_refused_by_field()
    {
        await using var server = await TestLicenseServer.StartAsync();
        var host = await server.EnrollHostAsync();

        var signIn = await ProblemAssert.IsAsync(await host.PostAsJsonAsync("/api/sessionhost/cals/sign-in", new SignInBody("hw\u00001")), HttpStatusCode.BadRequest, "invalid-request");
        var user = await ProblemAssert.IsAsync(await server.Admin.GetAsync("/api/admin/cals?user=%00"), HttpStatusCode.BadRequest, "invalid-request");
        var device = await ProblemAssert.IsAsync(await server.Admin.GetAsync("/api/admin/cals?device=a%00"), HttpStatusCode.BadRequest, "invalid-request");

        Assert.Equal("hardwareId", signIn.Field());
        Assert.Equal("user", user.Field());
        Assert.Equal("device", device.Field());
    }

    [Fact]
    public async Task A_cal_token_whose_unsigned_signature_algorithm_was_changed_is_not_valid()
    {
        await using var server = await TestLicenseServer.StartAsync(version: ProductVersion.WindowsServer2022);
        var host = new HostClient(await server.EnrollHostAsync());
        await host.ConnectDeviceAsync("hw-1");
        var genuine = Convert.FromBase64String(host.StoredLicense("hw-1")!);

        // The same certificate and signature, under an outer algorithm (ecdsa-with-SHA384) the signature does not cover.
        var certificate = new AsnReader(genuine, AsnEncodingRules.DER).ReadSequence();
        var tbs = certificate.ReadEncodedValue();
        certificate.ReadSequence();
        var signature = certificate.ReadBitString(out _);
        var altered = new AsnWriter(AsnEncodingRules.DER);
        using (altered.PushSequence())
        {
            altered.WriteEncodedValue(tbs.Span);
            using (altered.PushSequence()) altered.WriteObjectIdentifier("1.2.840.10045.4.3.3");
            altered.WriteBitString(signature);
        }

        var answer = await host.ConnectDeviceAsync("hw-1", Convert.ToBase64String(altered.Encode()));

        Assert.Contains("altered", answer.PresentedLicenseProblem);
        Assert.NotNull(answer.License);
    }
}
