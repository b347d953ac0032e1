using System.Text.Json;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Versions;
using RdLicensing.SessionHost.Tests.Support;

namespace RdLicensing.SessionHost.Tests;

/// <summary>`rdlic connect`, `rdlic disconnect`, `rdlic diagnose` and `rdlic sessionhost …`, run in-process against real servers.</summary>
public sealed class CliTests : IAsyncLifetime
{
    private readonly string _clientData = Rdlic.TemporaryDirectory("rdl-client-");

    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync()
    {
        if (Directory.Exists(_clientData)) Directory.Delete(_clientData, recursive: true);
        return Task.CompletedTask;
    }

    private Task<CliResult> Connect(Scenario s, string device, params string[] more) =>
        Rdlic.RunAsync(["connect", "--device", device, "--host", s.Host.HostUrl, "--client-data", _clientData, "--user", "alice", .. more]);

    /// <summary>An administrative command against the scenario's host, with its administrator token.</summary>
    private static Task<string> Admin(Scenario s, params string[] args) =>
        Rdlic.OkAsync([.. args, "--host", s.Host.HostUrl, "--sessionhost-token", s.Host.AdminToken]);

    [Fact]
    public async Task Connect_stores_the_CAL_owner_only_and_presents_it_next_time()
    {
        await using var s = await Scenario.StartAsync();
        await s.WithCalsAsync(CalType.PerDevice, ProductVersion.WindowsServer2022, 5);
        await s.Host.UseAsync("per-device", s.Server);
        var file = Path.Combine(_clientData, "pc-70.cal");

        var first = await Connect(s, "pc-70");
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("licensed.", first.Stdout);
        Assert.Contains("RDS Per Device CAL, temporary (not validated)", first.Stdout);
        Assert.Contains("Sign-in", first.Stdout);
        Assert.Contains("The temporary CAL was validated", first.Stdout);
        Assert.Contains("Grace period", first.Stdout);
        Assert.Contains("120 days left", first.Stdout);
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", await File.ReadAllTextAsync(file));
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));

        var second = await Connect(s, "pc-70");
        Assert.Contains("RDS Per Device CAL, active, Windows Server 2022", second.Stdout);
        Assert.Contains("CAL stored", second.Stdout);

        await s.StopAsync(s.Server);
        var offline = await Connect(s, "pc-70");
        Assert.True(offline.ExitCode == 0, offline.ToString());
        Assert.Contains("the session host alone (the CAL the device presented)", offline.Stdout);
        Assert.Contains("CAL presented", offline.Stdout);
    }

    [Fact]
    public async Task A_refusal_is_exit_1_with_the_code_on_one_line()
    {
        await using var s = await Scenario.StartAsync(licenseServers: 0);
        await s.Host.ConfigureAsync(mode: "per-device");
        await Connect(s, "pc-71");
        await s.AdvanceAsync("121d");

        var refused = await Connect(s, "pc-71");

        var line = Rdlic.OneErrorLine(refused, 1);
        Assert.StartsWith("rdlic: refused by rdsh-01: 0x101 NO_LICENSE_SERVER: No Remote Desktop license servers available to provide a license", line);
        Assert.Equal("", refused.Stdout);

        var json = await Connect(s, "pc-71", "--json");
        Assert.Equal(1, json.ExitCode);
        using var document = JsonDocument.Parse(json.Stdout);
        Assert.Equal("0x101", document.RootElement.GetProperty("connection").GetProperty("refusal").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Fail_sign_in_leaves_the_temporary_CAL_unvalidated()
    {
        await using var s = await Scenario.StartAsync();
        await s.WithCalsAsync(CalType.PerDevice, ProductVersion.WindowsServer2022, 5);
        await s.Host.UseAsync("per-device", s.Server);

        await Connect(s, "pc-72", "--fail-sign-in");
        var again = await Connect(s, "pc-72", "--fail-sign-in");

        Assert.Contains("temporary (not validated)", again.Stdout);
        Assert.Contains("not completed (--fail-sign-in)", again.Stdout);
    }

    [Fact]
    public async Task Kept_administrative_sessions_block_a_third_until_disconnected()
    {
        await using var s = await Scenario.StartAsync(licenseServers: 0);
        await s.Host.AdministratorsAsync("alice");
        var first = await Connect(s, "admin-1", "--admin", "--keep", "--json");
        await Connect(s, "admin-2", "--admin", "--keep");
        var id = JsonDocument.Parse(first.Stdout).RootElement.GetProperty("connection").GetProperty("sessionId").GetString()!;

        var third = await Connect(s, "admin-3", "--admin");
        Assert.Contains("ADMIN_CONNECTIONS_IN_USE", Rdlic.OneErrorLine(third, 1));

        var disconnect = await Rdlic.OkAsync("disconnect", id, "--host", s.Host.HostUrl);
        Assert.Contains($"Session {id} of admin-1 ended.", disconnect);
        var fourth = await Connect(s, "admin-3", "--admin");
        Assert.True(fourth.ExitCode == 0, fourth.ToString());
        Assert.Contains("administrative connection (no CAL needed)", fourth.Stdout);
        Assert.Contains("ended (keep it open with --keep)", fourth.Stdout);
    }

    [Fact]
    public async Task Diagnose_prints_problems_first_then_the_information()
    {
        await using var s = await Scenario.StartAsync();
        await s.WithCalsAsync(CalType.PerDevice, ProductVersion.WindowsServer2022, 5);
        await s.Host.UseAsync("per-device", s.Server);
        var healthy = await Admin(s, "diagnose");
        Assert.Contains("did not identify any licensing problems", healthy);
        Assert.Contains("VALID", healthy);

        var url = TestSessionHost.Url(s.Server);
        await s.StopAsync(s.Server);
        var broken = await Admin(s, "diagnose");

        var problem = broken.IndexOf($"1. [error] License server {url} is not available.", StringComparison.Ordinal);
        Assert.True(problem > 0, broken);
        Assert.True(problem < broken.IndexOf("Licensing mode", StringComparison.Ordinal));
        Assert.Contains("   To fix:", broken);
        Assert.Contains("NOT_CONNECTABLE", broken);
        var json = JsonDocument.Parse(await Admin(s, "diagnose", "--json"));
        Assert.Equal("license-server-not-available", json.RootElement.GetProperty("problems")[0].GetProperty("id").GetString());
    }

    [Fact]
    public async Task Sessionhost_commands_configure_enroll_and_report_with_sources()
    {
        await using var s = await Scenario.StartAsync();
        await s.WithCalsAsync(CalType.PerUser, ProductVersion.WindowsServer2022, 5);
        var ls = TestSessionHost.Url(s.Server);

        var enrolledOnServer = await Rdlic.OkAsync("hosts", "enroll", "rdsh-01", "--server", ls, "--token", s.Server.AdminToken);
        var token = enrolledOnServer.Split('\n').Single(l => l.StartsWith("Token: ", StringComparison.Ordinal))["Token: ".Length..].Trim();
        var stored = await Admin(s, "sessionhost", "enroll", "--license-server", ls, "--host-token", token);
        Assert.Contains(s.Server.ProductId, stored);

        var set = await Admin(s, "sessionhost", "config", "set", "--mode", "per-device", "--license-server", ls);
        Assert.Contains("Per Device (local)", set);
        Assert.Contains("Warning: The licensing mode is now Per Device, but license server", set);

        await s.Host.WritePolicyAsync("""{"licensingMode": "per-user"}""");
        var config = await Admin(s, "sessionhost", "config", "get");
        Assert.Contains("Per User (policy)", config);
        Assert.Contains($"{ls} (local)", config);
        Assert.Contains("Windows Server 2022 (default)", config);
        var refused = await Rdlic.RunAsync("sessionhost", "config", "set", "--mode", "per-device", "--host", s.Host.HostUrl, "--sessionhost-token", s.Host.AdminToken);
        Assert.Contains(s.Host.Options.PolicyFilePath, Rdlic.OneErrorLine(refused, 1));

        await Connect(s, "pc-73");
        var status = await Admin(s, "sessionhost", "status");
        Assert.Contains("120 days left", status);
        Assert.Contains("0 of 2 open", status);
        Assert.Contains("Store created", status);
        var events = await Admin(s, "sessionhost", "events");
        Assert.Contains("GracePeriodStarted", events);
    }

    [Fact]
    public async Task Usage_errors_are_exit_2()
    {
        Assert.Equal(2, (await Rdlic.RunAsync("connect", "--device", "../etc/passwd", "--host", "http://127.0.0.1:1")).ExitCode);
        Assert.Equal(2, (await Rdlic.RunAsync("connect")).ExitCode);
        Assert.Equal(2, (await Rdlic.RunAsync("sessionhost", "config", "set", "--mode", "sometimes")).ExitCode);
        Assert.Equal(2, (await Rdlic.RunAsync("sessionhost", "config", "set", "--license-server", "ftp://x", "--host", "http://127.0.0.1:1")).ExitCode);
        Assert.Equal(2, (await Rdlic.RunAsync("sessionhost", "enroll", "--license-server", "http://127.0.0.1:1", "--host-token", "rdla_admin")).ExitCode);
        // The global --token is the license server's administrator token; the host's token has its own option.
        var global = await Rdlic.RunAsync("sessionhost", "enroll", "--license-server", "http://127.0.0.1:1", "--token", "rdlh_x");
        Assert.Contains("--host-token", Rdlic.OneErrorLine(global, 2));
        var unreachable = await Rdlic.RunAsync("diagnose", "--host", "http://127.0.0.1:1");
        Assert.Contains("cannot reach the session host at http://127.0.0.1:1", Rdlic.OneErrorLine(unreachable, 1));
    }
}
