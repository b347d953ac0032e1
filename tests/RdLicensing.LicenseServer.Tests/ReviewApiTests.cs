using System.Net;
using System.Net.Http.Json;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using RdLicensing.Testing;

namespace RdLicensing.LicenseServer.Tests;

/// <summary>GET /api/admin/review: Review Configuration's facts and checks.</summary>
public sealed class ReviewApiTests
{
    [Fact]
    public async Task A_new_server_is_reviewed_with_its_database_and_each_problem_has_its_fix()
    {
        await using var server = await TestLicenseServer.StartAsync(clearinghouseUrl: "http://127.0.0.1:1");

        var review = (await server.Admin.GetFromJsonAsync<ConfigurationReviewView>("/api/admin/review"))!;

        Assert.Equal(server.ProductId, review.ProductId);
        Assert.Equal("not-activated", review.Activation.Status);
        Assert.NotNull(review.Clearinghouse);
        Assert.True(review.ClearinghouseAddressConfigured);
        if (ThrowawayPostgres.ServersUsePostgres)
        {
            Assert.Equal("postgres", review.Database.Provider);
            Assert.StartsWith("postgres://127.0.0.1:", review.Database.Location); // host, port and database: never the credentials
        }
        else
        {
            Assert.Equal("sqlite", review.Database.Provider);
            Assert.True(File.Exists(review.Database.Location));
            Assert.StartsWith(Path.GetFullPath(server.DataDirectory), review.Database.Location);
            Assert.Equal(Path.GetDirectoryName(review.Database.Location), review.Database.Folder);
            Assert.True(review.Database.SizeBytes >= new FileInfo(review.Database.Location).Length);
            if (!OperatingSystem.IsWindows()) Assert.True(review.Database.OwnerOnly);
        }
        Assert.Equal(("error", "activate"), review.Checks[0] is var first ? (first.Status, first.Fix) : default);
        Assert.Equal("activation", review.Checks[0].Id);
        Assert.Contains(review.Checks, c => c is { Id: "key-packs", Status: "warning", Fix: "install-licenses" });
        Assert.Contains(review.Checks, c => c is { Id: "session-hosts", Status: "warning", Fix: "enroll-session-host" });
        Assert.Contains(review.Checks, c => c is { Id: "database", Status: "ok" });
    }

    [Fact]
    public async Task A_host_outside_the_group_while_the_policy_is_on_is_named_and_passes_once_added()
    {
        await using var server = await TestLicenseServer.StartAsync(clearinghouseUrl: "http://127.0.0.1:1");
        await server.ActivateAsync();
        await server.InstallAsync(ProductVersion.WindowsServer2025, CalType.PerDevice, 5);
        await server.EnrollHostAsync("rdsh-inside", inSecurityGroup: true);
        await server.EnrollHostAsync("rdsh-outside");
        (await server.Admin.PutAsJsonAsync("/api/admin/policies", new PoliciesUpdate(true, null))).EnsureSuccessStatusCode();

        var before = (await server.Admin.GetFromJsonAsync<ConfigurationReviewView>("/api/admin/review"))!;
        var problem = Assert.Single(before.Checks, c => c.Status != "ok");
        Assert.Equal(("host-not-in-security-group", "add-to-security-group", "rdsh-outside"), (problem.Id, problem.Fix, problem.Subject));
        Assert.Equal(["rdsh-inside", "rdsh-outside"], before.SessionHosts.Select(h => h.Name));
        Assert.True(before.Policies.SecurityGroupEnabled);
        Assert.Equal(1, before.KeyPacks);

        (await server.Admin.PutAsJsonAsync("/api/admin/sessionhosts/rdsh-outside/security-group", new SecurityGroupBody(true))).EnsureSuccessStatusCode();
        var after = (await server.Admin.GetFromJsonAsync<ConfigurationReviewView>("/api/admin/review"))!;

        Assert.All(after.Checks, c => Assert.Equal("ok", c.Status));
    }

    [Fact]
    public async Task Only_the_administrator_may_review()
    {
        await using var server = await TestLicenseServer.StartAsync();
        using var anonymous = server.NewClient(null);
        var host = await server.EnrollHostAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/admin/review")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.GetAsync("/api/admin/review")).StatusCode);
    }
}
