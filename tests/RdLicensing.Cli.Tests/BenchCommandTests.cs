using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace RdLicensing.Cli.Tests;

/// <summary>`rdlic bench rdp` as a behaviour: it runs its phases and reports them; no timing is asserted.</summary>
public sealed class BenchCommandTests
{
    [Fact]
    public async Task Bench_rdp_runs_three_phases_against_a_throwaway_system_without_failures()
    {
        var result = await Rdlic.RunAsync("bench", "rdp", "--devices", "5", "--in-flight", "2", "--crowd", "12", "--security", "tls", "--settle", "4s", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("", result.Stderr);
        using var report = JsonDocument.Parse(result.Stdout);
        Assert.Equal("in-process", report.RootElement.GetProperty("system").GetString());
        // Untimed rounds of every phase ran first, for at most --settle, and the report says whether the compiler had settled.
        Assert.Matches(@"^Warm-up: [1-9]\d* untimed rounds of every phase \((16 devices each, [\d.]+ s\) until the runtime's tiered compiler was idle for two rounds|[\d.]+ s, --settle\), and the runtime's tiered compiler was still working)",
            report.RootElement.GetProperty("warmUp").GetString());
        var phases = report.RootElement.GetProperty("phases").EnumerateArray().ToList();
        Assert.Equal(["first-connection", "returning", "valid-permanent"], phases.Select(p => p.GetProperty("phase").GetString()));
        string[] outcomes = ["NewLicense", "UpgradedLicense", "ValidClient"];
        for (var i = 0; i < phases.Count; i++)
        {
            Assert.Equal(2, phases[i].GetProperty("inFlight").GetInt32());
            Assert.Equal(5, phases[i].GetProperty("exchanges").GetInt32());
            Assert.Equal(0, phases[i].GetProperty("failures").GetInt32());
            Assert.Equal(5, phases[i].GetProperty("outcomes").GetProperty(outcomes[i]).GetInt32());
        }
        // The baseline of the same run: bare connections (TCP + X.224 + TLS) at the same concurrency, and each phase's ratio to it.
        var bare = Assert.Single(report.RootElement.GetProperty("bare").EnumerateArray());
        Assert.Equal("bare-connection", bare.GetProperty("phase").GetString());
        Assert.Equal(5, bare.GetProperty("outcomes").GetProperty("Connected").GetInt32());
        Assert.True(bare.GetProperty("exchangesPerSecond").GetDouble() > 0);
        var ratios = report.RootElement.GetProperty("ratios").EnumerateArray().ToList();
        Assert.Equal(["first-connection", "returning", "valid-permanent"], ratios.Select(r => r.GetProperty("phase").GetString()));
        Assert.All(ratios, r => Assert.True(r.GetProperty("ratio").GetDouble() > 0));
        // N new devices at once, every one licensed.
        var crowd = report.RootElement.GetProperty("crowd");
        Assert.Equal(12, crowd.GetProperty("inFlight").GetInt32());
        Assert.Equal(0, crowd.GetProperty("failures").GetInt32());
        Assert.Equal(12, crowd.GetProperty("outcomes").GetProperty("NewLicense").GetInt32());
        // The private RSA operation against OpenSSL directly, same key.
        var rsa = report.RootElement.GetProperty("rsa");
        Assert.Equal(2048, rsa.GetProperty("bits").GetInt32());
        Assert.Contains("OpenSSL", rsa.GetProperty("implementation").GetString());
        Assert.True(rsa.GetProperty("oursMs").GetDouble() > 0 && rsa.GetProperty("openSslMs").GetDouble() > 0);
    }

    [Theory]
    [InlineData("rdlic: --in-flight must be whole numbers from 1 to 1024, comma-separated (e.g. 1,16,64), not '0'", "--in-flight", "1,0")]
    [InlineData("rdlic: --devices must be a whole number from 1 to 99999", "--devices", "many")]
    [InlineData("rdlic: --crowd must be a whole number from 0 to 5000", "--crowd", "5001")]
    [InlineData("rdlic: --security must be rdp or tls", "--security", "nla")]
    [InlineData("rdlic: --settle must be a duration like 20s, 2m or 1m30s (at most 1h, or 0s for none), not '2h'", "--settle", "2h")]
    [InlineData("rdlic: --endpoint must be HOST:PORT with a port from 1 to 65535, e.g. 127.0.0.1:3389", "--endpoint", "localhost")]
    public async Task Wrong_options_are_one_line_and_exit_2(string expected, params string[] args)
    {
        Assert.Equal(expected, Rdlic.OneErrorLine(await Rdlic.RunAsync(["bench", "rdp", .. args]), 2));
    }

    [Fact]
    public async Task An_endpoint_nobody_listens_at_is_one_line_and_exit_1()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var line = Rdlic.OneErrorLine(await Rdlic.RunAsync("bench", "rdp", "--endpoint", $"127.0.0.1:{port}"), 1);

        Assert.StartsWith($"rdlic: cannot reach the RDP endpoint at 127.0.0.1:{port} (", line);
    }
}
