using RdLicensing.Core.Cals;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Versions;
using static RdLicensing.Core.Tests.TestData;

namespace RdLicensing.Core.Tests;

public class KeyPackSelectorTests
{
    private const ProductVersion Host = ProductVersion.WindowsServer2019;

    private static KeyPack? Choose(IEnumerable<KeyPack> packs, out NoPermanentReason reason, CalType type = CalType.PerDevice, bool preventUpgrade = false) =>
        KeyPackSelector.Choose(packs, type, Host, preventUpgrade, T0, out reason);

    [Fact]
    public void HostVersionIsChosenBeforeNewerVersions()
    {
        var newer = Pack(ProductVersion.WindowsServer2022, installedAt: T0.AddDays(-300));
        var exact = Pack(Host, installedAt: T0.AddDays(-1));

        Assert.Same(exact, Choose([newer, exact], out _));
    }

    [Fact]
    public void NearestNewerVersionIsChosenWhenTheHostVersionHasNoneLeft()
    {
        var packs = new[]
        {
            Pack(ProductVersion.WindowsServer2025),
            Pack(Host, total: 2, issued: 2),
            Pack(ProductVersion.WindowsServer2022),
        };

        Assert.Equal(ProductVersion.WindowsServer2022, Choose(packs, out _)?.Version);
    }

    [Fact]
    public void AmongPacksOfOneVersionTheEarliestExpiringIsUsedFirst()
    {
        var never = Pack(Host, expiresAt: null, installedAt: T0.AddDays(-90));
        var later = Pack(Host, expiresAt: T0.AddDays(200), installedAt: T0.AddDays(-80));
        var sooner = Pack(Host, expiresAt: T0.AddDays(100), installedAt: T0.AddDays(-1));

        Assert.Same(sooner, Choose([never, later, sooner], out _));
    }

    [Fact]
    public void PackWithoutExpiryComesAfterPacksThatExpire()
    {
        var never = Pack(Host, expiresAt: null, installedAt: T0.AddDays(-90));
        var expiring = Pack(Host, expiresAt: T0.AddDays(3000), installedAt: T0.AddDays(-1));

        Assert.Same(expiring, Choose([never, expiring], out _));
    }

    [Fact]
    public void WithEqualExpiryTheEarliestInstalledPackIsUsedFirst()
    {
        var recent = Pack(Host, expiresAt: T0.AddDays(100), installedAt: T0.AddDays(-1));
        var old = Pack(Host, expiresAt: T0.AddDays(100), installedAt: T0.AddDays(-50));

        Assert.Same(old, Choose([recent, old], out _));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void PackThatHasExpiredIsSkipped(int secondsUntilExpiry)
    {
        var expired = Pack(Host, expiresAt: T0.AddSeconds(secondsUntilExpiry));

        Assert.Null(Choose([expired], out var reason));
        Assert.Equal(NoPermanentReason.NoneInstalled, reason);
    }

    [Fact]
    public void PackExpiringOneSecondFromNowIsStillUsed()
    {
        var pack = Pack(Host, expiresAt: T0.AddSeconds(1));

        Assert.Same(pack, Choose([pack], out _));
    }

    [Fact]
    public void PackOfTheOtherCalTypeIsSkipped()
    {
        Assert.Null(Choose([Pack(Host, CalType.PerUser)], out var reason, CalType.PerDevice));
        Assert.Equal(NoPermanentReason.NoneInstalled, reason);
    }

    [Fact]
    public void PackOlderThanTheHostIsSkipped()
    {
        Assert.Null(Choose([Pack(ProductVersion.WindowsServer2016)], out var reason));
        Assert.Equal(NoPermanentReason.NoneInstalled, reason);
    }

    [Fact]
    public void FullyIssuedCompatiblePacksGiveNoneLeft()
    {
        Assert.Null(Choose([Pack(Host, total: 4, issued: 4), Pack(ProductVersion.WindowsServer2022, total: 1, issued: 1)], out var reason));
        Assert.Equal(NoPermanentReason.NoneLeft, reason);
    }

    [Fact]
    public void OnlyNewerLeftWithPreventUpgradeGivesUpgradePrevented()
    {
        Assert.Null(Choose([Pack(Host, total: 4, issued: 4), Pack(ProductVersion.WindowsServer2022)], out var reason, preventUpgrade: true));
        Assert.Equal(NoPermanentReason.UpgradePrevented, reason);
    }

    [Fact]
    public void PreventUpgradeStillAllowsTheHostVersion()
    {
        var exact = Pack(Host);

        Assert.Same(exact, Choose([Pack(ProductVersion.WindowsServer2022), exact], out _, preventUpgrade: true));
    }
}
