using RdLicensing.Core.Cals;
using RdLicensing.Core.Identity;
using RdLicensing.Core.Versions;

namespace RdLicensing.Core.Tests;

/// <summary>A token's recorded digest names those bytes under that key only: another key, or one byte changed, gives another.</summary>
public sealed class CalTokenDigestTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_digest_of_a_token_differs_under_another_key_and_for_any_changed_byte()
    {
        using var first = LicenseServerIdentity.Create();
        using var second = LicenseServerIdentity.Create();
        var firstTokens = new CalTokenService(first);
        var secondTokens = new CalTokenService(second);
        var token = firstTokens.Issue(new CalTokenContent(7, first.ProductId, CalType.PerDevice, ProductVersion.WindowsServer2022, false, "hw-7", "PC-7", T0, T0.AddDays(60)));

        var digest = firstTokens.Digest(token);
        Assert.Equal(digest, firstTokens.Digest(token.ToArray()));      // the same bytes, the same key: the same digest
        Assert.True(digest.Matches(digest.ToArray()));                   // and matches its stored form
        Assert.NotEqual(digest, secondTokens.Digest(token));             // a rotation: no digest of the former key matches
        for (var i = 0; i < token.Length; i += 7)
        {
            var changed = token.ToArray();
            changed[i] ^= 0x01;
            Assert.False(digest.Matches(firstTokens.Digest(changed).ToArray()), $"changing byte {i} kept the digest");
        }
        Assert.False(digest.Matches(null));
        Assert.False(digest.Matches(new byte[31]));
        Assert.False(digest.Matches(new byte[33]));
    }
}
