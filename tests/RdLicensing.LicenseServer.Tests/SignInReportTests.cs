using System.Net;
using System.Net.Http.Json;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using RdLicensing.Testing;

namespace RdLicensing.LicenseServer.Tests;

/// <summary>Issue 11: a session host may report sign-ins (validate temporary CALs) only for the devices it asked a CAL for.</summary>
public sealed class SignInReportTests
{
    [Fact]
    public async Task Another_hosts_token_cannot_validate_a_device_it_never_served_the_serving_host_can()
    {
        await using var server = await TestLicenseServer.StartAsync(validity: new FixedValidity(60));
        await server.ActivateAsync();
        await server.InstallAsync(ProductVersion.WindowsServer2022, CalType.PerDevice, 5);
        var serving = new HostClient(await server.EnrollHostAsync("rdsh-01"));
        var other = new HostClient(await server.EnrollHostAsync("rdsh-02"));
        await serving.ConnectDeviceAsync("hw-1");

        // Attack: rdsh-02 validates hw-1's temporary CAL, which it never requested.
        var attack = await other.Http.PostAsJsonAsync("/api/sessionhost/cals/sign-in", new SignInBody("hw-1"));
        var problem = await ProblemAssert.IsAsync(attack, HttpStatusCode.Forbidden, "sign-in-not-requested-by-host");
        Assert.Contains("rdsh-02", problem.Detail());
        Assert.Contains("rdsh-01", problem.Detail());
        var kept = await serving.ConnectDeviceAsync("hw-1");
        Assert.Equal("temporary-kept", kept.Outcome);
        Assert.Contains("not been validated", kept.Message);
        var events = (await server.Admin.GetFromJsonAsync<EventView[]>("/api/admin/events?eventId=5080"))!;
        Assert.Contains("rdsh-02", Assert.Single(events).Message);

        // Positive control: the host that requested the CAL validates it, and the next connection upgrades it.
        Assert.True((await serving.SignInAsync("hw-1")).Validated);
        Assert.Equal("permanent-issued", (await serving.ConnectDeviceAsync("hw-1")).Outcome);

        // A device that moves to another host: once that host asked for its CAL, its sign-in report counts.
        await serving.ConnectDeviceAsync("hw-2");
        await other.ConnectDeviceAsync("hw-2");
        Assert.True((await other.SignInAsync("hw-2")).Validated);
    }
}
