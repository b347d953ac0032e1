using RdLicensing.Core.Cals;
using RdLicensing.Core.Versions;
using RdLicensing.SessionHost.Tests.Support;

namespace RdLicensing.SessionHost.Tests;

/// <summary>A session host accepts CALs of its own version or newer.</summary>
public sealed class VersionTests
{
    [Fact]
    public async Task A_2022_host_gets_no_permanent_CAL_from_2019_CALs_and_a_permanent_one_from_2025_CALs()
    {
        await using var s = await Scenario.StartAsync();
        await s.WithCalsAsync(CalType.PerDevice, ProductVersion.WindowsServer2019, 5);
        await s.Host.UseAsync("per-device", s.Server);
        var device = new Device("pc-10");

        await device.ConnectAsync(s.Host);
        var withOld = await device.ConnectAsync(s.Host);
        Assert.True(withOld.Cal!.Temporary);
        Assert.Contains("compatible", withOld.Message);

        await s.Server.InstallAsync(ProductVersion.WindowsServer2025, CalType.PerDevice, 5);
        var withNew = await device.ConnectAsync(s.Host);
        Assert.False(withNew.Cal!.Temporary);
        Assert.Equal("2025", withNew.Cal.Version);
    }

    [Fact]
    public async Task A_2019_host_takes_the_2019_CALs_and_a_presented_2019_CAL_is_too_old_once_the_host_is_2022()
    {
        await using var s = await Scenario.StartAsync();
        await s.WithCalsAsync(CalType.PerDevice, ProductVersion.WindowsServer2019, 5);
        await s.Host.UseAsync("per-device", s.Server);
        await s.Host.ConfigureAsync(version: "2019");
        var device = new Device("pc-11");
        await device.ConnectAsync(s.Host);
        var permanent = await device.ConnectAsync(s.Host);
        Assert.Equal("2019", permanent.Cal!.Version);
        Assert.Equal("presented", (await device.ConnectAsync(s.Host)).Cal!.Source);

        await s.Host.ConfigureAsync(version: "2022");
        var onNewerHost = await device.ConnectAsync(s.Host);
        Assert.Equal("license-server", onNewerHost.Cal!.Source); // the 2019 CAL is not enough: the host asked the server
        Assert.True(onNewerHost.Cal.Temporary);
    }
}
