using RdLicensing.Core.Cals;
using RdLicensing.Core.Versions;
using RdLicensing.SessionHost.Tests.Support;

namespace RdLicensing.SessionHost.Tests;

public sealed class PerUserTests
{
    [Fact]
    public async Task Users_get_Per_User_CALs_from_the_pool_then_from_the_OverUsed_pool()
    {
        await using var s = await Scenario.StartAsync();
        await s.WithCalsAsync(CalType.PerUser, ProductVersion.WindowsServer2022, 1);
        await s.Host.UseAsync("per-user", s.Server);

        var alice = await s.Host.ConnectAsync("laptop-a", "alice");
        Assert.Equal("licensed", alice.Outcome);
        Assert.Equal("per-user", alice.Cal!.Type);
        Assert.False(alice.Cal.OverUsed);
        Assert.Null(alice.License); // Per User CALs are tracked by the license server; the client stores nothing

        var bob = await s.Host.ConnectAsync("laptop-b", "bob");
        Assert.Equal("licensed", bob.Outcome);
        Assert.True(bob.Allowed);
        Assert.True(bob.Cal!.OverUsed);
        Assert.Contains(bob.Notes, n => n.Contains("COMPLIANCE") && n.Contains("OverUsed"));

        var aliceOnAnotherDevice = await s.Host.ConnectAsync("desktop-a", "alice");
        Assert.False(aliceOnAnotherDevice.Cal!.OverUsed);
    }

    [Fact]
    public async Task After_the_grace_period_Per_User_connections_need_a_license_server()
    {
        await using var s = await Scenario.StartAsync();
        await s.WithCalsAsync(CalType.PerUser, ProductVersion.WindowsServer2022, 5);
        await s.Host.UseAsync("per-user", s.Server);
        Assert.Equal("licensed", (await s.Host.ConnectAsync("laptop-a", "alice")).Outcome);

        await s.StopAsync(s.Server);
        Assert.Equal("grace", (await s.Host.ConnectAsync("laptop-a", "alice")).Outcome);
        await s.AdvanceAsync("121d");
        var refused = await s.Host.ConnectAsync("laptop-a", "alice");
        Assert.Equal("0x101", refused.Refusal!.Code);
        Assert.Equal("NO_LICENSE_SERVER", refused.Refusal.Reason);
    }
}
