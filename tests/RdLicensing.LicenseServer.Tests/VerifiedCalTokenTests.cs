using RdLicensing.Core.Cals;
using RdLicensing.Core.Identity;
using RdLicensing.Core.Versions;
using RdLicensing.LicenseServer.Licensing;
using RdLicensing.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace RdLicensing.LicenseServer.Tests;

/// <summary>
/// The cache of verified CAL tokens saves the signature check of a CAL presented again, and nothing else: what the CAL row
/// says (revoked) and which key signed it still decide, as an attacker replaying a cached token would find.
/// </summary>
public sealed class VerifiedCalTokenTests
{
    private static Task<long> PermanentCalAsync(HostClient host, string hw) => RevocationTests.PermanentCalAsync(host, hw);

    [Fact]
    public async Task A_revoked_cal_whose_token_is_cached_is_refused_while_another_cached_cal_stays_valid()
    {
        await using var server = await TestLicenseServer.StartAsync();
        await server.ActivateAsync();
        await server.InstallAsync(ProductVersion.WindowsServer2022, CalType.PerDevice, 10);
        var host = new HostClient(await server.EnrollHostAsync());
        var revokedId = await PermanentCalAsync(host, "hw-revoked");
        await PermanentCalAsync(host, "hw-kept");
        var revokedToken = host.StoredLicense("hw-revoked")!;
        var keptToken = host.StoredLicense("hw-kept")!;
        var cache = server.Services.GetRequiredService<VerifiedCalTokens>();

        // Both tokens presented twice: the second presentation of each is answered from the cache.
        foreach (var hw in new[] { "hw-revoked", "hw-kept", "hw-revoked", "hw-kept" })
            Assert.Equal("valid", (await host.ConnectDeviceAsync(hw)).Outcome);
        Assert.True(cache.Statistics.Hits >= 2, $"the second presentations were not answered from the cache ({cache.Statistics})");

        (await server.Admin.PostAsync($"/api/admin/cals/{revokedId}/revoke", null)).EnsureSuccessStatusCode();
        var hitsBefore = cache.Statistics.Hits;

        var replayed = await host.ConnectDeviceAsync("hw-revoked", presented: revokedToken);
        var kept = await host.ConnectDeviceAsync("hw-kept", presented: keptToken);

        Assert.True(cache.Statistics.Hits >= hitsBefore + 2, "the replayed tokens did not come from the cache");
        Assert.NotEqual("valid", replayed.Outcome);
        Assert.Equal("temporary-issued", replayed.Outcome);
        Assert.NotEqual(revokedId, replayed.Cal!.Id);
        Assert.Equal("valid", kept.Outcome);
    }

    [Fact]
    public async Task A_cal_token_of_another_server_is_refused_every_time_it_is_presented()
    {
        await using var other = await TestLicenseServer.StartAsync();
        await other.ActivateAsync();
        await other.InstallAsync(ProductVersion.WindowsServer2022, CalType.PerDevice, 5);
        var otherHost = new HostClient(await other.EnrollHostAsync());
        await PermanentCalAsync(otherHost, "hw-1");
        var foreign = otherHost.StoredLicense("hw-1")!;
        Assert.Equal("valid", (await otherHost.ConnectDeviceAsync("hw-1")).Outcome); // positive control: valid where it was issued

        await using var server = await TestLicenseServer.StartAsync();
        await server.ActivateAsync();
        await server.InstallAsync(ProductVersion.WindowsServer2022, CalType.PerDevice, 5);
        var host = new HostClient(await server.EnrollHostAsync());

        for (var i = 0; i < 3; i++)
        {
            var answer = await host.ConnectDeviceAsync("hw-1", presented: foreign);
            Assert.NotNull(answer.PresentedLicenseProblem);
            Assert.NotEqual("valid", answer.Outcome);
        }
        Assert.Equal(0, server.Services.GetRequiredService<VerifiedCalTokens>().Statistics.Hits);
    }

    [Fact]
    public void A_token_cached_for_one_key_is_verified_again_after_the_key_changes()
    {
        using var first = LicenseServerIdentity.Create();
        using var second = LicenseServerIdentity.Create();
        var firstTokens = new CalTokenService(first);
        var secondTokens = new CalTokenService(second);
        var now = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        var token = firstTokens.Issue(new CalTokenContent(7, first.ProductId, CalType.PerDevice, ProductVersion.WindowsServer2022, false, "hw-7", "PC-7",
            now, now.AddDays(60)));
        var cache = new VerifiedCalTokens(capacity: 4);

        Assert.Equal(7, cache.Verify(firstTokens, token).CalId);
        Assert.Equal(7, cache.Verify(firstTokens, token).CalId);
        Assert.Equal((1L, 1L), cache.Statistics);

        // After a rotation the cached verification counts for nothing: the new key refuses the old key's token.
        Assert.Throws<CalTokenException>(() => cache.Verify(secondTokens, token));
        Assert.Throws<CalTokenException>(() => cache.Verify(secondTokens, token));
        Assert.Equal(1, cache.Statistics.Hits);
    }

    [Fact]
    public void The_cache_stays_within_its_capacity_and_keeps_the_recent_tokens()
    {
        using var identity = LicenseServerIdentity.Create();
        var tokens = new CalTokenService(identity);
        var now = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        var issued = Enumerable.Range(1, 10).Select(i => tokens.Issue(new CalTokenContent(i, identity.ProductId, CalType.PerDevice,
            ProductVersion.WindowsServer2022, false, $"hw-{i}", $"PC-{i}", now, now.AddDays(60)))).ToList();
        var cache = new VerifiedCalTokens(capacity: 4);

        foreach (var token in issued) cache.Verify(tokens, token);
        Assert.Equal(10, cache.Statistics.Misses);
        cache.Verify(tokens, issued[^1]);
        Assert.Equal(1, cache.Statistics.Hits); // the latest is kept
        cache.Verify(tokens, issued[0]);
        Assert.Equal(11, cache.Statistics.Misses); // the oldest was dropped: checked again
    }
}
