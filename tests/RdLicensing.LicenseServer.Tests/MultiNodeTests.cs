using System.Net.Http.Json;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using RdLicensing.Testing;

namespace RdLicensing.LicenseServer.Tests;

/// <summary>Several license server nodes on one PostgreSQL database, active-active, holding the licensing rules together.</summary>
public sealed class MultiNodeTests
{
    [PostgresFact]
    public async Task Two_nodes_give_a_thousand_concurrent_devices_exactly_the_hundred_permanent_cals_installed()
    {
        var database = await ThrowawayPostgres.CreateDatabaseAsync();
        try
        {
            await using var first = await TestLicenseServer.StartAsync(version: ProductVersion.WindowsServer2022, database: database);
            await using var second = await TestLicenseServer.StartNodeAsync(database, first.Authority, first.AdminToken);
            Assert.Equal(first.ProductId, second.ProductId); // one identity: CAL tokens of either node are valid on both
            await first.ActivateAsync();
            await first.InstallAsync(ProductVersion.WindowsServer2022, CalType.PerDevice, 60);
            await first.InstallAsync(ProductVersion.WindowsServer2022, CalType.PerDevice, 40);
            await WaitUntilAsync(async () => (await StatusAsync(second)).Activation.Status == "activated");
            // A session host lists both nodes; here each device's requests alternate between them, as failover would.
            var token = await EnrollAsync(first, "rdsh-a");
            var hosts = new[] { new HostClient(first.NewClient(token)), new HostClient(second.NewClient(token)) };

            var outcomes = await Task.WhenAll(Enumerable.Range(0, 1000).Select(i => Task.Run(async () =>
            {
                var hw = $"device-{i:D4}";
                var (node, other) = (hosts[i % 2], hosts[(i + 1) % 2]);
                var temporary = await node.ConnectDeviceAsync(hw);
                await other.SignInAsync(hw);
                var next = await node.ConnectDeviceAsync(hw, temporary.License);
                return next.Outcome;
            })));

            Assert.Equal(100, outcomes.Count(o => o == "permanent-issued"));
            Assert.Equal(900, outcomes.Count(o => o == "temporary-kept"));
            var packs = (await second.Admin.GetFromJsonAsync<KeyPackView[]>("/api/admin/keypacks"))!;
            Assert.All(packs, p => Assert.Equal(p.Total, p.Issued));
            var held = await second.Store.LicensesHeldPerPackAsync();
            Assert.All(packs, p => Assert.Equal(p.Issued, held[p.Id]));
            var active = (await first.Admin.GetFromJsonAsync<CalPage>("/api/admin/cals?status=active&type=per-device&pageSize=1000"))!;
            Assert.Equal(100, active.Total);
            Assert.Equal(100, active.Items.Select(c => c.HardwareId).Distinct().Count());
            var temporaries = (await first.Admin.GetFromJsonAsync<CalPage>("/api/admin/cals?type=per-device&pageSize=1"))!;
            Assert.Equal(1100, temporaries.Total); // one temporary per device, no double issue, plus the 100 permanent
        }
        finally
        {
            await ThrowawayPostgres.DropDatabaseAsync(database);
        }
    }

    [PostgresFact]
    public async Task What_one_node_changes_the_other_follows_activation_and_the_simulated_clock()
    {
        var database = await ThrowawayPostgres.CreateDatabaseAsync();
        try
        {
            await using var first = await TestLicenseServer.StartAsync(database: database);
            await using var second = await TestLicenseServer.StartNodeAsync(database, first.Authority, first.AdminToken);
            Assert.Equal("not-activated", (await StatusAsync(second)).Activation.Status);

            await first.ActivateAsync();
            await WaitUntilAsync(async () => (await StatusAsync(second)).Activation.Status == "activated");

            await first.AdvanceAsync("30d");
            var firstNow = (await StatusAsync(first)).Clock.Now;
            await WaitUntilAsync(async () => (await StatusAsync(second)).Clock.Now >= firstNow);

        }
        finally
        {
            await ThrowawayPostgres.DropDatabaseAsync(database);
        }
    }

    private static async Task<string> EnrollAsync(TestLicenseServer server, string name)
    {
        var response = await server.Admin.PostAsJsonAsync("/api/admin/sessionhosts", new EnrollBody(name, false));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<EnrollResponse>())!.Token;
    }

    private static async Task<StatusView> StatusAsync(TestLicenseServer server) => (await server.Admin.GetFromJsonAsync<StatusView>("/api/admin/status"))!;

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        for (var waited = TimeSpan.Zero; waited < TimeSpan.FromSeconds(15); waited += TimeSpan.FromMilliseconds(100))
        {
            if (await condition()) return;
            await Task.Delay(100);
        }
        Assert.Fail("The other node did not follow within 15 s.");
    }
}
