using System.Net.Http.Json;
using RdLicensing.Core.Protocol;
using RdLicensing.SessionHost.Tests.Support;

namespace RdLicensing.SessionHost.Tests;

/// <summary>policy.json through a reloading configuration source: an edit applies at the next decision; a malformed edit keeps the last good policy.</summary>
public sealed class PolicyReloadTests
{
    private const int PolicyFileProblem = 5042;

    [Fact]
    public async Task An_edit_applies_at_the_next_decision_and_a_malformed_edit_keeps_the_last_good_policy_with_one_event()
    {
        await using var s = await Scenario.StartAsync(licenseServers: 0);
        await s.Host.WritePolicyAsync("""{"licensingMode": "per-device"}""");
        Assert.Equal("per-device", (await s.Host.ConnectAsync("pc-1")).Mode);

        await s.Host.WritePolicyAsync("""{"licensingMode": "per-user"}"""); // no restart
        Assert.Equal("per-user", (await s.Host.ConnectAsync("pc-2")).Mode);

        await s.Host.WritePolicyAsync("""{"licensingMode": "per-device", """); // an edit saved half-way
        Assert.Equal("per-user", (await s.Host.ConnectAsync("pc-3")).Mode); // the last good policy, not the local default
        Assert.Equal("per-user", (await s.Host.ConnectAsync("pc-4")).Mode);
        var config = (await s.Host.Admin.GetFromJsonAsync<SessionHostConfigView>("/api/config"))!;
        Assert.Equal(new ConfiguredValue("per-user", "policy"), config.Mode);
        var problem = Assert.Single(config.PolicyProblems);
        Assert.Contains("the last good policy stays in force until the file is corrected", problem);
        Assert.Contains(s.Host.Options.PolicyFilePath, problem);
        var events = (await s.Host.EventsAsync()).Where(e => e.EventId == PolicyFileProblem).ToList();
        Assert.Equal(problem, Assert.Single(events).Message); // one event for the bad edit, not one per decision

        await s.Host.WritePolicyAsync("""{"licensingMode": "per-device"}"""); // corrected
        Assert.Equal("per-device", (await s.Host.ConnectAsync("pc-5")).Mode);
        Assert.Empty((await s.Host.Admin.GetFromJsonAsync<SessionHostConfigView>("/api/config"))!.PolicyProblems);

        File.Delete(s.Host.Options.PolicyFilePath); // removed: local settings and defaults again
        Assert.Equal("not-configured", (await s.Host.ConnectAsync("pc-6")).Mode);
    }

    [Fact]
    public async Task A_malformed_file_at_start_is_reported_and_ignored()
    {
        await using var s = await Scenario.StartAsync(licenseServers: 0);
        await s.Host.WritePolicyAsync("not json at all");
        var config = (await s.Host.Admin.GetFromJsonAsync<SessionHostConfigView>("/api/config"))!;
        Assert.Equal("default", config.Mode.Source);
        Assert.Contains("cannot be read and is ignored", Assert.Single(config.PolicyProblems));
    }
}
