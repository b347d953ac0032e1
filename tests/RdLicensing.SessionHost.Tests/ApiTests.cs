using System.Net;
using System.Net.Http.Json;
using RdLicensing.Core.Protocol;
using RdLicensing.SessionHost.Tests.Support;

namespace RdLicensing.SessionHost.Tests;

/// <summary>The HTTP surfaces: the session host's own, and what the license server shows session hosts.</summary>
public sealed class ApiTests
{
    [Fact]
    public async Task The_session_host_describes_itself_and_answers_errors_with_stable_problem_types()
    {
        await using var s = await Scenario.StartAsync(licenseServers: 0);

        Assert.Equal(HttpStatusCode.OK, (await s.Host.Http.GetAsync("/health")).StatusCode);
        var openApi = await s.Host.Http.GetStringAsync("/openapi/v1.json");
        Assert.Contains("/api/connections", openApi);
        Assert.Contains("/api/diagnose", openApi);

        var unknown = await s.Host.Http.GetAsync("/api/nothing-here");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("https://rdlicensing.dev/problems/not-found", await unknown.Content.ReadAsStringAsync());
        var malformed = await s.Host.Http.PostAsync("/api/connections", new StringContent("{nope", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Contains("malformed-request", await malformed.Content.ReadAsStringAsync());
        var shared = await s.Host.Admin.PostAsJsonAsync("/api/clock/advance", new ClockAdvanceBody("1d"));
        Assert.Equal(HttpStatusCode.Conflict, shared.StatusCode); // the clock was handed in: its owner advances it
    }

    [Fact]
    public async Task The_license_server_shows_its_key_and_diagnostics_only_to_enrolled_session_hosts()
    {
        await using var s = await Scenario.StartAsync();
        using var anonymous = s.Server.NewClient(null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/sessionhost/license-server")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await s.Server.Admin.GetAsync("/api/sessionhost/diagnostics")).StatusCode);

        var host = await s.Server.EnrollHostAsync("rdsh-09");
        var info = (await host.GetFromJsonAsync<LicenseServerInfoView>("/api/sessionhost/license-server"))!;
        Assert.Equal(s.Server.ProductId, info.ProductId);
        using var verifier = Core.Cals.CalTokenVerifier.FromSubjectPublicKeyInfo(Convert.FromBase64String(info.PublicKey));
        Assert.Equal(s.Server.ProductId, verifier.ProductId);

        var diagnostics = (await host.GetFromJsonAsync<LicenseServerDiagnosticsView>("/api/sessionhost/diagnostics"))!;
        Assert.Equal("rdsh-09", diagnostics.HostName);
        Assert.Equal("not-activated", diagnostics.Activation.Status);
        Assert.Equal(14, diagnostics.TemporaryCalsExpiring.Days);
    }

    [Fact]
    public async Task A_host_with_its_own_simulated_clock_advances_it_and_keeps_the_offset_across_a_restart()
    {
        var host = await TestSessionHost.StartAsync(clock: null);
        host.KeepDataDirectory = true;
        var advanced = await host.Admin.PostAsJsonAsync("/api/clock/advance", new ClockAdvanceBody("30d"));
        advanced.EnsureSuccessStatusCode();
        Assert.Equal("30d", (await advanced.Content.ReadFromJsonAsync<ClockView>())!.Offset);
        await host.DisposeAsync();

        await using var again = await TestSessionHost.StartAsync(clock: null, dataDirectory: host.Options.DataDirectory);
        again.KeepDataDirectory = false;
        var status = await again.StatusAsync();
        Assert.Equal("simulated", status.Clock.Mode);
        Assert.Equal("30d", status.Clock.Offset);
        Assert.Contains(status.Warnings, w => w.Contains("simulated"));
    }
}
