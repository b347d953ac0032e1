using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using RdLicensing.Core.Protocol;
using RdLicensing.Testing;

namespace RdLicensing.Cli.Tests;

/// <summary>Clock, session hosts and policies: each test has its own server.</summary>
public sealed class AdministrationTests : IAsyncLifetime
{
    private TestLicenseServer _server = null!;

    public async Task InitializeAsync() => _server = await TestLicenseServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Clock_advance_moves_clock_show()
    {
        var before = (await _server.Admin.GetFromJsonAsync<ClockView>("/api/admin/clock"))!.Now;

        var advanced = await Rdlic.OkAsync(_server, "clock", "advance", "91d");
        var shown = await Rdlic.OkAsync(_server, "clock", "show");

        var expected = before.AddDays(91).UtcDateTime.ToString("yyyy-MM-dd");
        Assert.StartsWith("The simulated clock moved forward by 91d: it is now " + expected, advanced);
        Assert.StartsWith($"Clock: SIMULATED, now {expected}", shown);
        Assert.Contains("(offset 91d from real time)", shown);
    }

    [Fact]
    public async Task Hosts_enroll_prints_a_token_that_works()
    {
        var output = await Rdlic.OkAsync(_server, "hosts", "enroll", "rdsh-07", "--in-group");

        Assert.StartsWith("Enrolled session host rdsh-07 (in the license server security group).", output);
        Assert.Contains("shown only once", output);
        var token = Regex.Match(output, @"^Token: (rdlh_\S+)$", RegexOptions.Multiline).Groups[1].Value;
        using var host = new HttpClient { BaseAddress = _server.BaseAddress };
        host.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await host.PostAsJsonAsync("/api/sessionhost/cals", new CalRequestBody("per-user", "2025", null, "PC-1", "bob", null));
        response.EnsureSuccessStatusCode();
        Assert.True((await response.Content.ReadFromJsonAsync<CalResponseBody>())!.Licensed);
        Assert.Matches(@"rdsh-07\s*│\s*yes\s*│", await Rdlic.OkAsync(_server, "hosts", "list"));
    }

    [Fact]
    public async Task Hosts_group_and_remove()
    {
        await Rdlic.OkAsync(_server, "hosts", "enroll", "rdsh-08");

        Assert.Equal("Added rdsh-08 to the license server security group.\n", await Rdlic.OkAsync(_server, "hosts", "group", "add", "rdsh-08"));
        Assert.Matches(@"rdsh-08\s*│\s*yes\s*│", await Rdlic.OkAsync(_server, "hosts", "list"));
        Assert.Equal("Removed rdsh-08 from the license server security group.\n", await Rdlic.OkAsync(_server, "hosts", "group", "remove", "rdsh-08"));
        Assert.Equal("Removed session host rdsh-08; its token no longer works.\n", await Rdlic.OkAsync(_server, "hosts", "remove", "rdsh-08"));
        Assert.Contains("No session hosts are enrolled", await Rdlic.OkAsync(_server, "hosts", "list"));
        Assert.Equal("rdlic: No session host named rdsh-08 is enrolled. List them with 'rdlic hosts list'.",
            Rdlic.OneErrorLine(await Rdlic.RunAsync(_server, "hosts", "remove", "rdsh-08"), 1));
    }

    [Fact]
    public async Task Policies_set_changes_policies_show()
    {
        Assert.Contains("License server security group: off", await Rdlic.OkAsync(_server, "policies", "show"));

        var set = await Rdlic.OkAsync(_server, "policies", "set", "--security-group", "on", "--prevent-upgrade", "on");
        var shown = await Rdlic.OkAsync(_server, "policies", "show");
        var unchanged = await Rdlic.OkAsync(_server, "policies", "set", "--prevent-upgrade", "off");

        Assert.Equal("Policies set: license server security group on, prevent license upgrade on.\n", set);
        Assert.Contains("License server security group: on", shown);
        Assert.Contains("Prevent license upgrade:       on", shown);
        Assert.Equal("Policies set: license server security group on, prevent license upgrade off.\n", unchanged);
    }

    [Fact]
    public async Task Events_filter_by_level()
    {
        await Rdlic.OkAsync(_server, "clock", "advance", "1d");

        var all = await Rdlic.OkAsync(_server, "events", "--limit", "10");
        var warnings = await Rdlic.OkAsync(_server, "events", "--level", "warning");

        Assert.Contains("ClockAdvanced", all);
        Assert.DoesNotContain("ClockAdvanced", warnings);
    }
}

/// <summary>A server on a real clock refuses to move it; rdlic prints the server's reason.</summary>
public sealed class RealClockTests
{
    [Fact]
    public async Task Advancing_a_real_clock_is_one_line_exit_1()
    {
        await using var server = await TestLicenseServer.StartAsync(clock: RdLicensing.LicenseServer.ClockMode.Real);

        var line = Rdlic.OneErrorLine(await Rdlic.RunAsync(server, "clock", "advance", "1d"), 1);

        Assert.Contains("Only a simulated clock can be advanced", line);
        Assert.StartsWith("Clock: real, now ", await Rdlic.OkAsync(server, "clock", "show"));
    }
}
