using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using RdLicensing.LicenseServer.Hosting;
using RdLicensing.Testing;

namespace RdLicensing.LicenseServer.Tests;

/// <summary>
/// The licensing rules that count across the whole database, held by two license server nodes on one PostgreSQL database
/// under concurrent requests: the 20% revocation limit, and the Per User OverUsed count.
/// </summary>
public sealed class MultiNodeRulesTests
{
    private static async Task<string> EnrollAsync(TestLicenseServer server, string name)
    {
        var response = await server.Admin.PostAsJsonAsync("/api/admin/sessionhosts", new EnrollBody(name, false));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<EnrollResponse>())!.Token;
    }

    private static async Task<StatusView> StatusAsync(TestLicenseServer server) => (await server.Admin.GetFromJsonAsync<StatusView>("/api/admin/status"))!;

    private static async Task WaitUntilActivatedAsync(TestLicenseServer node)
    {
        for (var waited = 0; waited < 150; waited++)
        {
            if ((await StatusAsync(node)).Activation.Status == "activated") return;
            await Task.Delay(100);
        }
        Assert.Fail("The second node did not see the activation within 15 s.");
    }

    [PostgresFact]
    public async Task Two_nodes_revoking_at_once_never_pass_the_20_percent_limit_and_both_publish_every_revocation()
    {
        var database = await ThrowawayPostgres.CreateDatabaseAsync();
        try
        {
            await using var first = await TestLicenseServer.StartAsync(version: ProductVersion.WindowsServer2022, database: database, validity: new FixedValidity(60));
            await using var second = await TestLicenseServer.StartNodeAsync(database, first.Authority, first.AdminToken);
            await first.ActivateAsync();
            await first.InstallAsync(ProductVersion.WindowsServer2022, CalType.PerDevice, 20); // limit: 4 revoked at once
            await WaitUntilActivatedAsync(second);
            var token = await EnrollAsync(first, "rdsh-a");
            var host = new HostClient(first.NewClient(token));
            var ids = new List<long>();
            for (var i = 0; i < 20; i++)
            {
                var hw = $"device-{i:D2}";
                await host.ConnectDeviceAsync(hw);
                await host.SignInAsync(hw);
                ids.Add((await host.ConnectDeviceAsync(hw)).Cal!.Id);
            }

            // Every CAL revoked at once, alternately on each node.
            var nodes = new[] { first, second };
            var answers = await Task.WhenAll(ids.Select((id, i) => Task.Run(() => nodes[i % 2].Admin.PostAsync($"/api/admin/cals/{id}/revoke", null))));

            Assert.Equal(4, answers.Count(a => a.StatusCode == HttpStatusCode.OK));
            Assert.Equal(16, answers.Count(a => a.StatusCode == HttpStatusCode.Conflict));
            foreach (var refused in answers.Where(a => a.StatusCode == HttpStatusCode.Conflict))
                await ProblemAssert.IsAsync(refused, HttpStatusCode.Conflict, "revocation-limit-reached");
            var revoked = (await second.Admin.GetFromJsonAsync<CalPage>("/api/admin/cals?status=revoked&pageSize=100"))!;
            Assert.Equal(4, revoked.Total);
            var packs = (await first.Admin.GetFromJsonAsync<KeyPackView[]>("/api/admin/keypacks"))!;
            Assert.Equal(16, packs.Sum(p => p.Issued));

            // Both nodes publish the same list, numbered by every revocation whichever node made it.
            var key = CalTokenVerifier.FromSubjectPublicKeyInfo(first.Services.GetRequiredService<ServerState>().Identity.Key.ExportSubjectPublicKeyInfo());
            foreach (var node in nodes)
            {
                var list = key.VerifyRevocationList(await node.NewClient(token).GetByteArrayAsync("/api/sessionhost/revocations"));
                Assert.Equal(4, list.Number);
                Assert.Equal(revoked.Items.Select(c => c.Id).Order(), list.RevokedCalIds.Order());
            }
        }
        finally
        {
            await ThrowawayPostgres.DropDatabaseAsync(database);
        }
    }

    [PostgresFact]
    public async Task Two_nodes_issuing_Per_User_CALs_at_once_count_OverUsed_exactly_beyond_the_installed()
    {
        var database = await ThrowawayPostgres.CreateDatabaseAsync();
        try
        {
            await using var first = await TestLicenseServer.StartAsync(version: ProductVersion.WindowsServer2022, database: database);
            await using var second = await TestLicenseServer.StartNodeAsync(database, first.Authority, first.AdminToken);
            await first.ActivateAsync();
            await first.InstallAsync(ProductVersion.WindowsServer2022, CalType.PerUser, 25);
            await WaitUntilActivatedAsync(second);
            var token = await EnrollAsync(first, "rdsh-a");
            var hosts = new[] { new HostClient(first.NewClient(token)), new HostClient(second.NewClient(token)) };

            // 100 users at once, each asking twice (once on each node): one CAL per user, 25 from the pool, 75 OverUsed.
            var outcomes = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => Task.Run(async () =>
            {
                var user = $"user-{i:D3}";
                var firstAnswer = await hosts[i % 2].ConnectUserAsync(user);
                var again = await hosts[(i + 1) % 2].ConnectUserAsync(user);
                Assert.Equal(firstAnswer.Cal!.Id, again.Cal!.Id);
                return firstAnswer;
            })));

            Assert.Equal(25, outcomes.Count(o => o.Outcome == "per-user-issued"));
            Assert.Equal(75, outcomes.Count(o => o.Outcome == "per-user-overused"));
            Assert.Equal(75, (await StatusAsync(first)).OverUsedPerUserCals);
            Assert.Equal(75, (await StatusAsync(second)).OverUsedPerUserCals);
            var packs = (await second.Admin.GetFromJsonAsync<KeyPackView[]>("/api/admin/keypacks"))!;
            Assert.All(packs, p => Assert.Equal(p.Total, p.Issued));
            var all = (await first.Admin.GetFromJsonAsync<CalPage>("/api/admin/cals?type=per-user&pageSize=1"))!;
            Assert.Equal(100, all.Total); // no user got two
        }
        finally
        {
            await ThrowawayPostgres.DropDatabaseAsync(database);
        }
    }
}
