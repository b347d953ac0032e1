using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using RdLicensing.Testing;

namespace RdLicensing.LicenseServer.Tests;

/// <summary>Needs Debian's prometheus (installed by the test when missing, as root); skipped only where apt cannot install it.</summary>
public sealed class PrometheusFactAttribute : FactAttribute
{
    public const string Binary = "/usr/bin/prometheus";

    public PrometheusFactAttribute()
    {
        if (!File.Exists(Binary) && !File.Exists("/usr/bin/apt-get"))
            Skip = "needs Prometheus: Debian's prometheus package (apt-get install -y prometheus), and apt-get is not on this machine";
    }
}

/// <summary>A real Prometheus scrapes the license server's /metrics on loopback; its HTTP API answers the server's real figures.</summary>
public sealed class PrometheusScrapeTests
{
    [PrometheusFact]
    public async Task Prometheus_scrapes_pools_requests_overused_and_batch_sizes_as_the_server_reports_them()
    {
        await EnsurePrometheusInstalledAsync();
        await using var server = await TestLicenseServer.StartAsync();
        await server.ActivateAsync();
        await server.InstallAsync(ProductVersion.WindowsServer2025, CalType.PerDevice, 10);
        await server.InstallAsync(ProductVersion.WindowsServer2022, CalType.PerUser, 2);
        var host = new HostClient(await server.EnrollHostAsync(), hostVersion: "2025");
        foreach (var device in new[] { "dev-1", "dev-2" })
        {
            await host.ConnectDeviceAsync(device); // temporary CAL
            await host.SignInAsync(device); // validated by the sign-in
            Assert.Equal("permanent-issued", (await host.ConnectDeviceAsync(device)).Outcome); // upgraded to a permanent one
        }
        foreach (var user in new[] { "alice", "bob", "carol" }) await host.ConnectUserAsync(user, version: "2022"); // carol: OverUsed

        var status = (await server.Admin.GetFromJsonAsync<StatusView>("/api/admin/status"))!; // what `rdlic server status` shows
        var perDevice = status.Pools.Single(p => p.Type == "per-device" && p.Version == "2025");
        Assert.Equal(8, perDevice.Available); // the figures below are not zero by accident

        using var prometheus = await PrometheusProcess.StartAsync(server.BaseAddress);
        Assert.Equal(perDevice.Available, await prometheus.ValueAsync("rdlicensing_licenses_available{version=\"2025\",type=\"per-device\"}", perDevice.Available));
        Assert.Equal(perDevice.Total, await prometheus.ValueAsync("rdlicensing_licenses_installed{version=\"2025\",type=\"per-device\"}", perDevice.Total));
        Assert.Equal(perDevice.Issued, await prometheus.ValueAsync("rdlicensing_licenses_issued{version=\"2025\",type=\"per-device\"}", perDevice.Issued));
        Assert.Equal(status.OverUsedPerUserCals, await prometheus.ValueAsync("rdlicensing_cals_overused{version=\"2022\"}", 1));
        Assert.Equal(7, await prometheus.ValueAsync("sum(rdlicensing_cal_requests_total)", 7));
        Assert.Equal(2, await prometheus.ValueAsync("rdlicensing_cal_requests_total{outcome=\"permanent-issued\",type=\"per-device\"}", 2));
        Assert.Equal(7, await prometheus.ValueAsync("sum(rdlicensing_cal_request_duration_seconds_count)", 7));
        Assert.True(await prometheus.ValueAsync("sum(rdlicensing_store_commit_batch_size_count)", null) >= 7); // every change committed
        Assert.Equal(1, await prometheus.ValueAsync("up{job=\"rdlicensing\"}", 1));
    }

