using System.Net.Http.Json;
using System.Text.Json;
using RdLicensing.Core.Protocol;
using RdLicensing.Rdp.Client;
using RdLicensing.Rdp.Connection;

namespace RdLicensing.Cli.Tests;

public sealed class UpCommandTests
{
    [Fact]
    public async Task Up_runs_the_clearinghouse_and_the_license_server_until_cancelled_and_other_commands_find_them_through_the_data_directory()
    {
        var data = Path.Combine(Path.GetTempPath(), "rdl-up-" + Guid.NewGuid().ToString("N")[..8]);
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        using var stop = new CancellationTokenSource();
        try
        {
            var output = TextWriter.Synchronized(stdout);
            // The synchronized writer locks itself while rdlic writes: read what it wrote under the same lock.
            string Printed() { lock (output) return stdout.ToString(); }
            var up = RdlicApp.RunAsync(["up", "--port", "0", "--data", data, "--clock", "simulated"],
                output, TextWriter.Synchronized(stderr), stop.Token);
            for (var waited = 0; !Printed().Contains("Press Ctrl+C to stop.") && !up.IsCompleted; waited += 20)
            {
                Assert.True(waited < 30_000, "rdlic up did not finish its banner");
                await Task.Delay(20);
            }
            Assert.False(up.IsCompleted, $"rdlic up ended early: {Printed()}{stderr}");
            using var written = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(data, "rdlic.json")));
            var server = written.RootElement.GetProperty("server").GetString()!;
            var clearinghouse = written.RootElement.GetProperty("clearinghouse").GetString()!;
            Assert.Matches(@"^http://127\.0\.0\.1:\d+$", server);
            Assert.Matches(@"^http://127\.0\.0\.1:\d+$", clearinghouse);
            var sessionHost = written.RootElement.GetProperty("sessionhost").GetString()!;
            Assert.Equal(3, new[] { server, clearinghouse, sessionHost }.Distinct().Count());
            Assert.Matches(@"^http://127\.0\.0\.1:\d+$", sessionHost);

            // The session host's RDP endpoint, on the free port the banner prints, answers a whole licensing exchange.
            var rdpPort = int.Parse(Regex(@"RDP endpoint\s+127\.0\.0\.1:(\d+)", Printed()));
            var exchange = await new RdpLicensingClient(new RdpClientOptions { Port = rdpPort, ClientHostname = "kiosk-up" }).ConnectAsync();
            Assert.Equal(RdpLicensingOutcome.ValidClient, exchange.Outcome); // no licensing mode yet: the grace period lets it in
            Assert.True(exchange.ActivationCompleted);

            var status = await Rdlic.RunAsync("server", "status", "--data", data);

            Assert.True(status.ExitCode == 0, status.ToString());
            Assert.Contains("SIMULATED", status.Stdout);
            Assert.Contains("RdLicensing Clearinghouse", status.Stdout); // trusts the clearinghouse `up` started, with no manual step
            var codes = await Rdlic.RunAsync("clearinghouse", "codes", "issue", "--version", "2022", "--type", "per-device", "--count", "5", "--data", data);
            Assert.True(codes.ExitCode == 0, codes.ToString());

            // One clock for both: after moving the license server's clock, the clearinghouse signs at the moved time.
            Assert.Equal(0, (await Rdlic.RunAsync("clock", "advance", "100d", "--data", data)).ExitCode);
            using var http = new HttpClient { BaseAddress = new Uri(clearinghouse) };
            var identity = SignedClearinghouseCalls.NewIdentity();
            var activation = await http.PostSignedAsync("/api/activations",
                new ActivationRequestBody(identity.ProductId, "automatic", new CompanyInformation("A", "B", "C", "Canada")), identity);
            var issuedAt = JsonDocument.Parse(await activation.Content.ReadAsStringAsync()).RootElement.GetProperty("issuedAt").GetDateTimeOffset();
            Assert.True(issuedAt > DateTimeOffset.UtcNow.AddDays(99), $"the clearinghouse signed at {issuedAt:O}, not on the simulated clock");

