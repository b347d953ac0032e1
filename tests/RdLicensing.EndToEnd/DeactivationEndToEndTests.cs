using RdLicensing.Core.Activation;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Versions;
using static RdLicensing.EndToEnd.ActivationEndToEndTests;

namespace RdLicensing.EndToEnd;

/// <summary>
/// Issue 11, item 8: a deactivated server does what its message says, as the reference does — it returns to not activated:
/// no permanent Per Device CALs (none issued, none renewed) until it is reactivated; temporary Per Device CALs and Per User
/// CALs still; the deactivation signed and recorded at the clearinghouse.
/// </summary>
public sealed class DeactivationEndToEndTests
{
    [Fact]
    public async Task A_deactivated_server_issues_and_renews_no_permanent_per_device_cal_until_it_is_reactivated()
    {
        await using var deployment = await Deployment.StartAsync();
        var server = await Deployment.ActivateAsync(await deployment.AddServerAsync());
        await deployment.InstallRetailAsync(server, ProductVersion.WindowsServer2025, CalType.PerDevice, 5);
        await deployment.InstallRetailAsync(server, ProductVersion.WindowsServer2025, CalType.PerUser, 5);
        var host = await HostAsync(server);
        await host.ConnectAsync("hw-old");
        await host.SignInAsync("hw-old");
        var permanent = (await host.ConnectAsync("hw-old")).Cal!;
        Assert.False(permanent.Temporary);
        // Within the renewal window of the permanent CAL.
        await server.AdvanceAsync($"{(int)(permanent.ExpiresAt - deployment.Clock.GetUtcNow()).TotalDays - 3}d");

        var output = await Rdlic.OkAsync(server, "server", "deactivate", "--method", "automatic");

        Assert.Contains(ActivationLicensingPolicy.Deactivated, output);
        Assert.Contains("it returns to not activated: it issues no permanent Per Device CALs until it is reactivated", output);
        Assert.Contains(ActivationLicensingPolicy.Deactivated, string.Join("\n", (await Deployment.StatusAsync(server)).Warnings));
        Assert.Equal("deactivated", Assert.Single(await deployment.ActivationRecordsAsync()).Status); // reached the clearinghouse
        // A new device: temporary only, never upgraded; the old device's permanent CAL stays valid but is not renewed.
        Assert.Equal("temporary-issued", (await host.ConnectAsync("hw-new")).Outcome);
        await host.SignInAsync("hw-new");
        Assert.Equal("temporary-kept", (await host.ConnectAsync("hw-new")).Outcome);
        Assert.Equal("valid", (await host.ConnectAsync("hw-old")).Outcome);
        // Per User CALs are still issued.
        Assert.True((await host.ConnectUserAsync("ada")).Licensed);
        Assert.Equal(1, (await Deployment.KeyPacksAsync(server)).Where(p => p.Type == "per-device").Sum(p => p.Issued));

        // Positive control: reactivated, it upgrades the new device and renews the old one.
        await Rdlic.OkAsync(server, "server", "reactivate", "--reason", "redeployed", "--method", "automatic");
        Assert.Equal("permanent-issued", (await host.ConnectAsync("hw-new")).Outcome);
        Assert.Equal("renewed", (await host.ConnectAsync("hw-old")).Outcome);
    }
}
