using System.Net;
using System.Net.Http.Json;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using RdLicensing.SessionHost.Tests.Support;

namespace RdLicensing.SessionHost.Tests;

/// <summary>Local settings and the policy file, each value with its source.</summary>
public sealed class ConfigurationTests
{
    [Fact]
    public async Task Defaults_then_local_then_policy_each_with_its_source()
    {
        await using var s = await Scenario.StartAsync(licenseServers: 0);
        var defaults = (await s.Host.Admin.GetFromJsonAsync<SessionHostConfigView>("/api/config"))!;
        Assert.Equal(new ConfiguredValue("not-configured", "default"), defaults.Mode);
        Assert.Equal("default", defaults.LicenseServers.Source);
        Assert.Equal(new ConfiguredValue("2022", "default"), defaults.Version);

        var local = (await s.Host.ConfigureAsync("per-user", ["http://ls-a:5080/", "http://ls-b:5080"])).Config;
        Assert.Equal(new ConfiguredValue("per-user", "local"), local.Mode);
        Assert.Equal(["http://ls-a:5080", "http://ls-b:5080"], local.LicenseServers.Value);

        await s.Host.WritePolicyAsync("""{"licensingMode": "per-device", "licenseServers": ["http://gpo-ls:5080"]}""");
        var status = await s.Host.StatusAsync();
        Assert.Equal(new ConfiguredValue("per-device", "policy"), status.Mode);
        Assert.Equal(["http://gpo-ls:5080"], status.LicenseServers.Value);
        Assert.Equal("policy", status.LicenseServers.Source);
        Assert.Equal(new ConfiguredValue("2022", "default"), status.Version);
    }

    [Fact]
    public async Task Changing_a_policy_controlled_value_locally_is_refused_naming_the_policy_file()
    {
        await using var s = await Scenario.StartAsync(licenseServers: 0);
        await s.Host.WritePolicyAsync("""{"licensingMode": "per-user"}""");

        var refused = await s.Host.Admin.PutAsJsonAsync("/api/config", new SessionHostConfigUpdate("per-device", null, null));

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        var problem = (await refused.Content.ReadFromJsonAsync<Microsoft.AspNetCore.Mvc.ProblemDetails>())!;
        Assert.Equal("https://rdlicensing.dev/problems/policy-controlled", problem.Type);
        Assert.Contains(s.Host.Options.PolicyFilePath, problem.Detail);
        Assert.Equal("local", (await s.Host.ConfigureAsync(version: "2025")).Config.Version.Source); // what the policy leaves alone can change
    }

    [Fact]
    public async Task A_bad_value_in_the_policy_file_is_reported_and_ignored()
    {
        await using var s = await Scenario.StartAsync(licenseServers: 0);
        await s.Host.WritePolicyAsync("""{"licensingMode": "per-banana", "version": "2019", "colour": "blue"}""");

        var config = (await s.Host.Admin.GetFromJsonAsync<SessionHostConfigView>("/api/config"))!;

        Assert.Equal("default", config.Mode.Source);
        Assert.Equal(new ConfiguredValue("2019", "policy"), config.Version);
        Assert.Equal(2, config.PolicyProblems.Count);
        Assert.Contains("policy-file-invalid", (await s.Host.DiagnoseAsync()).Problems.Select(p => p.Id));
    }

    [Fact]
    public async Task A_mode_that_disagrees_with_the_CALs_on_the_first_reachable_license_server_is_warned_about()
    {
        await using var s = await Scenario.StartAsync(licenseServers: 2);
        await s.WithCalsAsync(CalType.PerUser, ProductVersion.WindowsServer2022, 5, server: 1);
        await s.Host.EnrollAsync(s.Servers[1]);
        await s.Host.ConfigureAsync(servers: ["http://127.0.0.1:1", TestSessionHost.Url(s.Servers[1])]);

        var change = await s.Host.ConfigureAsync(mode: "per-device");

        var warning = Assert.Single(change.Warnings);
        Assert.Contains("has only RDS Per User CALs installed", warning);
        Assert.Empty((await s.Host.ConfigureAsync(mode: "per-user")).Warnings);
    }

    [Fact]
    public async Task Invalid_values_are_refused_one_field_at_a_time()
    {
        await using var s = await Scenario.StartAsync(licenseServers: 0);
        foreach (var (body, field) in new (SessionHostConfigUpdate, string)[]
                 {
                     (new("per-banana", null, null), "mode"),
                     (new(null, ["ftp://x"], null), "licenseServers"),
                     (new(null, null, "1999"), "version"),
                     (new(null, null, null), "mode"),
                 })
        {
            var response = await s.Host.Admin.PutAsJsonAsync("/api/config", body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains($"\"field\":\"{field}\"", await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task Enrollment_tokens_are_checked_and_kept_in_an_owner_only_store()
    {
        await using var s = await Scenario.StartAsync();
        var refused = await s.Host.Admin.PostAsJsonAsync("/api/enrollments", new HostEnrollmentBody(TestSessionHost.Url(s.Server), "rdlh_not-a-real-token"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        Assert.Contains("enrollment-refused", await refused.Content.ReadAsStringAsync());

        var enrolled = await s.Host.EnrollAsync(s.Server);
        Assert.Equal(s.Server.ProductId, enrolled.ProductId);
        Assert.Contains("not in the license server list", enrolled.Message);
        var listed = (await s.Host.Admin.GetFromJsonAsync<List<HostEnrollmentView>>("/api/enrollments"))!;
        Assert.DoesNotContain("rdlh_", await s.Host.Admin.GetStringAsync("/api/enrollments"));
        Assert.Equal(TestSessionHost.Url(s.Server), Assert.Single(listed).LicenseServer);
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(s.Host.Options.DatabasePath));
    }

    [Fact]
    public async Task In_process_join_enrolls_with_the_administrator_token_and_lists_the_server()
    {
        await using var s = await Scenario.StartAsync();
        var enrollment = (RdLicensing.SessionHost.LicenseServers.LicenseServerEnrollment)s.Host.Services.GetService(typeof(RdLicensing.SessionHost.LicenseServers.LicenseServerEnrollment))!;

        var joined = await enrollment.JoinAsync(s.Server.BaseAddress.ToString(), s.Server.AdminToken);
        var again = await enrollment.JoinAsync(s.Server.BaseAddress.ToString(), s.Server.AdminToken);

        Assert.Equal(s.Server.ProductId, joined.ProductId);
        Assert.Equal(s.Server.ProductId, again.ProductId);
        var status = await s.Host.StatusAsync();
        Assert.Equal([TestSessionHost.Url(s.Server)], status.LicenseServers.Value);
        Assert.Equal([TestSessionHost.Url(s.Server)], status.EnrolledWith);
        await s.Host.ConfigureAsync(mode: "per-device");
        Assert.Equal("licensed", (await s.Host.ConnectAsync("pc-60")).Outcome);
    }
}
