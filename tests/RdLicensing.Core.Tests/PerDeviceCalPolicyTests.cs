using RdLicensing.Core.Cals;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Versions;
using static RdLicensing.Core.Tests.TestData;

namespace RdLicensing.Core.Tests;

public class PerDeviceCalPolicyTests
{
    private const int PermanentDays = 70;
    private const ProductVersion Host = ProductVersion.WindowsServer2022;

    private static readonly PerDeviceCalPolicy Policy = new(new FixedValidity(PermanentDays));

    private static CalDecision Decide(
        DateTimeOffset now,
        IReadOnlyList<IssuedCal> deviceCals,
        IReadOnlyList<KeyPack>? packs = null,
        bool activated = true,
        bool preventUpgrade = false) =>
        Policy.Decide(new PerDeviceRequest(Host, deviceCals, packs ?? [], activated, preventUpgrade, now));

    // --- First connection and the temporary CAL ---

    [Fact]
    public void FirstConnectionGetsATemporaryCalForExactly90Days()
    {
        var decision = Decide(T0, [], [Pack(Host)]);

        var issued = Assert.IsType<CalDecision.TemporaryIssued>(decision);
        Assert.Equal(T0.AddDays(90), issued.ExpiresAt);
        Assert.Equal(Host, issued.Version);
    }

    [Fact]
    public void TemporaryCalNotYetValidatedBySignInIsKeptAwaitingSignIn()
    {
        var temporary = Temporary(T0, validated: false);

        var decision = Decide(T0.AddHours(1), [temporary], [Pack(Host)]);

        Assert.Equal(new CalDecision.TemporaryKept(temporary, TemporaryKeptReason.AwaitingSignIn), decision);
    }

    [Fact]
    public void TemporaryCalWithStatusUpgradedIsIgnoredAndTheDeviceGetsANewTemporaryCal()
    {
        var upgraded = Temporary(T0, validated: true, status: CalStatus.Upgraded);
        var now = T0.AddDays(200);

        var decision = Decide(now, [upgraded], [Pack(Host)]);

        var issued = Assert.IsType<CalDecision.TemporaryIssued>(decision);
        Assert.Equal(now.AddDays(90), issued.ExpiresAt);
    }

    // --- Upgrading a validated temporary CAL ---

    [Fact]
    public void ValidatedTemporaryOnActivatedServerWithFreeCompatiblePackBecomesPermanent()
    {
        var temporary = Temporary(T0, validated: true);
        var pack = Pack(Host, total: 5, issued: 4);
        var now = T0.AddDays(1);

        var decision = Decide(now, [temporary], [pack]);

        Assert.Equal(new CalDecision.PermanentIssued(pack, now.AddDays(PermanentDays), temporary), decision);
    }

    [Fact]
    public void ValidatedTemporaryOnServerThatIsNotActivatedIsKept()
    {
        var temporary = Temporary(T0, validated: true);

        var decision = Decide(T0.AddDays(1), [temporary], [Pack(Host)], activated: false);

        Assert.Equal(new CalDecision.TemporaryKept(temporary, TemporaryKeptReason.NotActivated), decision);
    }

    [Fact]
    public void ValidatedTemporaryWithNoPacksInstalledIsKeptAsNoneInstalled()
    {
        var temporary = Temporary(T0, validated: true);

        var decision = Decide(T0.AddDays(1), [temporary], []);

        Assert.Equal(new CalDecision.TemporaryKept(temporary, TemporaryKeptReason.NoneInstalled), decision);
    }

    [Fact]
    public void ValidatedTemporaryWhenEveryLicenseIsIssuedIsKeptAsNoneLeft()
    {
        var temporary = Temporary(T0, validated: true);

        var decision = Decide(T0.AddDays(1), [temporary], [Pack(Host, total: 5, issued: 5)]);

        Assert.Equal(new CalDecision.TemporaryKept(temporary, TemporaryKeptReason.NoneLeft), decision);
    }

    [Fact]
    public void PerUserPacksDoNotUpgradeAPerDeviceTemporary()
    {
        var temporary = Temporary(T0, validated: true);

        var decision = Decide(T0.AddDays(1), [temporary], [Pack(Host, CalType.PerUser)]);

        Assert.Equal(new CalDecision.TemporaryKept(temporary, TemporaryKeptReason.NoneInstalled), decision);
    }

    [Fact]
    public void OnlyNewerVersionLeftWithPreventUpgradePolicyKeepsTheTemporary()
    {
        var temporary = Temporary(T0, validated: true);
        var packs = new[] { Pack(Host, total: 5, issued: 5), Pack(ProductVersion.WindowsServer2025) };

        var decision = Decide(T0.AddDays(1), [temporary], packs, preventUpgrade: true);

        Assert.Equal(new CalDecision.TemporaryKept(temporary, TemporaryKeptReason.UpgradePrevented), decision);
    }

