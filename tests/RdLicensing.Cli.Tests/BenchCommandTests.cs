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
        var result = await Rdlic.RunAsync("bench", "rdp", "--devices", "5", "--in-flight", "2", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("", result.Stderr);
        using var report = JsonDocument.Parse(result.Stdout);
        Assert.Equal("in-process", report.RootElement.GetProperty("system").GetString());
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
    }

    [Theory]
    [InlineData("rdlic: --in-flight must be whole numbers from 1 to 1024, comma-separated (e.g. 1,16,64), not '0'", "--in-flight", "1,0")]
    [InlineData("rdlic: --devices must be a whole number from 1 to 99999", "--devices", "many")]
    [InlineData("rdlic: --security must be rdp or tls", "--security", "nla")]
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
