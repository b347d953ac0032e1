using System.Net;
using System.Net.Http.Json;
using System.Text;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using RdLicensing.Testing;

namespace RdLicensing.LicenseServer.Tests;

/// <summary>Rebuilding the database and taking a backup (restore is tested through rdlic).</summary>
public sealed class RecoveryTests
{
    private static async Task<(TestLicenseServer Server, HostClient Host)> ServerWithCalsAsync()
    {
        var server = await TestLicenseServer.StartAsync(version: ProductVersion.WindowsServer2022);
        await server.ActivateAsync();
        await server.InstallAsync(ProductVersion.WindowsServer2022, CalType.PerDevice, 10);
        await server.InstallAsync(ProductVersion.WindowsServer2019, CalType.PerUser, 5);
        var host = new HostClient(await server.EnrollHostAsync());
        await host.ConnectDeviceAsync("hw-1");
        await host.SignInAsync("hw-1");
        await host.ConnectDeviceAsync("hw-1");
        await host.ConnectDeviceAsync("hw-2");
        await host.ConnectUserAsync("alice", "2019");
        return (server, host);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("yes")]
    [InlineData("delete every installed")]
    public async Task Rebuild_without_the_confirmation_says_what_to_type_and_deletes_nothing(string? confirm)
    {
        var (server, _) = await ServerWithCalsAsync();
        await using var _ = server;

        var problem = await ProblemAssert.IsAsync(await server.Admin.PostAsJsonAsync("/api/admin/database/rebuild", new RebuildBody(confirm)),
            HttpStatusCode.BadRequest, "invalid-request");

        Assert.Equal("confirm", problem.Field());
        Assert.Contains("\"delete every installed CAL\"", problem.Detail());
        Assert.Equal(2, (await server.Admin.GetFromJsonAsync<KeyPackView[]>("/api/admin/keypacks"))!.Length);
    }

    [Fact]
    public async Task Rebuild_deletes_every_key_pack_and_cal_in_one_step_and_says_nothing_could_be_reissued()
    {
        var (server, host) = await ServerWithCalsAsync();
        await using var _ = server;
        var permanentToken = host.StoredLicense("hw-1");

        var rebuilt = await ProblemAssert.OkAsync<RebuildResponse>(await server.Admin.PostAsJsonAsync("/api/admin/database/rebuild",
            new RebuildBody("Delete every installed CAL")));

        Assert.Equal(2, rebuilt.DeletedKeyPacks);
        Assert.Equal(4, rebuilt.DeletedCals); // hw-1 temporary (upgraded) and permanent, hw-2 temporary, alice
        Assert.Empty(rebuilt.Reinstalled);
        Assert.Contains("No clearinghouse address is configured", rebuilt.ReissueProblem);
        Assert.Empty((await server.Admin.GetFromJsonAsync<KeyPackView[]>("/api/admin/keypacks"))!);
        Assert.Equal(0, (await server.Admin.GetFromJsonAsync<CalPage>("/api/admin/cals"))!.Total);
        var rebuiltEvent = Assert.Single((await server.Admin.GetFromJsonAsync<EventView[]>("/api/admin/events?eventId=5070"))!);
        Assert.Contains("2 key pack(s) with 15 license(s) and 4 CAL record(s) (3 live) were deleted", rebuiltEvent.Message);

        // The device's old CAL token names a CAL that is gone: it starts again with a temporary CAL.
        var again = await host.ConnectDeviceAsync("hw-1", presented: permanentToken);
        Assert.Equal("temporary-issued", again.Outcome);
        Assert.NotNull(again.License);
    }

    [Fact]
    public async Task Rebuild_of_an_activated_server_with_an_unreachable_clearinghouse_still_deletes_and_says_why_nothing_came_back()
    {
        await using var server = await TestLicenseServer.StartAsync(clearinghouseUrl: "http://127.0.0.1:1");
        await server.ActivateAsync();
        await server.InstallAsync(ProductVersion.WindowsServer2022, CalType.PerDevice, 3);

        var rebuilt = await ProblemAssert.OkAsync<RebuildResponse>(await server.Admin.PostAsJsonAsync("/api/admin/database/rebuild",
            new RebuildBody("delete every installed CAL")));

        Assert.Equal(1, rebuilt.DeletedKeyPacks);
        Assert.Contains("did not reissue", rebuilt.ReissueProblem);
        Assert.Contains("--key-pack-id", rebuilt.ReissueProblem);
    }

    [Fact]
    public async Task A_backup_is_a_sqlite_database_with_the_identity()
    {
        var (server, _) = await ServerWithCalsAsync();
        await using var _ = server;

        var response = await server.Admin.PostAsync("/api/admin/backup", null);

        if (ThrowawayPostgres.ServersUsePostgres)
        {
            // Nodes share the PostgreSQL database: its own tools back it up, and the server says so.
            Assert.Contains("pg_dump", (await ProblemAssert.IsAsync(response, HttpStatusCode.Conflict, "backup-not-here")).Detail());
            return;
        }
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal("SQLite format 3\0", Encoding.ASCII.GetString(bytes, 0, 16));
        Assert.Empty(Directory.GetFiles(server.DataDirectory, "backup-*"));
        Assert.Single((await server.Admin.GetFromJsonAsync<EventView[]>("/api/admin/events?eventId=5072"))!);
        using var anonymous = server.NewClient(null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/api/admin/backup", null)).StatusCode);
    }

    [Fact]
    public async Task A_second_server_cannot_start_on_a_data_directory_in_use()
    {
        await using var server = await TestLicenseServer.StartAsync();

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => TestLicenseServer.StartAsync(dataDirectory: server.DataDirectory, authority: server.Authority));

        Assert.Contains("is in use", e.Message);
    }
}
