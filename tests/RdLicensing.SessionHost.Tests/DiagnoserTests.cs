using System.Net.Http.Json;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using RdLicensing.SessionHost.Tests.Support;
using RdLicensing.Testing;

namespace RdLicensing.SessionHost.Tests;

/// <summary>Every finding of the Licensing Diagnoser, each produced by a real misconfiguration.</summary>
public sealed class DiagnoserTests
{
    private static DiagnosisProblemView Problem(DiagnosisView d, string id)
    {
        var problem = d.Problems.FirstOrDefault(p => p.Id == id);
        Assert.True(problem is not null, $"expected problem {id}; found {string.Join(", ", d.Problems.Select(p => p.Id))}");
        Assert.NotEmpty(problem.Cause);
        Assert.NotEmpty(problem.Steps);
        return problem;
    }

    private static async Task<Scenario> HealthyAsync(ProductVersion calVersion = ProductVersion.WindowsServer2022, CalType type = CalType.PerDevice, int quantity = 5)
    {
        var s = await Scenario.StartAsync();
        await s.WithCalsAsync(type, calVersion, quantity);
        await s.Host.UseAsync("per-device", s.Server);
        return s;
    }

    [Fact]
    public async Task Nothing_wrong_is_said_so()
    {
        await using var s = await HealthyAsync();

        var d = await s.Host.DiagnoseAsync();

        Assert.Empty(d.Problems);
        Assert.Contains("did not identify any licensing problems", d.Summary);
        var server = Assert.Single(d.Servers);
        Assert.Equal("VALID", server.Connectivity);
        Assert.Equal("activated", server.Details!.Activation.Status);
        Assert.Equal(5, server.Details.Pools.Single().Available);
    }

    [Fact]
    public async Task The_licensing_mode_not_configured()
    {
        await using var s = await Scenario.StartAsync();
        await s.WithCalsAsync(CalType.PerDevice, ProductVersion.WindowsServer2022, 5);
        await s.Host.EnrollAsync(s.Server);
        await s.Host.ConfigureAsync(servers: [TestSessionHost.Url(s.Server)]);

        var problem = Problem(await s.Host.DiagnoseAsync(), "licensing-mode-not-configured");
        Assert.Equal("The licensing mode for the Remote Desktop Session Host server is not configured.", problem.Message);
    }

    [Fact]
    public async Task No_license_server_configured_within_and_after_the_grace_period()
    {
        await using var s = await Scenario.StartAsync(licenseServers: 0);
        await s.Host.ConfigureAsync(mode: "per-device");
        await s.Host.ConnectAsync("pc-50");

        var within = Problem(await s.Host.DiagnoseAsync(), "no-license-server");
        Assert.Equal("The Remote Desktop Session Host server rdsh-01 is within its grace period, but the Remote Desktop Session Host server has not been configured with any license server.", within.Message);
        Assert.Contains("120 days left", within.Cause);

        await s.AdvanceAsync("121d");
        var after = Problem(await s.Host.DiagnoseAsync(), "no-license-server");
        Assert.StartsWith("The grace period for the Remote Desktop Session Host server rdsh-01 has expired, but the Remote Desktop Session Host server has not been configured with any license servers.", after.Message);
        Assert.EndsWith("Connections to the Remote Desktop Session Host server will be denied unless a license server is configured.", after.Message);
        Assert.Equal("error", after.Severity);
    }

    [Fact]
    public async Task A_license_server_that_is_not_reachable()
    {
        await using var s = await HealthyAsync();
        var url = TestSessionHost.Url(s.Server);
        await s.StopAsync(s.Server);

        var d = await s.Host.DiagnoseAsync();

        Assert.Equal("NOT_CONNECTABLE", Assert.Single(d.Servers).Connectivity);
        Assert.Equal($"License server {url} is not available. This could be caused by network connectivity problems, the Remote Desktop Licensing service is stopped on the license server, or RD Licensing is no longer installed.",
            Problem(d, "license-server-not-available").Message);
    }

    [Fact]
    public async Task A_license_server_that_is_not_activated()
    {
        await using var s = await Scenario.StartAsync();
        await s.Host.UseAsync("per-device", s.Server);

        var d = await s.Host.DiagnoseAsync();

        Assert.Contains("is not activated", Problem(d, "license-server-not-activated").Message);
        Assert.Equal("not-activated", d.Servers.Single().Details!.Activation.Status);
    }

    [Fact]
    public async Task No_CALs_of_the_host_s_mode_installed()
    {
        await using var s = await Scenario.StartAsync();
        await s.Server.ActivateAsync();
        await s.Host.UseAsync("per-device", s.Server);

        Assert.Contains("has no Per Device CALs installed", Problem(await s.Host.DiagnoseAsync(), "no-licenses-installed").Message);
    }

