using RdLicensing.Core.SessionHost;

namespace RdLicensing.Core.Tests;

public sealed class AdministrativeSessionPolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("root", "root", null, true)]
    [InlineData("root", "ROOT", null, true)]
    [InlineData("root", @"CORP\root", null, true)]
    [InlineData("root", "root@corp", null, true)]
    [InlineData(@"CORP\ops", "ops", "corp", true)]
    [InlineData(@"CORP\ops", @"corp\ops", null, true)]
    [InlineData(@"CORP\ops", "ops", null, false)]
    [InlineData(@"CORP\ops", @"EVIL\ops", null, false)]
    [InlineData(@"CORP\ops", "ops@evil", "corp", false)]
    [InlineData("root", "rooted", null, false)]
    [InlineData("root", "", null, false)]
    [InlineData("root", null, null, false)]
    public void Listed_administrators_match_by_name_and_domain(string listed, string? user, string? domain, bool expected) =>
        Assert.Equal(expected, AdministrativeSessionPolicy.IsAdministrator([listed], user, domain));

    [Fact]
    public void A_listed_administrator_gets_one_of_two_sessions_and_a_claimed_non_administrator_is_licensed_as_a_client()
    {
        var first = AdministrativeSessionPolicy.AtConnection(new AdministrativeSnapshot(["root"], "root", []), Now);
        Assert.Equal(1, Assert.IsType<AdministrativeDecision.Granted>(first).Number);
        var second = AdministrativeSessionPolicy.AtConnection(new AdministrativeSnapshot(["root"], "root", [Now.AddMinutes(-1)]), Now);
        Assert.Equal(2, Assert.IsType<AdministrativeDecision.Granted>(second).Number);

        var other = AdministrativeSessionPolicy.AtConnection(new AdministrativeSnapshot(["root"], "mallory", []), Now);
        Assert.Contains("mallory is not one of this host's administrators", Assert.IsType<AdministrativeDecision.LicenseAsClient>(other).Message);
        var none = AdministrativeSessionPolicy.AtConnection(new AdministrativeSnapshot([], "root", []), Now);
        Assert.Contains("--administrators", Assert.IsType<AdministrativeDecision.LicenseAsClient>(none).Message);
    }

    [Fact]
    public void A_third_is_refused_until_one_goes_idle()
    {
        var busy = AdministrativeSessionPolicy.AtConnection(new AdministrativeSnapshot(["root"], "root", [Now.AddMinutes(-3), Now.AddMinutes(-1)]), Now);
        Assert.Equal(Now.AddMinutes(7), Assert.IsType<AdministrativeDecision.LimitReached>(busy).FirstIdleEnd);
        var oneIdle = AdministrativeSessionPolicy.AtConnection(new AdministrativeSnapshot(["root"], "root", [Now.AddMinutes(-10), Now.AddMinutes(-1)]), Now);
        Assert.IsType<AdministrativeDecision.Granted>(oneIdle);
        // A non-administrator is licensed as a client even when both slots are in use: the limit is not theirs.
        Assert.IsType<AdministrativeDecision.LicenseAsClient>(
            AdministrativeSessionPolicy.AtConnection(new AdministrativeSnapshot(["root"], "bob", [Now, Now]), Now));
    }

    [Fact]
    public void At_sign_in_the_authenticated_account_decides()
    {
        Assert.IsType<AdministrativeSignInDecision.Continue>(AdministrativeSessionPolicy.AtSignIn(["root"], "root", null));
        Assert.IsType<AdministrativeSignInDecision.Continue>(AdministrativeSessionPolicy.AtSignIn(["root"], null, null)); // no desktop: the claimed name stood
        var refused = Assert.IsType<AdministrativeSignInDecision.Refused>(AdministrativeSessionPolicy.AtSignIn(["root"], "mallory", "CORP"));
        Assert.Contains(@"CORP\mallory", refused.Message);
        Assert.Contains("without /admin", refused.Message);
    }
}
