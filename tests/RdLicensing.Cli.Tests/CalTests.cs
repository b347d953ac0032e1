using System.Net.Http.Json;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using RdLicensing.Testing;

namespace RdLicensing.Cli.Tests;

public sealed class CalTests : IAsyncLifetime
{
    private TestLicenseServer _server = null!;

    public async Task InitializeAsync() => _server = await TestLicenseServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task List_shows_the_cals_hosts_requested_and_filters_them()
    {
        var host = await _server.EnrollHostAsync();
        await RequestAsync(host, new CalRequestBody("per-device", "2025", "HW-DEVICE-1", "PC-DEVICE-1", null, null));
        await RequestAsync(host, new CalRequestBody("per-user", "2025", null, "PC-USER-1", "alice", null));

        var all = await Rdlic.OkAsync(_server, "cals", "list");
        var perUser = await Rdlic.OkAsync(_server, "cals", "list", "--type", "per-user");
        var temporary = await Rdlic.OkAsync(_server, "cals", "list", "--status", "temporary");
        var overUsed = await Rdlic.OkAsync(_server, "cals", "list", "--overused");

        Assert.Contains("HW-DEVICE-1", all);
        Assert.Contains("alice", all);
        Assert.Contains("Page 1 of 1: 2 of 2 CAL(s).", all);
        Assert.Contains("alice", perUser);
        Assert.DoesNotContain("HW-DEVICE-1", perUser);
        Assert.Contains("HW-DEVICE-1", temporary);
        Assert.Contains("temporary, awaiting sign-in", temporary);
        Assert.DoesNotContain("alice", temporary);
        Assert.Contains("alice", overUsed);
        Assert.Contains("OverUsed", overUsed);
    }

    [Fact]
    public async Task List_pages()
    {
        var host = await _server.EnrollHostAsync();
        for (var i = 1; i <= 3; i++) await RequestAsync(host, new CalRequestBody("per-device", "2025", $"HW-{i}", $"PC-{i}", null, null));

        var first = await Rdlic.OkAsync(_server, "cals", "list", "--page-size", "2");
        var second = await Rdlic.OkAsync(_server, "cals", "list", "--page-size", "2", "--page", "2");

        Assert.Contains("Page 1 of 2: 2 of 3 CAL(s); next: --page 2", first);
        Assert.Contains("Page 2 of 2: 1 of 3 CAL(s).", second);
        Assert.Contains("HW-1", second);
    }

    [Fact]
    public async Task Revoking_an_unknown_cal_is_one_line_exit_1()
    {
        var line = Rdlic.OneErrorLine(await Rdlic.RunAsync(_server, "cals", "revoke", "424242"), 1);

        Assert.Equal("rdlic: There is no issued CAL with id 424242. List them with 'rdlic cals list'.", line);
    }

    [Fact]
    public async Task Revoke_within_the_limit_then_the_limit_prints_the_next_date()
    {
        await _server.ActivateAsync();
        await _server.InstallAsync(ProductVersion.WindowsServer2025, CalType.PerDevice, 5); // 20% of 5: one at a time
        var host = await _server.EnrollHostAsync();
        var first = await PermanentCalAsync(host, "HW-A");
        var second = await PermanentCalAsync(host, "HW-B");

        var revoked = await Rdlic.OkAsync(_server, "cals", "revoke", first.ToString());
        var refused = await Rdlic.RunAsync(_server, "cals", "revoke", second.ToString());
        var revocable = await Rdlic.OkAsync(_server, "cals", "revocable");

        Assert.StartsWith($"Revoked the Windows Server 2025 Per Device CAL {first} of PC-HW-A (hardware id HW-A); its license is back in the pool. 0 more", revoked);
        var allowance = (await _server.Admin.GetFromJsonAsync<List<RevocationView>>("/api/admin/revocation?version=2025"))!.Single();
        var next = allowance.NextPossibleAt!.Value.UtcDateTime.ToString("yyyy-MM-dd HH:mm");
        Assert.Contains(next, revoked);
        var line = Rdlic.OneErrorLine(refused, 1);
        Assert.Contains("revocation limit", line);
        Assert.Contains($"the next revocation is possible on {next} UTC", line);
        Assert.Matches(@"Windows Server 2025\s*│\s*5\s*│\s*1\s*│\s*1\s*│\s*0\s*│", revocable);
    }

    [Fact]
    public async Task Revoking_a_temporary_cal_prints_why_not()
    {
        var host = await _server.EnrollHostAsync();
        var cal = await RequestAsync(host, new CalRequestBody("per-device", "2025", "HW-T", "PC-T", null, null));

        var line = Rdlic.OneErrorLine(await Rdlic.RunAsync(_server, "cals", "revoke", cal.Cal!.Id.ToString()), 1);

        Assert.Equal("rdlic: Temporary CALs cannot be revoked; only permanent Per Device CALs can.", line);
    }

    private static async Task<long> PermanentCalAsync(HttpClient host, string hardwareId)
    {
        var request = new CalRequestBody("per-device", "2025", hardwareId, "PC-" + hardwareId, null, null);
        await RequestAsync(host, request);
        (await host.PostAsJsonAsync("/api/sessionhost/cals/sign-in", new SignInBody(hardwareId))).EnsureSuccessStatusCode();
        var permanent = await RequestAsync(host, request);
        Assert.Equal("permanent-issued", permanent.Outcome);
        return permanent.Cal!.Id;
    }

    private static async Task<CalResponseBody> RequestAsync(HttpClient host, CalRequestBody body)
    {
        var response = await host.PostAsJsonAsync("/api/sessionhost/cals", body);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<CalResponseBody>())!;
    }
}