    [Fact]
    public async Task Only_CALs_older_than_the_host()
    {
        await using var s = await HealthyAsync(ProductVersion.WindowsServer2019);

        var problem = Problem(await s.Host.DiagnoseAsync(), "cals-older-than-host");
        Assert.Contains("Windows Server 2019", problem.Message);
        Assert.Contains("needs 2022 CALs or newer", problem.Message);
    }

    [Fact]
    public async Task No_CALs_left_with_the_temporary_CALs_that_expire_soon()
    {
        await using var s = await Scenario.StartAsync(permanentDays: 89);
        await s.WithCalsAsync(CalType.PerDevice, ProductVersion.WindowsServer2022, 1);
        await s.Host.UseAsync("per-device", s.Server);
        var holder = new Device("pc-51");
        await holder.ConnectAsync(s.Host);
        await holder.ConnectAsync(s.Host);
        await new Device("pc-52").ConnectAsync(s.Host);

        await s.AdvanceAsync("80d");
        var problem = Problem(await s.Host.DiagnoseAsync(), "no-licenses-available");

        Assert.EndsWith("Number of licenses available for clients: 0", problem.Message);
        Assert.Contains("1 temporary CAL expires in the next 14 days, the first on", problem.Cause);
    }

    [Fact]
    public async Task The_host_not_in_the_security_group()
    {
        await using var s = await HealthyAsync();
        (await s.Server.Admin.PutAsJsonAsync("/api/admin/policies", new PoliciesUpdate(true, null))).EnsureSuccessStatusCode();

        var d = await s.Host.DiagnoseAsync();

        Assert.Equal("NOT_IN_TSCGROUP", d.Servers.Single().Connectivity);
        Assert.Contains("rdsh-01 is not a member of the Terminal Server Computers group", Problem(d, "not-in-security-group").Message);
    }

    [Fact]
    public async Task The_mode_and_the_installed_CAL_type_disagree()
    {
        await using var s = await HealthyAsync(type: CalType.PerUser);

        var problem = Problem(await s.Host.DiagnoseAsync(), "licensing-mode-mismatch");
        Assert.Contains("(Per Device) does not match the license type installed", problem.Message);
        Assert.Contains("Per User", problem.Message);
    }

    [Fact]
    public async Task An_activation_certificate_that_expires_within_30_days()
    {
        await using var s = await Scenario.StartAsync();
        await s.Server.ActivateAsync(TimeSpan.FromDays(20));
        await s.Server.InstallAsync(ProductVersion.WindowsServer2022, CalType.PerDevice, 5);
        await s.Host.UseAsync("per-device", s.Server);

        var problem = Problem(await s.Host.DiagnoseAsync(), "activation-expiring");
        Assert.Contains("(in 20 days)", problem.Message);
        Assert.Equal("warning", problem.Severity);
    }

    [Fact]
    public async Task A_license_server_the_host_is_not_enrolled_with_is_access_denied()
    {
        await using var s = await Scenario.StartAsync();
        await s.WithCalsAsync(CalType.PerDevice, ProductVersion.WindowsServer2022, 5);
        await s.Host.ConfigureAsync("per-device", [TestSessionHost.Url(s.Server)]);

        var d = await s.Host.DiagnoseAsync();

        Assert.Equal("ACCESS_DENIED", d.Servers.Single().Connectivity);
        Problem(d, "license-server-access-denied");
    }

    [Fact]
    public async Task A_license_server_older_than_the_host_is_lower_version()
    {
        await using var s = await Scenario.StartAsync(serverVersion: ProductVersion.WindowsServer2019);
        await s.WithCalsAsync(CalType.PerDevice, ProductVersion.WindowsServer2019, 5);
        await s.Host.UseAsync("per-device", s.Server);

        var d = await s.Host.DiagnoseAsync();

        Assert.Equal("LOWER_VERSION", d.Servers.Single().Connectivity);
        Problem(d, "license-server-version-too-low");
    }

    [Fact]
    public async Task Problems_come_with_every_server_s_information()
    {
        await using var s = await Scenario.StartAsync(licenseServers: 2);
        await s.WithCalsAsync(CalType.PerDevice, ProductVersion.WindowsServer2022, 5, server: 1);
        await s.Host.UseAsync("per-device", s.Servers[0], s.Servers[1]);

        var d = await s.Host.DiagnoseAsync();

        Assert.Equal(2, d.Servers.Count);
        Assert.All(d.Problems, p => Assert.Equal(TestSessionHost.Url(s.Servers[0]), p.LicenseServer));
        Assert.Contains("identified", d.Summary);
    }
}
