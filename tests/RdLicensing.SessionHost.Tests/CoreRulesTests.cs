using RdLicensing.Core.Cals;
using RdLicensing.Core.Identity;
using RdLicensing.Core.SessionHost;
using RdLicensing.Core.Versions;

namespace RdLicensing.SessionHost.Tests;

/// <summary>The pure rules the session host relies on: the grace period's arithmetic and checking a presented CAL with a public key only.</summary>
public sealed class CoreRulesTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 8, 0, 0, TimeSpan.Zero);
    private readonly LicenseServerIdentity _server = LicenseServerIdentity.Create();
    private readonly CalTokenVerifier _verifier;

    public CoreRulesTests() => _verifier = CalTokenVerifier.FromSubjectPublicKeyInfo(_server.Key.ExportSubjectPublicKeyInfo());

    public void Dispose()
    {
        _verifier.Dispose();
        _server.Dispose();
    }

    [Fact]
    public void The_grace_period_counts_whole_days_up_and_ends_120_days_after_it_started()
    {
        var grace = new GracePeriod(T0);
        Assert.Equal(120, grace.DaysLeftAt(T0));
        Assert.Equal(1, grace.DaysLeftAt(T0.AddDays(119).AddSeconds(1)));
        Assert.True(grace.IsActiveAt(T0.AddDays(120).AddTicks(-1)));
        Assert.False(grace.IsActiveAt(T0.AddDays(120)));
        Assert.Equal(0, grace.DaysLeftAt(T0.AddDays(121)));
        Assert.Equal("not-started", new GracePeriod(null).StateAt(T0));
        Assert.True(new GracePeriod(null).IsActiveAt(T0.AddYears(5)));
    }

    [Fact]
    public void The_verifier_checks_tokens_with_the_public_key_alone()
    {
        Assert.Equal(_server.ProductId, _verifier.ProductId);
        var token = new CalTokenService(_server).Issue(Content());
        Assert.Equal(Content(), _verifier.Verify(token));

        using var other = LicenseServerIdentity.Create();
        Assert.Throws<CalTokenException>(() => _verifier.Verify(new CalTokenService(other).Issue(Content() with { LicenseServerProductId = other.ProductId })));
        Assert.Throws<CalTokenException>(() => CalTokenVerifier.FromSubjectPublicKeyInfo([1, 2, 3]));
    }

    [Theory]
    [InlineData(false, 30, "hw", ProductVersion.WindowsServer2022, PresentedLicenseState.Valid)]
    [InlineData(false, 7, "hw", ProductVersion.WindowsServer2022, PresentedLicenseState.RenewalDue)]
    [InlineData(false, 8, "hw", ProductVersion.WindowsServer2022, PresentedLicenseState.Valid)]
    [InlineData(false, -1, "hw", ProductVersion.WindowsServer2022, PresentedLicenseState.Expired)]
    [InlineData(true, 30, "hw", ProductVersion.WindowsServer2022, PresentedLicenseState.Temporary)]
    [InlineData(false, 30, "other", ProductVersion.WindowsServer2022, PresentedLicenseState.WrongDevice)]
    [InlineData(false, 30, "hw", ProductVersion.WindowsServer2025, PresentedLicenseState.TooOld)]
    public void A_presented_CAL_is_classified(bool temporary, int daysLeft, string hardwareId, ProductVersion hostVersion, PresentedLicenseState expected)
    {
        var token = new CalTokenService(_server).Issue(Content() with { IsTemporary = temporary, ExpiresAt = T0.AddDays(daysLeft) });

        var check = PresentedLicense.Check(token, [_verifier], hardwareId, hostVersion, T0);

        Assert.Equal(expected, check.State);
    }

    [Fact]
    public void An_unknown_or_altered_CAL_is_not_verified()
    {
        var token = new CalTokenService(_server).Issue(Content());
        Assert.Equal(PresentedLicenseState.NotVerified, PresentedLicense.Check(token, [], "hw", ProductVersion.WindowsServer2022, T0).State);
        token[^5] ^= 0x01;
        Assert.Equal(PresentedLicenseState.NotVerified, PresentedLicense.Check(token, [_verifier], "hw", ProductVersion.WindowsServer2022, T0).State);
        Assert.Equal(PresentedLicenseState.None, PresentedLicense.Check(null, [_verifier], "hw", ProductVersion.WindowsServer2022, T0).State);
    }

    [Fact]
    public void Licensing_modes_and_error_codes_have_stable_names()
    {
        Assert.True(LicensingModes.TryParse("Per Device", out var mode));
        Assert.Equal(LicensingMode.PerDevice, mode);
        Assert.Equal(2, (int)LicensingMode.PerDevice);
        Assert.Equal(5, (int)LicensingMode.NotConfigured);
        Assert.Equal("0x109", LicensingErrorCode.CantUpgradeLicense.ToHex());
        Assert.StartsWith("No Remote Desktop license servers available to provide a license", LicensingErrorCode.NoLicenseServer.ClientMessage());
    }

    private CalTokenContent Content() => new(42, _server.ProductId, CalType.PerDevice, ProductVersion.WindowsServer2022, false, "hw", "pc",
        T0.AddDays(-10), T0.AddDays(30));
}
