using System.Text.Json;

namespace RdLicensing.Cli.Tests;

/// <summary>
/// `rdlic bench relay` as a behaviour: the direct path to its synthetic desktop moves bytes and reports every field.
/// No timing is asserted. The gateway path needs the relay (issue 12) and is not run here.
/// </summary>
public sealed class RelayBenchTests
{
    [Fact]
    public async Task The_direct_path_streams_the_synthetic_desktop_and_reports_its_figures()
    {
        var result = await Rdlic.RunAsync("bench", "relay", "--direct-only", "--seconds", "1", "--streams", "2", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("", result.Stderr);
        using var report = JsonDocument.Parse(result.Stdout);
        var root = report.RootElement;
        Assert.StartsWith("rdp://127.0.0.1:", root.GetProperty("desktop").GetString());
        Assert.Equal(2, root.GetProperty("streams").GetInt32());
        Assert.Equal(0.8, root.GetProperty("target").GetDouble());
        var direct = root.GetProperty("direct");
        Assert.Equal("direct", direct.GetProperty("path").GetString());
        Assert.Equal(0, direct.GetProperty("failures").GetInt32());
        // Two streams of 16,000-byte updates for a second: far more than the TCP buffers could hold without reading.
        Assert.True(direct.GetProperty("bytes").GetInt64() > 1_000_000, direct.ToString());
        Assert.True(direct.GetProperty("bytesPerSecond").GetDouble() > 0);
        Assert.True(direct.GetProperty("seconds").GetDouble() >= 1);
        Assert.True(direct.GetProperty("cpuSeconds").GetDouble() > 0);
        Assert.True(direct.GetProperty("cpuMsPerMb").GetDouble() > 0);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("gateway").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("ratio").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("sessions").ValueKind);
        var transcoding = root.GetProperty("transcoding");
        Assert.True(transcoding.GetProperty("pdus").GetInt64() > 0, transcoding.ToString());
        Assert.True(transcoding.GetProperty("bytesPerSecond").GetDouble() > 0);
        Assert.True(transcoding.GetProperty("cpuMsPerMb").GetDouble() > 0);
    }

    [Fact]
    public async Task The_human_report_names_the_path_and_its_columns()
    {
        var result = await Rdlic.RunAsync("bench", "relay", "--direct-only", "--seconds", "1", "--streams", "1");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Relay benchmark: a synthetic streaming desktop at rdp://127.0.0.1:", result.Stdout);
        Assert.Contains("CPU ms/MB", result.Stdout);
        Assert.Contains("direct", result.Stdout);
    }

    [Theory]
    [InlineData("rdlic: --streams must be a whole number from 1 to 64", "--streams", "0")]
    [InlineData("rdlic: --seconds must be a whole number from 1 to 600", "--seconds", "forever")]
    [InlineData("rdlic: --sessions must be a whole number from 0 to 1000", "--sessions", "1001")]
    [InlineData("rdlic: --security must be tls or rdp", "--security", "nla")]
    public async Task Wrong_options_are_one_line_and_exit_2(string expected, params string[] args)
    {
        Assert.Equal(expected, Rdlic.OneErrorLine(await Rdlic.RunAsync(["bench", "relay", .. args]), 2));
    }
}
