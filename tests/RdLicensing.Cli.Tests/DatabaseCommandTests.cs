using System.Net.Http.Json;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using RdLicensing.Testing;

namespace RdLicensing.Cli.Tests;

/// <summary>rebuild-database, backup and restore (on the same server and on another identity).</summary>
public sealed class DatabaseCommandTests : IDisposable
{
    private readonly TempDirectory _files = new();

    public void Dispose() => _files.Dispose();

    private static async Task<TestLicenseServer> ServerWithPacksAsync(TestKeyAuthority authority, string? dataDirectory = null)
    {
        var server = await TestLicenseServer.StartAsync(dataDirectory: dataDirectory, authority: authority);
        server.KeepDataDirectory = true;
        await server.ActivateAsync();
        await server.InstallAsync(ProductVersion.WindowsServer2022, CalType.PerUser, 10);
        return server;
    }

    private static async Task<CalResponseBody> ConnectUserAsync(HttpClient host, string user)
    {
        var response = await host.PostAsJsonAsync("/api/sessionhost/cals", new CalRequestBody("per-user", "2022", null, "pc", user, null));
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<CalResponseBody>())!;
    }

    [Fact]
    public async Task Rebuild_without_yes_shows_what_would_go_and_deletes_nothing_then_with_yes_deletes()
    {
        using var authority = new TestKeyAuthority();
        await using var server = await ServerWithPacksAsync(authority);
        server.KeepDataDirectory = false;

        var preview = await Rdlic.RunAsync(server, "server", "rebuild-database");
        Assert.Equal(2, preview.ExitCode);
        Assert.Contains("deletes 1 key pack(s) (10 license(s), 0 issued)", preview.Stdout);
        Assert.Contains("rdlic server rebuild-database --yes", preview.Stdout);
        Assert.Single((await server.Admin.GetFromJsonAsync<KeyPackView[]>("/api/admin/keypacks"))!);

        var rebuilt = await Rdlic.OkAsync(server, "server", "rebuild-database", "--yes");

        Assert.StartsWith("Deleted 1 key pack(s) and 0 issued CAL record(s).", rebuilt);
        Assert.Empty((await server.Admin.GetFromJsonAsync<KeyPackView[]>("/api/admin/keypacks"))!);
    }

    [Fact]
    public async Task Restore_on_the_same_server_brings_the_unissued_licenses_back()
    {
        using var authority = new TestKeyAuthority();
        var backup = _files.File("backup.db");
        string data, productId;
        await using (var server = await ServerWithPacksAsync(authority))
        {
            data = server.DataDirectory;
            productId = server.ProductId;
            var host = await server.EnrollHostAsync();
            await ConnectUserAsync(host, "alice");
            var saved = await Rdlic.OkAsync(server, "server", "backup", "--out", backup);
            Assert.Contains($"Saved a backup of license server {productId}", saved);
            if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(backup));
            await Rdlic.OkAsync(server, "server", "rebuild-database", "--yes");

            // While the server runs, its database is in use.
            var refused = Rdlic.OneErrorLine(await Rdlic.RunAsync("server", "restore", "--file", backup, "--data-dir", data), 1);
            Assert.Contains("is in use", refused);
        }

        var restored = await Rdlic.RunAsync("server", "restore", "--file", backup, "--data-dir", data);

        Assert.True(restored.ExitCode == 0, restored.ToString());
        Assert.Contains($"this is license server {productId} again, its unissued licenses back in their key packs", restored.Stdout);
        Assert.Contains("1 key pack(s) installed, 9 license(s) available.", restored.Stdout);
        await using var again = await TestLicenseServer.StartAsync(dataDirectory: data, authority: authority);
        Assert.Equal(productId, again.ProductId);
        var pack = Assert.Single((await again.Admin.GetFromJsonAsync<KeyPackView[]>("/api/admin/keypacks"))!);
        Assert.Equal((10, 1, 9), (pack.Total, pack.Issued, pack.Available));
        Assert.Equal("activated", (await again.Admin.GetFromJsonAsync<StatusView>("/api/admin/status"))!.Activation.Status);
        Assert.Single((await again.Admin.GetFromJsonAsync<EventView[]>("/api/admin/events?eventId=5073"))!);
    }

    [Fact]
    public async Task Restore_into_another_servers_directory_keeps_its_identity_and_removes_the_packs_bound_to_the_backed_up_server()
    {
        using var authority = new TestKeyAuthority();
        var backup = _files.File("backup.db");
        string backedUp;
        await using (var old = await ServerWithPacksAsync(authority))
        {
            backedUp = old.ProductId;
            await ConnectUserAsync(await old.EnrollHostAsync("rdsh-old"), "alice");
            await Rdlic.OkAsync(old, "server", "backup", "--out", backup);
            old.KeepDataDirectory = false;
        }
        string data, productId, token;
        await using (var replacement = await TestLicenseServer.StartAsync(authority: authority))
        {
            replacement.KeepDataDirectory = true;
            (data, productId, token) = (replacement.DataDirectory, replacement.ProductId, replacement.AdminToken);
            await replacement.ActivateAsync();
        }

        var restored = await Rdlic.RunAsync("server", "restore", "--file", backup, "--data-dir", data);

        Assert.True(restored.ExitCode == 0, restored.ToString());
        Assert.Contains($"keeping this server's identity: license server {productId}", restored.Stdout);
        Assert.Contains($"Removed 1 key pack(s) (10 license(s), 1 issued CAL(s)) bound to license server {backedUp}", restored.Stdout);
        Assert.Contains("the clearinghouse must reissue them", restored.Stdout);
        Assert.Contains("0 key pack(s) installed, 0 license(s) available.", restored.Stdout);
        await using var again = await TestLicenseServer.StartAsync(dataDirectory: data, authority: authority);
        Assert.Equal(productId, again.ProductId);
        Assert.Equal(token, again.AdminToken);
        Assert.Empty((await again.Admin.GetFromJsonAsync<KeyPackView[]>("/api/admin/keypacks"))!);
        Assert.Equal("activated", (await again.Admin.GetFromJsonAsync<StatusView>("/api/admin/status"))!.Activation.Status);
        Assert.Contains((await again.Admin.GetFromJsonAsync<SessionHostView[]>("/api/admin/sessionhosts"))!, h => h.Name == "rdsh-old");
        Assert.Single((await again.Admin.GetFromJsonAsync<EventView[]>("/api/admin/events?eventId=92"))!);
    }

    [Fact]
    public async Task Restore_with_keep_identity_makes_the_directory_the_backed_up_server_and_keeps_its_admin_token_working()
    {
        using var authority = new TestKeyAuthority();
        var backup = _files.File("backup.db");
        string backedUp;
        await using (var old = await ServerWithPacksAsync(authority))
        {
            backedUp = old.ProductId;
            await Rdlic.OkAsync(old, "server", "backup", "--out", backup);
            old.KeepDataDirectory = false;
        }
        string data, replaced;
        await using (var other = await TestLicenseServer.StartAsync(authority: authority))
        {
            other.KeepDataDirectory = true;
            (data, replaced) = (other.DataDirectory, other.ProductId);
        }

        var restored = await Rdlic.RunAsync("server", "restore", "--file", backup, "--data-dir", data, "--keep-identity");

        Assert.True(restored.ExitCode == 0, restored.ToString());
        Assert.Contains($"held license server {replaced} before", restored.Stdout);
        Assert.Contains("was added to the restored database", restored.Stdout);
        await using var again = await TestLicenseServer.StartAsync(dataDirectory: data, authority: authority);
        Assert.Equal(backedUp, again.ProductId);
        Assert.Equal(10, Assert.Single((await again.Admin.GetFromJsonAsync<KeyPackView[]>("/api/admin/keypacks"))!).Available);
    }

    [Fact]
    public async Task Restore_into_a_new_directory_without_keep_identity_makes_a_new_unactivated_server_without_the_packs_while_the_original_keeps_working()
    {
        using var authority = new TestKeyAuthority();
        var backup = _files.File("backup.db");
        await using var original = await ServerWithPacksAsync(authority);
        original.KeepDataDirectory = false;
        var host = await original.EnrollHostAsync("rdsh-1");
        await ConnectUserAsync(host, "alice");
        await Rdlic.OkAsync(original, "server", "backup", "--out", backup);
        var data = _files.File("copy");

        var restored = await Rdlic.RunAsync("server", "restore", "--file", backup, "--data-dir", data);

        Assert.True(restored.ExitCode == 0, restored.ToString());
        Assert.Contains("under a NEW identity", restored.Stdout);
        Assert.Contains($"Not restored: 1 key pack(s) (10 license(s)) and 1 issued CAL(s) of license server {original.ProductId}", restored.Stdout);
        Assert.Contains("0 key pack(s) installed, 0 license(s) available.", restored.Stdout);
        await using var copy = await TestLicenseServer.StartAsync(dataDirectory: data, authority: authority);
        Assert.NotEqual(original.ProductId, copy.ProductId);
        Assert.Contains(copy.ProductId, restored.Stdout);
        var status = (await copy.Admin.GetFromJsonAsync<StatusView>("/api/admin/status"))!;
        Assert.NotEqual("activated", status.Activation.Status);
        Assert.Empty((await copy.Admin.GetFromJsonAsync<KeyPackView[]>("/api/admin/keypacks"))!);
        Assert.Equal(0, (await copy.Admin.GetFromJsonAsync<CalPage>("/api/admin/cals"))!.Total);
        // The backup's session hosts and history come over; its licenses do not.
        Assert.Contains((await copy.Admin.GetFromJsonAsync<SessionHostView[]>("/api/admin/sessionhosts"))!, h => h.Name == "rdsh-1");
        Assert.Single((await copy.Admin.GetFromJsonAsync<EventView[]>("/api/admin/events?eventId=92"))!);
        // The original is untouched and keeps licensing.
        Assert.Equal("activated", (await original.Admin.GetFromJsonAsync<StatusView>("/api/admin/status"))!.Activation.Status);
        Assert.True((await ConnectUserAsync(host, "bob")).Licensed);
        Assert.Equal(8, Assert.Single((await original.Admin.GetFromJsonAsync<KeyPackView[]>("/api/admin/keypacks"))!).Available);
    }

    [Fact]
    public async Task Restoring_a_file_that_is_not_a_backup_changes_nothing()
    {
        var data = _files.File("data");
        var notBackup = _files.File("notes.txt");
        await File.WriteAllTextAsync(notBackup, "these are not the droids");

        var line = Rdlic.OneErrorLine(await Rdlic.RunAsync("server", "restore", "--file", notBackup, "--data-dir", data), 1);

        Assert.Contains("is not a license server backup", line);
        Assert.False(File.Exists(Path.Combine(data, "licensing.db")));
    }
}
