using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using RdLicensing.Testing;

namespace RdLicensing.LicenseServer.Tests;

public sealed class BadInputTests : IAsyncLifetime
{
    private TestLicenseServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await TestLicenseServer.StartAsync(version: ProductVersion.WindowsServer2022);
        await _server.InstallAsync(ProductVersion.WindowsServer2022, CalType.PerDevice, 10);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status, string type)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("https://rdlicensing.dev/problems/" + type, problem.GetProperty("type").GetString());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        return problem;
    }

    private async Task AssertKeyPacksUnchangedAsync()
    {
        var packs = await _server.Admin.GetFromJsonAsync<KeyPackView[]>("/api/admin/keypacks");
        var pack = Assert.Single(packs!);
        Assert.Equal(10, pack.Total);
    }

    private Task<HttpResponseMessage> InstallAsync(string content) =>
        _server.Admin.PostAsJsonAsync("/api/admin/keypacks", new SignedFileBody(content));

    public static TheoryData<string, string> MalformedPackFiles => new()
    {
        { "not json at all", "key-pack-malformed" },
        { "[1,2,3]", "key-pack-malformed" },
        { """{"format":"rdlic-keypack","formatVersion":1}""", "key-pack-malformed" },
        { """{"format":"rdlic-activation","formatVersion":1,"fields":{},"signature":""}""", "key-pack-malformed" },
        { """{"format":"rdlic-keypack","formatVersion":9,"fields":{},"signature":""}""", "key-pack-malformed" },
    };

    [Theory]
    [MemberData(nameof(MalformedPackFiles))]
    public async Task A_malformed_pack_file_is_refused_and_nothing_changes(string content, string type)
    {
        await ProblemAsync(await InstallAsync(content), HttpStatusCode.UnprocessableEntity, type);
        await AssertKeyPacksUnchangedAsync();
    }

    [Fact]
    public async Task A_pack_edited_by_one_character_is_refused()
    {
        var file = _server.Authority.SignKeyPack(_server.ProductId, ProductVersion.WindowsServer2022, CalType.PerDevice, 5);
        var tampered = file.Replace("\"quantity\": \"5\"", "\"quantity\": \"9\"");
        Assert.NotEqual(file, tampered);
        var problem = await ProblemAsync(await InstallAsync(tampered), HttpStatusCode.UnprocessableEntity, "key-pack-bad-signature");
        Assert.Contains("altered", problem.GetProperty("detail").GetString());
        await AssertKeyPacksUnchangedAsync();
    }

    [Fact]
    public async Task A_pack_signed_by_another_clearinghouse_is_refused()
    {
        using var forger = new TestKeyAuthority("Forged Clearinghouse");
        var forged = forger.SignKeyPack(_server.ProductId, ProductVersion.WindowsServer2022, CalType.PerDevice, 500);
        await ProblemAsync(await InstallAsync(forged), HttpStatusCode.UnprocessableEntity, "key-pack-untrusted-signer");
        await AssertKeyPacksUnchangedAsync();
    }

    [Fact]
    public async Task A_pack_for_another_license_server_is_refused_naming_both_servers()
    {
        var other = _server.Authority.SignKeyPack("11111-22222-33333-44444", ProductVersion.WindowsServer2022, CalType.PerDevice, 5);
        var problem = await ProblemAsync(await InstallAsync(other), HttpStatusCode.UnprocessableEntity, "key-pack-wrong-license-server");
        var detail = problem.GetProperty("detail").GetString()!;
        Assert.Contains("11111-22222-33333-44444", detail);
        Assert.Contains(_server.ProductId, detail);
        await AssertKeyPacksUnchangedAsync();
    }

    [Fact]
    public async Task A_pack_of_a_newer_version_than_the_server_is_not_recognized()
    {
        var newer = _server.Authority.SignKeyPack(_server.ProductId, ProductVersion.WindowsServer2025, CalType.PerDevice, 5);
        var problem = await ProblemAsync(await InstallAsync(newer), HttpStatusCode.UnprocessableEntity, "key-pack-version-not-hostable");
        Assert.Contains("The license code is not recognized", problem.GetProperty("detail").GetString());
        await AssertKeyPacksUnchangedAsync();
    }

    [Fact]
    public async Task A_pack_installs_once()
    {
        var file = _server.Authority.SignKeyPack(_server.ProductId, ProductVersion.WindowsServer2022, CalType.PerUser, 5);
        Assert.Equal(HttpStatusCode.Created, (await InstallAsync(file)).StatusCode);
        await ProblemAsync(await InstallAsync(file), HttpStatusCode.Conflict, "key-pack-already-installed");
        Assert.Equal(2, (await _server.Admin.GetFromJsonAsync<KeyPackView[]>("/api/admin/keypacks"))!.Length);
    }

    [Fact]
    public async Task A_forged_activation_is_refused_and_the_server_stays_not_activated()
    {
        using var forger = new TestKeyAuthority("Forged Clearinghouse");
        var response = await _server.Admin.PostAsJsonAsync("/api/admin/activation",
            new ActivationCodeBody(forger.IssueLicenseServerId(_server.ProductId, DateTimeOffset.UtcNow.AddYears(1))));
        await ProblemAsync(response, HttpStatusCode.UnprocessableEntity, "activation-rejected");
        Assert.Equal("not-activated", (await _server.Admin.GetFromJsonAsync<StatusView>("/api/admin/status"))!.Activation.Status);
    }

    [Theory]
    [InlineData("/api/admin/cals/999999")]
    public async Task An_unknown_cal_id_is_a_clear_404(string path)
    {
        var problem = await ProblemAsync(await _server.Admin.GetAsync(path), HttpStatusCode.NotFound, "cal-not-found");
        Assert.Contains("999999", problem.GetProperty("detail").GetString());
        await ProblemAsync(await _server.Admin.PostAsync("/api/admin/cals/999999/revoke", null), HttpStatusCode.NotFound, "cal-not-found");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("rdla_wrong")]
    [InlineData("rdlh_wrong")]
    [InlineData("garbage")]
    public async Task Admin_calls_without_a_valid_credential_are_refused(string? token)
    {
        using var client = _server.NewClient(token);
        await ProblemAsync(await client.GetAsync("/api/admin/status"), HttpStatusCode.Unauthorized, "unauthenticated");
        var file = _server.Authority.SignKeyPack(_server.ProductId, ProductVersion.WindowsServer2022, CalType.PerDevice, 5);
        await ProblemAsync(await client.PostAsJsonAsync("/api/admin/keypacks", new SignedFileBody(file)), HttpStatusCode.Unauthorized, "unauthenticated");
        await AssertKeyPacksUnchangedAsync();
    }

    [Fact]
    public async Task Only_enrolled_session_hosts_may_ask_for_cals()
    {
        using var stranger = _server.NewClient("rdlh_not-enrolled");
        var request = new CalRequestBody("per-device", "2022", "hw-1", "PC", "bob", null);
        await ProblemAsync(await stranger.PostAsJsonAsync("/api/sessionhost/cals", request), HttpStatusCode.Unauthorized, "unauthenticated");
        await ProblemAsync(await _server.Admin.PostAsJsonAsync("/api/sessionhost/cals", request), HttpStatusCode.Forbidden, "forbidden");

        var host = await _server.EnrollHostAsync("rdsh-removed");
        (await _server.Admin.DeleteAsync("/api/admin/sessionhosts/rdsh-removed")).EnsureSuccessStatusCode();
        await ProblemAsync(await host.PostAsJsonAsync("/api/sessionhost/cals", request), HttpStatusCode.Unauthorized, "unauthenticated");
        Assert.Equal(0, (await _server.Admin.GetFromJsonAsync<CalPage>("/api/admin/cals"))!.Total);
    }

    [Fact]
    public async Task A_host_outside_the_security_group_is_refused_by_name_and_event_4141_is_logged()
    {
        var outside = await _server.EnrollHostAsync("rdsh-outside");
        var inside = await _server.EnrollHostAsync("rdsh-inside", inSecurityGroup: true);
        (await _server.Admin.PutAsJsonAsync("/api/admin/policies", new PoliciesUpdate(true, null))).EnsureSuccessStatusCode();
        var request = new CalRequestBody("per-device", "2022", "hw-1", "PC", "bob", null);

        var problem = await ProblemAsync(await outside.PostAsJsonAsync("/api/sessionhost/cals", request), HttpStatusCode.Forbidden, "host-not-in-security-group");
        Assert.Contains("rdsh-outside", problem.GetProperty("detail").GetString());
        var events = await _server.Admin.GetFromJsonAsync<EventView[]>("/api/admin/events?eventId=4141");
        Assert.Equal("rdsh-outside", Assert.Single(events!).SessionHost);
        Assert.Equal(HttpStatusCode.OK, (await inside.PostAsJsonAsync("/api/sessionhost/cals", request)).StatusCode);

        (await _server.Admin.PutAsJsonAsync("/api/admin/sessionhosts/rdsh-outside/security-group", new SecurityGroupBody(true))).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.OK, (await outside.PostAsJsonAsync("/api/sessionhost/cals", request with { HardwareId = "hw-2" })).StatusCode);
    }

    public static TheoryData<string, string> BadCalRequests => new()
    {
        { """{"calType":"per-seat","hostVersion":"2022","hardwareId":"x"}""", "calType" },
        { """{"calType":"per-device","hostVersion":"2023","hardwareId":"x"}""", "hostVersion" },
        { """{"calType":"per-device","hostVersion":"2022"}""", "hardwareId" },
        { """{"calType":"per-user","hostVersion":"2022","hardwareId":"x"}""", "userName" },
        { """{"calType":"per-device","hostVersion":"2022","hardwareId":"x","presentedLicense":"%%%"}""", "presentedLicense" },
    };

    [Theory]
    [MemberData(nameof(BadCalRequests))]
    public async Task A_bad_cal_request_names_the_wrong_field(string json, string field)
    {
        var host = await _server.EnrollHostAsync();
        var response = await host.PostAsync("/api/sessionhost/cals", new StringContent(json, Encoding.UTF8, "application/json"));
        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest, "invalid-request");
        Assert.Equal(field, problem.GetProperty("field").GetString());
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("""{"calType": 5}""")]
    [InlineData("")]
    public async Task A_body_that_is_not_the_expected_json_is_a_400_problem(string body)
    {
        var host = await _server.EnrollHostAsync();
        var response = await host.PostAsync("/api/sessionhost/cals", new StringContent(body, Encoding.UTF8, "application/json"));
        await ProblemAsync(response, HttpStatusCode.BadRequest, "malformed-request");
    }

    [Fact]
    public async Task A_tampered_presented_cal_is_reported_and_never_trusted()
    {
        await _server.ActivateAsync();
        var host = new HostClient(await _server.EnrollHostAsync());
        await host.ConnectDeviceAsync("hw-1");
        var token = Convert.FromBase64String(host.StoredLicense("hw-1")!);
        token[token.Length / 2] ^= 0x01;

        var response = await host.ConnectDeviceAsync("hw-1", Convert.ToBase64String(token));

        Assert.NotNull(response.PresentedLicenseProblem);
        Assert.Equal("temporary-kept", response.Outcome);
        Assert.NotNull(response.License);
        Assert.NotEmpty((await _server.Admin.GetFromJsonAsync<EventView[]>("/api/admin/events?eventId=5005"))!);
    }

    [Fact]
    public async Task A_cal_presented_by_another_device_is_not_accepted_for_it()
    {
        var host = new HostClient(await _server.EnrollHostAsync());
        await host.ConnectDeviceAsync("hw-1");
        var stolen = host.StoredLicense("hw-1");

        var response = await host.ConnectDeviceAsync("hw-2", stolen);

        Assert.Contains("another device", response.PresentedLicenseProblem);
        Assert.Equal("temporary-issued", response.Outcome);
        Assert.Equal("hw-2", response.Cal!.HardwareId);
    }

    [Theory]
    [InlineData("/api/admin/cals?type=per-seat", "type")]
    [InlineData("/api/admin/cals?status=sleeping", "status")]
    [InlineData("/api/admin/cals?version=95", "version")]
    [InlineData("/api/admin/cals?pageSize=0", "pageSize")]
    [InlineData("/api/admin/events?level=loud", "level")]
    public async Task Bad_query_values_are_named(string path, string field)
    {
        var problem = await ProblemAsync(await _server.Admin.GetAsync(path), HttpStatusCode.BadRequest, "invalid-request");
        Assert.Equal(field, problem.GetProperty("field").GetString());
    }

    [Fact]
    public async Task The_real_clock_cannot_be_advanced()
    {
        await using var real = await TestLicenseServer.StartAsync(clock: ClockMode.Real);
        await ProblemAsync(await real.Admin.PostAsJsonAsync("/api/admin/clock/advance", new ClockAdvanceBody("91d")), HttpStatusCode.Conflict, "clock-not-simulated");
    }

    [Fact]
    public async Task Without_a_trusted_clearinghouse_a_pack_cannot_be_installed()
    {
        await using var untrusting = await TestLicenseServer.StartAsync(trustClearinghouse: false);
        var file = untrusting.Authority.SignKeyPack(untrusting.ProductId, ProductVersion.WindowsServer2022, CalType.PerDevice, 5);
        var problem = await ProblemAsync(await untrusting.Admin.PostAsJsonAsync("/api/admin/keypacks", new SignedFileBody(file)), HttpStatusCode.Conflict, "no-clearinghouse-trusted");
        Assert.Contains("--clearinghouse-cert", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Unknown_routes_answer_with_a_problem()
    {
        var response = await _server.Admin.GetAsync("/api/admin/nothing-here");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("https://rdlicensing.dev/problems/not-found", problem.GetProperty("type").GetString());
    }
}
