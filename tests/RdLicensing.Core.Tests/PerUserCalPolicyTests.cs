using RdLicensing.Core.Cals;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Versions;
using static RdLicensing.Core.Tests.TestData;

namespace RdLicensing.Core.Tests;

public class PerUserCalPolicyTests
{
    private const ProductVersion Host = ProductVersion.WindowsServer2022;
    private static readonly DateTimeOffset Now = T0.AddDays(10);
    private static readonly DateTimeOffset SixtyDaysOn = Now.AddDays(60);

    private static CalDecision Decide(IReadOnlyList<IssuedCal> userCals, IReadOnlyList<KeyPack> packs, bool preventUpgrade = false) =>
        PerUserCalPolicy.Decide(new PerUserRequest(Host, userCals, packs, preventUpgrade, Now));

    // --- A user without a CAL ---

    [Fact]
    public void UserWithoutCalGetsOneFromThePoolFor60Days()
    {
        var pack = Pack(Host, CalType.PerUser);

        Assert.Equal(new CalDecision.PerUserIssued(pack, Host, SixtyDaysOn, null), Decide([], [pack]));
    }

    [Fact]
    public void UserWithoutCalGetsAnOverUsedCalWhenNoPerUserPackIsInstalled()
    {
        var decision = Decide([], [Pack(Host, CalType.PerDevice)]);

        Assert.Equal(new CalDecision.PerUserIssued(null, Host, SixtyDaysOn, NoPermanentReason.NoneInstalled), decision);
    }

    [Fact]
    public void UserWithoutCalGetsAnOverUsedCalWhenThePoolIsEmpty()
    {
        var decision = Decide([], [Pack(Host, CalType.PerUser, total: 3, issued: 3)]);

        Assert.Equal(new CalDecision.PerUserIssued(null, Host, SixtyDaysOn, NoPermanentReason.NoneLeft), decision);
    }

    [Fact]
    public void OnlyNewerPackWithPreventUpgradeGivesAnOverUsedCalOfTheHostVersion()
    {
        var decision = Decide([], [Pack(ProductVersion.WindowsServer2025, CalType.PerUser)], preventUpgrade: true);

        Assert.Equal(new CalDecision.PerUserIssued(null, Host, SixtyDaysOn, NoPermanentReason.UpgradePrevented), decision);
    }

    [Fact]
    public void OnlyNewerPackWithoutPreventUpgradeIssuesANewerVersionCal()
    {
        var newer = Pack(ProductVersion.WindowsServer2025, CalType.PerUser);

        var decision = Decide([], [newer], preventUpgrade: false);

        Assert.Equal(new CalDecision.PerUserIssued(newer, ProductVersion.WindowsServer2025, SixtyDaysOn, null), decision);
    }

    // --- A user with a live CAL ---

    [Theory]
    [InlineData(14 * 86400 + 1)]
    [InlineData(15 * 86400)]
    [InlineData(59 * 86400)]
    public void LiveCalWithMoreThan14DaysLeftIsValid(int secondsLeft)
    {
        var cal = PerUser(Host, Now.AddSeconds(secondsLeft));

        Assert.Equal(new CalDecision.Valid(cal), Decide([cal], [Pack(Host, CalType.PerUser)]));
    }

    [Theory]
    [InlineData(14 * 86400)]
    [InlineData(86400)]
    [InlineData(1)]
    public void LiveCalWithin14DaysOfExpiryIsExtendedBy60DaysFromNow(int secondsLeft)
    {
        var cal = PerUser(Host, Now.AddSeconds(secondsLeft));

        var decision = Decide([cal], [Pack(Host, CalType.PerUser)]);

        Assert.Equal(new CalDecision.PerUserExtended(cal, SixtyDaysOn, null), decision);
    }

    [Fact]
    public void OverUsedCalMovesIntoThePoolWhenALicenseIsFree()
    {
        var cal = PerUser(Host, Now.AddDays(50), overUsed: true);
        var pack = Pack(Host, CalType.PerUser, total: 5, issued: 4);

        var decision = Decide([cal], [pack]);

        Assert.Equal(new CalDecision.PerUserExtended(cal, SixtyDaysOn, pack), decision);
    }

    [Fact]
    public void OverUsedCalStaysValidWhenThePoolIsStillEmpty()
    {
        var cal = PerUser(Host, Now.AddDays(50), overUsed: true);

        Assert.Equal(new CalDecision.Valid(cal), Decide([cal], [Pack(Host, CalType.PerUser, total: 5, issued: 5)]));
    }

    [Fact]
    public void LiveCalOlderThanTheHostIsNotUsed()
    {
        var old = PerUser(ProductVersion.WindowsServer2019, Now.AddDays(50), holdsSlot: false);
        var pack = Pack(Host, CalType.PerUser);

        Assert.Equal(new CalDecision.PerUserIssued(pack, Host, SixtyDaysOn, null), Decide([old], [pack]));
    }

    // --- A user whose CAL expired ---

    [Fact]
    public void ExpiredUserWhoStillHoldsTheLicenseReappearsWithTheSameCal()
    {
        var cal = PerUser(Host, Now.AddDays(-5), CalStatus.Expired, holdsSlot: true);

        var decision = Decide([cal], [Pack(Host, CalType.PerUser)]);

        Assert.Equal(new CalDecision.PerUserExtended(cal, SixtyDaysOn, null), decision);
    }

    [Fact]
    public void ExpiredUserWhoNoLongerHoldsTheLicenseGetsANewCal()
    {
        var cal = PerUser(Host, Now.AddDays(-100), CalStatus.Expired, holdsSlot: false);
        var pack = Pack(Host, CalType.PerUser);

        Assert.Equal(new CalDecision.PerUserIssued(pack, Host, SixtyDaysOn, null), Decide([cal], [pack]));
    }

    [Fact]
    public void ActiveCalPastItsExpiryIsNotTreatedAsLive()
    {
        var cal = PerUser(Host, Now, CalStatus.Active, holdsSlot: false);
        var pack = Pack(Host, CalType.PerUser);

        Assert.Equal(new CalDecision.PerUserIssued(pack, Host, SixtyDaysOn, null), Decide([cal], [pack]));
    }
}