    [Fact]
    public void OnlyNewerVersionLeftWithoutPreventUpgradePolicyIssuesFromTheNewerPack()
    {
        var temporary = Temporary(T0, validated: true);
        var newer = Pack(ProductVersion.WindowsServer2025);
        var packs = new[] { Pack(Host, total: 5, issued: 5), newer };
        var now = T0.AddDays(1);

        var decision = Decide(now, [temporary], packs, preventUpgrade: false);

        Assert.Equal(new CalDecision.PermanentIssued(newer, now.AddDays(PermanentDays), temporary), decision);
    }

    [Fact]
    public void ExactVersionPackIsPreferredOverANewerOne()
    {
        var temporary = Temporary(T0, validated: true);
        var newer = Pack(ProductVersion.WindowsServer2025, installedAt: T0.AddDays(-100));
        var exact = Pack(Host, installedAt: T0.AddDays(-1));

        var decision = Decide(T0.AddDays(1), [temporary], [newer, exact]);

        Assert.Same(exact, Assert.IsType<CalDecision.PermanentIssued>(decision).Pack);
    }

    [Fact]
    public void OlderVersionPackIsNeverUsedForTheHost()
    {
        var temporary = Temporary(T0, validated: true);

        var decision = Decide(T0.AddDays(1), [temporary], [Pack(ProductVersion.WindowsServer2019)]);

        Assert.Equal(new CalDecision.TemporaryKept(temporary, TemporaryKeptReason.NoneInstalled), decision);
    }

    // --- The end of the 90-day temporary period ---

    [Theory]
    [InlineData(89 * 86400)]
    [InlineData(90 * 86400 - 1)]
    public void TemporaryCalIsStillKeptUpToItsLastSecond(int secondsAfterIssue)
    {
        var temporary = Temporary(T0, validated: false);

        var decision = Decide(T0.AddSeconds(secondsAfterIssue), [temporary]);

        Assert.Equal(new CalDecision.TemporaryKept(temporary, TemporaryKeptReason.AwaitingSignIn), decision);
    }

    [Theory]
    [InlineData(90 * 86400)]
    [InlineData(91 * 86400)]
    public void ExpiredTemporaryWithNothingToUpgradeIsRefusedNamingTheExpiryDate(int secondsAfterIssue)
    {
        var temporary = Temporary(T0, validated: false);

        var decision = Decide(T0.AddSeconds(secondsAfterIssue), [temporary], [Pack(Host)]);

        var refused = Assert.IsType<CalDecision.Refused>(decision);
        Assert.Equal(RefusalReason.NoLicense, refused.Reason);
        Assert.Contains("2026-04-01", refused.Message);
    }

    [Fact]
    public void ExpiredValidatedTemporaryWithoutPacksIsRefusedSayingNoneAreInstalled()
    {
        var temporary = Temporary(T0, validated: true);

        var decision = Decide(T0.AddDays(90), [temporary], []);

        var refused = Assert.IsType<CalDecision.Refused>(decision);
        Assert.Equal(RefusalReason.NoLicense, refused.Reason);
        Assert.Contains(PerDeviceCalPolicy.Describe(TemporaryKeptReason.NoneInstalled), refused.Message);
    }

    [Fact]
    public void ExpiredTemporaryIsRefusedRatherThanGivenASecondTemporaryPeriod()
    {
        var expired = Temporary(T0, validated: false, status: CalStatus.Expired);

        var decision = Decide(T0.AddDays(120), [expired], [Pack(Host)]);

        Assert.IsType<CalDecision.Refused>(decision);
    }

    [Fact]
    public void ExpiredButValidatedTemporaryIsUpgradedWhenActivatedWithAFreePack()
    {
        var temporary = Temporary(T0, validated: true, status: CalStatus.Expired);
        var pack = Pack(Host);
        var now = T0.AddDays(100);

        var decision = Decide(now, [temporary], [pack]);

        Assert.Equal(new CalDecision.PermanentIssued(pack, now.AddDays(PermanentDays), temporary), decision);
    }

    // --- Permanent CALs and their renewal ---

    [Fact]
    public void PermanentCalExpiringInExactly7DaysIsRenewed()
    {
        var now = T0.AddDays(10);
        var permanent = Permanent(Host, now.AddDays(7));

        var decision = Decide(now, [permanent], [Pack(Host)]);

        Assert.Equal(new CalDecision.Renewed(permanent, now.AddDays(PermanentDays)), decision);
    }

    [Fact]
    public void A_server_that_is_not_activated_renews_no_permanent_cal_and_it_stays_valid_until_it_expires()
    {
        var now = T0.AddDays(10);
        var permanent = Permanent(Host, now.AddDays(3));

        Assert.Equal(new CalDecision.Valid(permanent), Decide(now, [permanent], [Pack(Host)], activated: false));
        Assert.IsType<CalDecision.Renewed>(Decide(now, [permanent], [Pack(Host)], activated: true));
    }

