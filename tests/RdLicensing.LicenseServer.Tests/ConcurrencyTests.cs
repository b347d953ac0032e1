using System.Net.Http.Json;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using RdLicensing.Testing;

namespace RdLicensing.LicenseServer.Tests;

public sealed class ConcurrencyTests
{
    [Fact]
    public async Task Two_hundred_devices_competing_for_fifty_cals_get_exactly_fifty_permanent_cals()
    {
        await using var server = await TestLicenseServer.StartAsync();
        await server.ActivateAsync();
        await server.InstallAsync(ProductVersion.WindowsServer2022, CalType.PerDevice, 30);
        await server.InstallAsync(ProductVersion.WindowsServer2022, CalType.PerDevice, 20);
        var hosts = new[] { new HostClient(await server.EnrollHostAsync("rdsh-a")), new HostClient(await server.EnrollHostAsync("rdsh-b")) };

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 200).Select(async i =>
        {
            var host = hosts[i % 2];
            var hw = $"device-{i:D3}";
            await host.ConnectDeviceAsync(hw);
            await host.SignInAsync(hw);
            return (await host.ConnectDeviceAsync(hw)).Outcome;
        }));

        Assert.Equal(50, outcomes.Count(o => o == "permanent-issued"));
        Assert.Equal(150, outcomes.Count(o => o == "temporary-kept"));
        var packs = await server.Admin.GetFromJsonAsync<KeyPackView[]>("/api/admin/keypacks");
        Assert.All(packs!, p => Assert.Equal(p.Total, p.Issued));
        var held = await server.Store.LicensesHeldPerPackAsync();
        Assert.All(packs!, p => Assert.Equal(p.Issued, held[p.Id]));
        var active = await server.Admin.GetFromJsonAsync<CalPage>("/api/admin/cals?status=active&type=per-device&pageSize=1000");
        Assert.Equal(50, active!.Total);
        Assert.Equal(50, active.Items.Select(c => c.HardwareId).Distinct().Count());
    }

    [Fact]
    public async Task Parallel_first_connections_of_one_device_give_it_one_temporary_cal()
    {
        await using var server = await TestLicenseServer.StartAsync();
        var host = await server.EnrollHostAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            var r = await host.PostAsJsonAsync("/api/sessionhost/cals", new CalRequestBody("per-device", "2022", "same-device", "PC", "bob", null));
            return (await r.Content.ReadFromJsonAsync<CalResponseBody>())!;
        }));

        Assert.Single(responses.Select(r => r.Cal!.Id).Distinct());
        Assert.Equal(1, responses.Count(r => r.Outcome == "temporary-issued"));
    }
}
