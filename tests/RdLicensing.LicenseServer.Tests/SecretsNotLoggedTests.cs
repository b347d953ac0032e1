using System.Net;
using System.Net.Http.Json;
using Npgsql;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using RdLicensing.Testing;

namespace RdLicensing.LicenseServer.Tests;

/// <summary>Whatever the log level, no log line carries a credential, the server's private key or a database password.</summary>
public sealed class SecretsNotLoggedTests
{
    [Fact]
    public async Task A_whole_licensing_day_logged_at_trace_level_carries_no_secret()
    {
        var logs = new CapturedLogs();
        // On PostgreSQL (when a test cluster is there) the connection string carries a password; the cluster trusts local
        // connections, so it is accepted without being checked.
        string? database = null, databasePassword = null;
        if (ThrowawayPostgres.Available)
        {
            databasePassword = "pg-secret-" + Guid.NewGuid().ToString("N");
            database = new NpgsqlConnectionStringBuilder(await ThrowawayPostgres.CreateDatabaseAsync()) { Password = databasePassword }.ConnectionString;
        }
        var secrets = new List<string>();
        try
        {
            await using (var server = await TestLicenseServer.StartAsync(version: ProductVersion.WindowsServer2022, logging: logs.AddTo,
                             configure: o => { if (database is not null) o.Database = database; }))
            {
                secrets.Add(server.AdminToken);
                secrets.Add((await server.Store.SettingAsync("identity.pkcs8"))!);
                await server.ActivateAsync();
                await server.InstallAsync(ProductVersion.WindowsServer2022, CalType.PerDevice, 5);
                await server.InstallAsync(ProductVersion.WindowsServer2022, CalType.PerUser, 5);

                var first = await server.EnrollHostAsync("rdsh-01");
                var second = await server.EnrollHostAsync("rdsh-02", inSecurityGroup: true);
                secrets.Add(first.DefaultRequestHeaders.Authorization!.Parameter!);
                secrets.Add(second.DefaultRequestHeaders.Authorization!.Parameter!);
                var host = new HostClient(first);
                await host.ConnectDeviceAsync("hw-1");
                await host.SignInAsync("hw-1");
                await host.ConnectDeviceAsync("hw-1");
                await host.ConnectDeviceAsync("hw-1");
                await new HostClient(second).ConnectUserAsync(@"CONTOSO\ann");

                var wrongTokens = new[] { "rdla_" + Guid.NewGuid().ToString("N"), "rdlh_" + Guid.NewGuid().ToString("N"), "wrong-" + Guid.NewGuid().ToString("N") };
                secrets.AddRange(wrongTokens);
                foreach (var wrong in wrongTokens)
                {
                    using var client = server.NewClient(wrong);
                    Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/admin/status")).StatusCode);
                    Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/api/sessionhost/cals", new CalRequestBody("per-device", "2022", "hw-9", "PC", "bob", null))).StatusCode);
                }

                using var console = new ConsoleSession(server.BaseAddress);
                Assert.Equal(HttpStatusCode.OK, (await console.SignInAsync(wrongTokens[0])).StatusCode);
                Assert.Equal(HttpStatusCode.Redirect, (await console.SignInAsync(server.AdminToken)).StatusCode);
                foreach (var page in new[] { "/console", "/console/keypacks", "/console/cals", "/console/events", "/console/properties" })
                    Assert.Equal(HttpStatusCode.OK, (await console.Http.GetAsync(page)).StatusCode);
            }
        }
        finally
        {
            if (database is not null) await ThrowawayPostgres.DropDatabaseAsync(database);
        }
        if (databasePassword is not null) secrets.Add(databasePassword);

        var lines = logs.Lines.ToList();
        Assert.Contains(lines, l => l.Contains("/api/sessionhost/cals", StringComparison.Ordinal)); // requests were logged at all
        foreach (var secret in secrets)
        {
            // The token without its prefix too, and a stretch of the key, in case a log cuts or wraps them.
            var fragments = new[] { secret, secret.Length > 40 ? secret.Substring(secret.Length / 2 - 10, 20) : secret[^12..] };
            foreach (var fragment in fragments)
            {
                var leak = lines.FirstOrDefault(l => l.Contains(fragment, StringComparison.Ordinal));
                Assert.True(leak is null, $"A log line carries a secret ({fragment[..6]}…): {leak?[..Math.Min(leak.Length, 600)]}");
            }
        }
    }
}