    [Fact]
    public async Task Metrics_answer_loopback_only_and_carry_no_other_servers_figures()
    {
        await using var first = await TestLicenseServer.StartAsync();
        await using var second = await TestLicenseServer.StartAsync();
        await first.InstallAsync(ProductVersion.WindowsServer2025, CalType.PerUser, 5);
        var host = new HostClient(await first.EnrollHostAsync(), hostVersion: "2025");
        await host.ConnectUserAsync("alice");

        var text = await first.NewClient(null).GetStringAsync("/metrics"); // positive control: loopback, no credential
        Assert.Contains("rdlicensing_licenses_available{type=\"per-user\",version=\"2025\"} 4\n", text);
        Assert.Contains("rdlicensing_cal_requests_total{outcome=\"per-user-issued\",type=\"per-user\"} 1\n", text);
        var other = await second.NewClient(null).GetStringAsync("/metrics");
        Assert.DoesNotContain("rdlicensing_cal_requests_total{", other); // the other server in this process asked nothing
        Assert.DoesNotContain("rdlicensing_licenses_available{", other);

        // From another address of this machine (not loopback): refused with a ProblemDetails saying what to do.
        var address = Dns.GetHostAddresses(Dns.GetHostName()).FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork && !IPAddress.IsLoopback(a));
        if (address is null) return; // no other interface on this machine
        await using var wide = await TestLicenseServer.StartAsync(configure: o => o.Urls = "http://0.0.0.0:0");
        using var remote = new HttpClient { BaseAddress = new Uri($"http://{address}:{wide.BaseAddress.Port}") };
        using var response = await remote.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("metrics-loopback-only", await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, (await remote.GetAsync("/health/live")).StatusCode);
    }

    private static async Task EnsurePrometheusInstalledAsync()
    {
        if (File.Exists(PrometheusFactAttribute.Binary)) return;
        var install = Process.Start(new ProcessStartInfo("apt-get", "install -y --no-install-recommends prometheus")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, Environment = { ["DEBIAN_FRONTEND"] = "noninteractive" },
        })!;
        var output = install.StandardOutput.ReadToEndAsync();
        var errors = await install.StandardError.ReadToEndAsync();
        await install.WaitForExitAsync();
        Assert.True(install.ExitCode == 0 && File.Exists(PrometheusFactAttribute.Binary),
            $"apt-get install prometheus failed (exit {install.ExitCode}; run the tests as root): {errors}{await output}");
    }

    /// <summary>Prometheus scraping one target every second, on a free loopback port, with its own storage directory.</summary>
    private sealed class PrometheusProcess : IDisposable
    {
        private readonly Process _process;
        private readonly string _directory;
        private readonly HttpClient _api;
        private readonly System.Text.StringBuilder _log = new();

        private PrometheusProcess(Process process, string directory, int port)
        {
            _process = process;
            _directory = directory;
            _api = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
        }

        public static async Task<PrometheusProcess> StartAsync(Uri target)
        {
            var directory = Directory.CreateTempSubdirectory("rdl-prom-").FullName;
            var config = Path.Combine(directory, "prometheus.yml");
            await File.WriteAllTextAsync(config, $"""
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                scrape_configs:
                  - job_name: rdlicensing
                    metrics_path: /metrics
                    static_configs:
                      - targets: ["127.0.0.1:{target.Port}"]
                """);
            var port = FreePort();
            var process = new Process
            {
                StartInfo = new ProcessStartInfo(PrometheusFactAttribute.Binary,
                    [$"--config.file={config}", $"--storage.tsdb.path={Path.Combine(directory, "data")}", $"--web.listen-address=127.0.0.1:{port}"])
                {
                    RedirectStandardOutput = true, RedirectStandardError = true,
                },
            };
            var started = new PrometheusProcess(process, directory, port);
            process.OutputDataReceived += (_, e) => { lock (started._log) started._log.AppendLine(e.Data); };
            process.ErrorDataReceived += (_, e) => { lock (started._log) started._log.AppendLine(e.Data); };
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            return started;
        }

        /// <summary>
        /// The instant query's value once Prometheus has scraped it (equal to <paramref name="expected"/> when given): Prometheus
        /// scrapes on its own schedule, so this asks again until then, for at most a minute.
        /// </summary>
        public async Task<double> ValueAsync(string query, double? expected)
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            double? last = null;
            string answer = "";
            while (DateTime.UtcNow < deadline)
            {
                Assert.False(_process.HasExited, $"prometheus exited: {Log()}");
                try
                {
                    answer = await _api.GetStringAsync("/api/v1/query?query=" + Uri.EscapeDataString(query));
                    var result = JsonDocument.Parse(answer).RootElement.GetProperty("data").GetProperty("result");
                    if (result.GetArrayLength() == 1)
                    {
                        last = double.Parse(result[0].GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture);
                        if (expected is null || last == expected) return last.Value;
                    }
                }
                catch (HttpRequestException)
                {
                    // Prometheus is still starting.
                }
                await Task.Delay(250);
            }
            Assert.Fail($"Prometheus never answered {query} = {expected} (last {last?.ToString(CultureInfo.InvariantCulture) ?? "none"}; {answer}); its log: {Log()}");
            return 0;
        }

        private string Log()
        {
            lock (_log) return _log.ToString();
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        public void Dispose()
        {
            _api.Dispose();
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
            _process.Dispose();
            try { Directory.Delete(_directory, recursive: true); } catch (IOException) { /* Prometheus's files may linger a moment */ }
        }
    }
}