            stop.Cancel();
            Assert.Equal(0, await up.WaitAsync(TimeSpan.FromSeconds(30)));
            var banner = stdout.ToString();
            var productId = Regex(@"Product ID\s+(\d{5}(-\d{5}){3})", banner);
            Assert.Contains(productId, status.Stdout);
            // The per-user file (this test run's own, see UserConfigIsolation) records the data directory, owner-only.
            var userFile = Environment.GetEnvironmentVariable("RDLIC_CLI_CONFIG")!;
            Assert.Equal(Path.GetFullPath(data), JsonDocument.Parse(await File.ReadAllTextAsync(userFile)).RootElement.GetProperty("data").GetString());
            if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(userFile));
            Assert.Contains($"Console           {server}/console (the Licensing Manager", banner);
            Assert.Contains($"OpenAPI           {server}/openapi/v1.json", banner);
            Assert.Contains($"Health            {server}/health", banner);
            Assert.Contains(Path.Combine(data, "license-server", "admin.token"), banner);
            Assert.DoesNotContain((await File.ReadAllTextAsync(Path.Combine(data, "license-server", "admin.token"))).Trim(), banner);
            Assert.Contains($"Web activation    {clearinghouse}/activate", banner);
            Assert.Contains($"Web install       {clearinghouse}/install", banner);
            Assert.Contains($"Operator console  {clearinghouse}/operator", banner);
            Assert.Contains(Path.Combine(data, "clearinghouse", "admin.token"), banner);
            Assert.DoesNotContain((await File.ReadAllTextAsync(Path.Combine(data, "clearinghouse", "admin.token"))).Trim(), banner);
            Assert.Contains($"Session host      {sessionHost} (name rdsh-01, enrolled with the license server)", banner);
            Assert.Contains(Path.Combine(data, "sessionhost", "admin.token"), banner);
            Assert.DoesNotContain((await File.ReadAllTextAsync(Path.Combine(data, "sessionhost", "admin.token"))).Trim(), banner);
            Assert.Contains("WARNING: the clock is SIMULATED", banner);
            Assert.Contains("Press Ctrl+C to stop.", banner);
            Assert.EndsWith("The license server, the clearinghouse and the session host stopped.\n", banner);
            Assert.Equal("", stderr.ToString());
        }
        finally
        {
            stop.Cancel();
            if (Directory.Exists(data)) Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task Up_with_free_ports_restarted_leaves_the_session_host_only_the_license_servers_current_address()
    {
        var data = Path.Combine(Path.GetTempPath(), "rdl-up-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var addresses = new List<string>();
            for (var start = 0; start < 3; start++)
            {
                var stdout = new StringWriter();
                var output = TextWriter.Synchronized(stdout);
                string Printed() { lock (output) return stdout.ToString(); }
                using var stop = new CancellationTokenSource();
                var up = RdlicApp.RunAsync(["up", "--port", "0", "--data", data], output, TextWriter.Synchronized(new StringWriter()), stop.Token);
                for (var waited = 0; !Printed().Contains("Press Ctrl+C to stop.") && !up.IsCompleted; waited += 20)
                {
                    Assert.True(waited < 30_000, "rdlic up did not finish its banner");
                    await Task.Delay(20);
                }
                Assert.False(up.IsCompleted, $"rdlic up ended early: {Printed()}");
                using (var written = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(data, "rdlic.json"))))
                    addresses.Add(written.RootElement.GetProperty("server").GetString()!);

                var config = await Rdlic.RunAsync("sessionhost", "config", "get", "--json", "--data", data);
                Assert.True(config.ExitCode == 0, config.ToString());
                using var json = JsonDocument.Parse(config.Stdout);
                var servers = json.RootElement.GetProperty("licenseServers").GetProperty("value").EnumerateArray().Select(e => e.GetString()).ToList();
                // Only the address the license server has now: the ones of earlier starts would be dead entries.
                Assert.Equal([addresses[^1]], servers);

                stop.Cancel();
                Assert.Equal(0, await up.WaitAsync(TimeSpan.FromSeconds(30)));
            }
            Assert.Equal(3, addresses.Distinct().Count()); // the ports did change between starts
        }
        finally
        {
            if (Directory.Exists(data)) Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task Up_on_a_port_in_use_says_so_and_suggests_port()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        var data = Path.Combine(Path.GetTempPath(), "rdl-busy-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var result = await Rdlic.RunAsync("up", "--port", port.ToString(), "--clearinghouse-port", "0", "--sessionhost-port", "0", "--data", data);

            var line = Rdlic.OneErrorLine(result, 1);
            Assert.Contains($"http://127.0.0.1:{port} is already in use", line);
            Assert.Contains("--port", line);
        }
        finally
        {
            RdLicensing.Storage.Sqlite.SqliteDialect.ClearPools();
            if (Directory.Exists(data)) Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task Server_run_prints_where_it_listens_and_stops_on_cancel()
    {
        var data = Path.Combine(Path.GetTempPath(), "rdl-run-" + Guid.NewGuid().ToString("N")[..8]);
        var stdout = new StringWriter();
        using var stop = new CancellationTokenSource();
        try
        {
            var output = TextWriter.Synchronized(stdout);
            string Printed() { lock (output) return stdout.ToString(); }
            var run = RdlicApp.RunAsync(["server", "run", "--data-dir", data, "--urls", "http://127.0.0.1:0", "--version", "2022"],
                output, TextWriter.Null, stop.Token);
            for (var waited = 0; !Printed().Contains("Press Ctrl+C to stop.") && !run.IsCompleted; waited += 20)
            {
                Assert.True(waited < 30_000, "rdlic server run did not start");
                await Task.Delay(20);
            }
            stop.Cancel();

            Assert.Equal(0, await run.WaitAsync(TimeSpan.FromSeconds(30)));
            var banner = stdout.ToString();
            var server = Regex(@"Server\s+(http://127\.0\.0\.1:\d+)", banner);
            Assert.Contains("Version           Windows Server 2022", banner);
            Assert.Contains("Clock             real", banner);
            Assert.DoesNotContain("SIMULATED", banner);
            Assert.True(File.Exists(Path.Combine(data, "admin.token")));
            Assert.False(File.Exists(Path.Combine(data, "rdlic.json")), "only `up` records the server address");
            Assert.NotEmpty(server);
        }
        finally
        {
            stop.Cancel();
            if (Directory.Exists(data)) Directory.Delete(data, recursive: true);
        }
    }

    private static string Regex(string pattern, string text)
    {
        var match = System.Text.RegularExpressions.Regex.Match(text, pattern);
        Assert.True(match.Success, $"'{pattern}' not found in:\n{text}");
        return match.Groups[1].Value;
    }
}
