using System.Net.Http.Json;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using Microsoft.Extensions.DependencyInjection;
using RdLicensing.SessionHost.Tests.Support;
using RdLicensing.Testing;

namespace RdLicensing.SessionHost.Tests;

/// <summary>The license server list is asked in order; a server that is down or refuses the host is skipped.</summary>
public sealed class FailoverTests
{
    [Fact]
    public async Task When_the_first_license_server_is_stopped_the_second_licenses_the_client()
    {
        await using var s = await Scenario.StartAsync(licenseServers: 2);
        await s.WithCalsAsync(CalType.PerDevice, ProductVersion.WindowsServer2022, 5, server: 0);
        await s.WithCalsAsync(CalType.PerDevice, ProductVersion.WindowsServer2022, 5, server: 1);
        var (first, second) = (s.Servers[0], s.Servers[1]);
        await s.Host.UseAsync("per-device", first, second);

        Assert.Equal(TestSessionHost.Url(first), (await s.Host.ConnectAsync("pc-40")).LicenseServer);

        await s.StopAsync(first);
        var failedOver = await s.Host.ConnectAsync("pc-41");

        Assert.Equal("licensed", failedOver.Outcome);
        Assert.Equal(TestSessionHost.Url(second), failedOver.LicenseServer);
        Assert.Contains(failedOver.Notes, n => n.Contains(TestSessionHost.Url(first)) && n.Contains("is not available"));
        Assert.Contains(await s.Host.EventsAsync(5020), e => e.LicenseServer == TestSessionHost.Url(first));
    }

    [Fact]
    public async Task A_server_that_resets_the_connection_as_it_is_made_is_skipped_and_the_next_licenses_the_client()
    {
        // The reset lands where .NET's handler throws a bare SocketException (a server killed with the host's connection in
        // its accept queue): the host must treat it as a server that is down, not fail the connection.
        await using var resetting = new ResettingServer();
        await using var s = await Scenario.StartAsync(hostServices: services =>
            services.ConfigureHttpClientDefaults(client => client.ConfigurePrimaryHttpMessageHandler(resetting.Transport)));
        await s.WithCalsAsync(CalType.PerDevice, ProductVersion.WindowsServer2022, 5);
        await s.Host.EnrollAsync(s.Server);
        await s.Host.Store.WriteAsync(w => w.SetTokenAsync(resetting.Url, "rdlh_reset", s.Clock.GetUtcNow()));
        await s.Host.ConfigureAsync("per-device", [resetting.Url, TestSessionHost.Url(s.Server)]);

        var connection = await s.Host.ConnectAsync("pc-45");

        Assert.True(resetting.Resets > 0, "the host never reached the resetting server");
        Assert.Equal("licensed", connection.Outcome);
        Assert.Equal(TestSessionHost.Url(s.Server), connection.LicenseServer);
        Assert.Contains(connection.Notes, n => n.Contains(resetting.Url) && n.Contains("is not available"));
        Assert.Contains(await s.Host.EventsAsync(5020), e => e.LicenseServer == resetting.Url);

        // Alone, it is a server that did not answer: the grace period, not a failed connection.
        await s.Host.ConfigureAsync(servers: [resetting.Url]);
        Assert.Equal("grace", (await s.Host.ConnectAsync("pc-46")).Outcome);
    }

    [Fact]
    public async Task A_server_whose_security_group_excludes_the_host_is_skipped_and_named_and_alone_it_refuses_after_the_grace_period()
    {
        await using var s = await Scenario.StartAsync(licenseServers: 2);
        var (guarded, open) = (s.Servers[0], s.Servers[1]);
        await s.WithCalsAsync(CalType.PerDevice, ProductVersion.WindowsServer2022, 5, server: 0);
        await s.WithCalsAsync(CalType.PerDevice, ProductVersion.WindowsServer2022, 5, server: 1);
        (await guarded.Admin.PutAsJsonAsync("/api/admin/policies", new PoliciesUpdate(true, null))).EnsureSuccessStatusCode();
        await s.Host.UseAsync("per-device", guarded, open);
        var guardedUrl = TestSessionHost.Url(guarded);

        var viaSecond = await s.Host.ConnectAsync("pc-42");
        Assert.Equal("licensed", viaSecond.Outcome);
        Assert.Equal(TestSessionHost.Url(open), viaSecond.LicenseServer);
        var named = Assert.Single(await s.Host.EventsAsync(5021));
        Assert.Contains("rdsh-01", named.Message);
        Assert.Equal(guardedUrl, named.LicenseServer);
        var onServer = (await guarded.Admin.GetFromJsonAsync<List<EventView>>("/api/admin/events?eventId=4141"))!;
        Assert.Contains(onServer, e => e.SessionHost == "rdsh-01");

        await s.Host.ConfigureAsync(servers: [guardedUrl]);
        Assert.Equal("grace", (await s.Host.ConnectAsync("pc-43")).Outcome);
        await s.AdvanceAsync("121d");
        var refused = await s.Host.ConnectAsync("pc-43");
        Assert.Equal("refused", refused.Outcome);
        Assert.Equal("NOT_IN_SECURITY_GROUP", refused.Refusal!.Reason);
        Assert.Equal("0x101", refused.Refusal.Code);
        Assert.Contains("rdsh-01", refused.Message);
        Assert.Contains(guardedUrl, refused.Message);

        (await guarded.Admin.PutAsJsonAsync("/api/admin/sessionhosts/rdsh-01/security-group", new SecurityGroupBody(true))).EnsureSuccessStatusCode();
        Assert.Equal("licensed", (await s.Host.ConnectAsync("pc-43")).Outcome);
    }

    [Fact]
    public async Task A_server_the_host_is_not_enrolled_with_is_skipped()
    {
        await using var s = await Scenario.StartAsync(licenseServers: 2);
        await s.WithCalsAsync(CalType.PerDevice, ProductVersion.WindowsServer2022, 5, server: 1);
        await s.Host.EnrollAsync(s.Servers[1]);
        await s.Host.ConfigureAsync("per-device", [TestSessionHost.Url(s.Servers[0]), TestSessionHost.Url(s.Servers[1])]);

        var connection = await s.Host.ConnectAsync("pc-44");

        Assert.Equal(TestSessionHost.Url(s.Servers[1]), connection.LicenseServer);
        Assert.Contains(connection.Notes, n => n.Contains("no token"));
        Assert.NotEmpty(await s.Host.EventsAsync(5022));
    }
}