    [Fact]
    public void The_deactivated_state_means_what_a_not_activated_server_does()
    {
        var deactivated = Activation.ActivationLicensingPolicy.Decide("deactivated");
        var notActivated = Activation.ActivationLicensingPolicy.Decide("not-activated");

        Assert.Equal((false, true, true), (deactivated.IssuesPermanentPerDevice, deactivated.IssuesTemporaryPerDevice, deactivated.IssuesPerUser));
        Assert.Equal((false, true, true), (notActivated.IssuesPermanentPerDevice, notActivated.IssuesTemporaryPerDevice, notActivated.IssuesPerUser));
        Assert.True(Activation.ActivationLicensingPolicy.Decide("activated").IssuesPermanentPerDevice);
        Assert.StartsWith("it returns to not activated: it issues no permanent Per Device CALs until it is reactivated", deactivated.Summary);
    }

    [Theory]
    [InlineData(7 * 86400 + 1)]
    [InlineData(8 * 86400)]
    [InlineData(60 * 86400)]
    public void PermanentCalWithMoreThan7DaysLeftIsValidAsItIs(int secondsLeft)
    {
        var now = T0.AddDays(10);
        var permanent = Permanent(Host, now.AddSeconds(secondsLeft));

        var decision = Decide(now, [permanent], [Pack(Host)]);

        Assert.Equal(new CalDecision.Valid(permanent), decision);
    }

    [Fact]
    public void PermanentCalOfANewerVersionIsValidOnTheHost()
    {
        var permanent = Permanent(ProductVersion.WindowsServer2025, T0.AddDays(40));

        Assert.Equal(new CalDecision.Valid(permanent), Decide(T0, [permanent]));
    }

    [Fact]
    public void PermanentCalOlderThanTheHostIsNotUsedAndTheDeviceStartsWithATemporary()
    {
        var permanent = Permanent(ProductVersion.WindowsServer2019, T0.AddDays(40));

        var decision = Decide(T0, [permanent], [Pack(Host)]);

        var issued = Assert.IsType<CalDecision.TemporaryIssued>(decision);
        Assert.Equal(T0.AddDays(90), issued.ExpiresAt);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(-30 * 86400)]
    public void PermanentCalPastItsExpiryDoesNotCountAsValid(int secondsLeft)
    {
        var now = T0.AddDays(10);
        var permanent = Permanent(Host, now.AddSeconds(secondsLeft));

        var decision = Decide(now, [permanent], [Pack(Host)]);

        Assert.IsType<CalDecision.TemporaryIssued>(decision);
    }

    [Fact]
    public void RevokedPermanentCalDoesNotCountAsValid()
    {
        var revoked = Permanent(Host, T0.AddDays(40), CalStatus.Revoked);

        Assert.IsType<CalDecision.TemporaryIssued>(Decide(T0, [revoked], [Pack(Host)]));
    }

    [Fact]
    public void ValidPermanentWinsOverAnOldTemporary()
    {
        var temporary = Temporary(T0.AddDays(-50), validated: true, status: CalStatus.Upgraded);
        var permanent = Permanent(Host, T0.AddDays(40));

        Assert.Equal(new CalDecision.Valid(permanent), Decide(T0, [temporary, permanent], [Pack(Host)]));
    }

    /// <summary>
    /// The license server answers a Per Device present from a read that holds neither the key packs nor the upgrade policy
    /// (CalIssuer.ValidWithoutWritingAsync), taking only a Valid answer and sending anything else to the writer: that is
    /// right only while a Valid answer, and the CAL it names, never depend on them.
    /// </summary>
    [Fact]
    public void A_valid_answer_and_its_cal_depend_on_neither_the_key_packs_nor_the_upgrade_policy()
    {
        var now = T0.AddDays(30);
        IssuedCal[][] devices =
        [
            [], [Permanent(Host, now.AddDays(40))], [Permanent(Host, now.AddDays(3))], [Permanent(ProductVersion.WindowsServer2025, now.AddDays(40))],
            [Permanent(ProductVersion.WindowsServer2019, now.AddDays(40))], [Permanent(Host, now.AddDays(40), CalStatus.Revoked)], [Permanent(Host, now)],
            [Temporary(now.AddDays(-1), validated: true)], [Temporary(now.AddDays(-95), validated: true)], [Temporary(now.AddDays(-1))],
            [Temporary(now.AddDays(-50), validated: true, status: CalStatus.Upgraded), Permanent(Host, now.AddDays(20)), Permanent(Host, now.AddDays(50))],
        ];
        KeyPack[][] packSets = [[], [Pack(Host)], [Pack(ProductVersion.WindowsServer2025)], [Pack(Host, total: 5, issued: 5)]];
        var valid = 0;
        foreach (var cals in devices)
        foreach (var activated in new[] { true, false })
        {
            var withoutPolicyInputs = Decide(now, cals, [], activated, preventUpgrade: false) as CalDecision.Valid;
            foreach (var packs in packSets)
            foreach (var preventUpgrade in new[] { true, false })
            {
                var full = Decide(now, cals, packs, activated, preventUpgrade) as CalDecision.Valid;
                Assert.Equal(full, withoutPolicyInputs);
                if (full is not null) valid++;
            }
        }
        Assert.True(valid > 0); // the positive control: scenarios that are valid were among them
    }
}
