using RdLicensing.Core.Cals;
using static RdLicensing.Core.Tests.TestData;

namespace RdLicensing.Core.Tests;

public class RevocationPolicyTests
{
    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 1)]
    [InlineData(4, 1)]
    [InlineData(5, 1)]
    [InlineData(9, 1)]
    [InlineData(10, 2)]
    [InlineData(14, 2)]
    [InlineData(15, 3)]
    [InlineData(100, 20)]
    [InlineData(101, 20)]
    [InlineData(104, 20)]
    [InlineData(105, 21)]
    public void LimitIs20PercentOfInstalledRoundedDownButAtLeastOne(int installed, int limit) =>
        Assert.Equal(limit, RevocationPolicy.Limit(installed));

    [Fact]
    public void WhenTheLimitIsReachedTheNextRevocationIsPossibleWhenTheCountDropsBelowIt()
    {
        var revoked = new[] { T0.AddDays(30), T0.AddDays(10), T0.AddDays(20) };

        var allowance = RevocationPolicy.Evaluate(10, revoked, T0);

        Assert.Equal(new RevocationAllowance(10, 2, 3, 0, T0.AddDays(20)), allowance);
    }

    [Fact]
    public void WhenExactlyAtTheLimitTheNextRevocationIsPossibleAtTheEarliestExpiry()
    {
        var allowance = RevocationPolicy.Evaluate(10, [T0.AddDays(20), T0.AddDays(10)], T0);

        Assert.Equal(new RevocationAllowance(10, 2, 2, 0, T0.AddDays(10)), allowance);
    }

    [Fact]
    public void BelowTheLimitARevocationIsPossibleNow()
    {
        var allowance = RevocationPolicy.Evaluate(10, [T0.AddDays(10)], T0);

        Assert.Equal(new RevocationAllowance(10, 2, 1, 1, T0), allowance);
    }

    [Fact]
    public void RevokedCalsWhoseExpiryHasPassedNoLongerCount()
    {
        var revoked = new[] { T0.AddDays(-1), T0, T0.AddSeconds(1) };

        var allowance = RevocationPolicy.Evaluate(10, revoked, T0);

        Assert.Equal(1, allowance.RevokedNow);
        Assert.Equal(1, allowance.RevocableNow);
        Assert.Equal(T0, allowance.NextPossibleAt);
    }

    [Fact]
    public void AtTheDateFromTheAllowanceARevocationIsIndeedPossible()
    {
        var revoked = new[] { T0.AddDays(10), T0.AddDays(20), T0.AddDays(30) };
        var next = RevocationPolicy.Evaluate(10, revoked, T0).NextPossibleAt!.Value;

        Assert.Equal(0, RevocationPolicy.Evaluate(10, revoked, next.AddSeconds(-1)).RevocableNow);
        Assert.Equal(1, RevocationPolicy.Evaluate(10, revoked, next).RevocableNow);
    }

    [Fact]
    public void WithNothingInstalledOneCalCanStillBeRevoked()
    {
        var allowance = RevocationPolicy.Evaluate(0, [], T0);

        Assert.Equal(new RevocationAllowance(0, 1, 0, 1, T0), allowance);
    }
}
