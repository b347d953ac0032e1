using Microsoft.Extensions.DependencyInjection;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Versions;
using RdLicensing.LicenseServer.Licensing;
using RdLicensing.Testing;

namespace RdLicensing.LicenseServer.Tests;

/// <summary>
/// After a restart (or on another node) a device presenting the CAL token this server signed for it is known by the digest
/// recorded in its CAL row, without a signature check; a token the row does not record — an older one of the same CAL, one
/// stolen from another device — is checked by its signature as before, and only a valid one is recorded.
/// </summary>
public sealed class TokenDigestPresentTests
{
    [Fact]
    public async Task After_a_restart_a_recorded_token_needs_no_signature_check_and_an_unrecorded_one_is_checked_once_then_recorded()
    {
        var authority = new TestKeyAuthority();
        string data, hostToken;
        long first, second;
        byte[] older;
        string productId;
        var host = default(HostClient);
        await using (var server = await TestLicenseServer.StartAsync(authority: authority))
        {
            server.KeepDataDirectory = true;
            data = server.DataDirectory;
            productId = server.ProductId;
            await server.ActivateAsync();
            await server.InstallAsync(ProductVersion.WindowsServer2022, CalType.PerDevice, 10);
            var http = await server.EnrollHostAsync();
            hostToken = http.DefaultRequestHeaders.Authorization!.Parameter!;
            host = new HostClient(http);
            first = await RevocationTests.PermanentCalAsync(host, "hw-1");
            second = await RevocationTests.PermanentCalAsync(host, "hw-2");
            // Another token of hw-2's CAL, signed by this server's key too (as one the device kept from before a renewal would
            // be): valid, but not the one the row records.
            var cal = (await server.Store.CalAsync(second))!;
            older = new CalTokenService(server.Identity).Issue(new CalTokenContent(second, productId, CalType.PerDevice, cal.Version, false,
                "hw-2", "PC-earlier-name", cal.IssuedAt, cal.ExpiresAt));
            await server.Store.FlushTokenDigestsAsync();
        }

        await using var restarted = await TestLicenseServer.StartAsync(dataDirectory: data, authority: authority);
        var again = new HostClient(restarted.NewClient(hostToken));
        var checks = restarted.Services.GetRequiredService<VerifiedCalTokens>();

        // The token the row records: valid, no new token handed out, no signature checked.
        var recorded = await again.ConnectDeviceAsync("hw-1", presented: host.StoredLicense("hw-1"));
        Assert.Equal("valid", recorded.Outcome);
        Assert.Equal(first, recorded.Cal!.Id);
        Assert.Null(recorded.License);
        Assert.Null(recorded.PresentedLicenseProblem);
        Assert.Equal((0L, 0L), checks.Statistics);
        Assert.Equal(1, checks.StoredMatches);

        // Positive control: a valid token the row does not record is checked by its signature (and still accepted)...
        var unrecorded = await again.ConnectDeviceAsync("hw-2", presented: Convert.ToBase64String(older));
        Assert.Equal("valid", unrecorded.Outcome);
        Assert.Equal(second, unrecorded.Cal!.Id);
        Assert.Null(unrecorded.License);
        Assert.Equal(1, checks.Statistics.Misses);

        // ...then recorded: after the next write, with nothing of this process remembering it, it is known by the row.
        await restarted.Store.FlushTokenDigestsAsync();
        checks.Clear();
        Assert.Equal("valid", (await again.ConnectDeviceAsync("hw-2", presented: Convert.ToBase64String(older))).Outcome);
        Assert.Equal(1, checks.Statistics.Misses);
        Assert.Equal(2, checks.StoredMatches);

        // An attacker presenting hw-1's token for another device: hw-1's row is not that device's, so no digest matches; the
        // signature check finds the token is hw-1's, and the device gets only what its own rows give it.
        var stolen = await again.ConnectDeviceAsync("hw-3", presented: host.StoredLicense("hw-1"));
        Assert.Contains("another device", stolen.PresentedLicenseProblem);
        Assert.NotEqual(first, stolen.Cal!.Id);
        Assert.Equal("temporary-issued", stolen.Outcome);
        Assert.Equal(2, checks.Statistics.Misses);

        // A token altered after signing matches no digest and fails its signature: refused as before, however often presented.
        var altered = Convert.FromBase64String(host.StoredLicense("hw-1")!);
        altered[altered.Length / 2] ^= 0x01;
        for (var i = 0; i < 2; i++)
        {
            var answer = await again.ConnectDeviceAsync("hw-1", presented: Convert.ToBase64String(altered));
            Assert.NotNull(answer.PresentedLicenseProblem);
        }
        Assert.Equal(2, checks.StoredMatches);

        // The administrator sees the same counts at /metrics.
        var metrics = await restarted.NewClient(null).GetStringAsync("/metrics");
        Assert.Contains("rdlicensing_cal_token_checks_total{by=\"recorded-digest\"} 2\n", metrics);
        Assert.Contains($"rdlicensing_cal_token_checks_total{{by=\"signature\"}} {checks.Statistics.Misses}\n", metrics);
    }
}
