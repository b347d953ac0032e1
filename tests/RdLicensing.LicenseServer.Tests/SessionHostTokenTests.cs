using System.Net.Http.Json;
using RdLicensing.Core.Protocol;
using RdLicensing.Testing;

namespace RdLicensing.LicenseServer.Tests;

/// <summary>Issue 11, item 2: a session host token reads what the diagnoser needs, never the License Server ID.</summary>
public sealed class SessionHostTokenTests
{
    [Fact]
    public async Task A_host_token_reads_the_activation_status_but_not_the_license_server_id()
    {
        await using var server = await TestLicenseServer.StartAsync();
        await server.ActivateAsync();
        var host = await server.EnrollHostAsync("rdsh-07");
        var licenseServerId = (await server.Admin.GetFromJsonAsync<StatusView>("/api/admin/status"))!.Activation.LicenseServerId!;

        var diagnosticsText = await host.GetStringAsync("/api/sessionhost/diagnostics");
        var infoText = await host.GetStringAsync("/api/sessionhost/license-server");

        Assert.DoesNotContain(licenseServerId, diagnosticsText);
        Assert.DoesNotContain(licenseServerId.Replace("-", ""), diagnosticsText);
        Assert.DoesNotContain(licenseServerId, infoText);
        // What the diagnoser shows is still there: the status and when it expires.
        var diagnostics = (await host.GetFromJsonAsync<LicenseServerDiagnosticsView>("/api/sessionhost/diagnostics"))!;
        Assert.Equal("activated", diagnostics.Activation.Status);
        Assert.NotNull(diagnostics.Activation.ExpiresAt);
        Assert.Null(diagnostics.Activation.LicenseServerId);
        // Positive control: an administrator still reads it.
        Assert.False(string.IsNullOrEmpty(licenseServerId));
    }
}
