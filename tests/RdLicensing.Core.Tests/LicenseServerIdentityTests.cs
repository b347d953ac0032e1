using RdLicensing.Core.Cals;
using RdLicensing.Core.Identity;
using RdLicensing.Core.Versions;
using static RdLicensing.Core.Tests.TestData;

namespace RdLicensing.Core.Tests;

public class LicenseServerIdentityTests
{
    [Fact]
    public void ProductIdIsFourGroupsOfFiveDigits()
    {
        using var identity = LicenseServerIdentity.Create();

        Assert.Matches(@"^\d{5}-\d{5}-\d{5}-\d{5}$", identity.ProductId);
        Assert.Equal(23, identity.ProductId.Length);
    }

    [Fact]
    public void ProductIdIsStableAcrossPkcs8ExportAndImport()
    {
        using var identity = LicenseServerIdentity.Create();

        using var reloaded = LicenseServerIdentity.FromPkcs8(identity.ExportPkcs8());

        Assert.Equal(identity.ProductId, reloaded.ProductId);
    }

    [Fact]
    public void TwoLicenseServersHaveDifferentProductIds()
    {
        using var first = LicenseServerIdentity.Create();
        using var second = LicenseServerIdentity.Create();

        Assert.NotEqual(first.ProductId, second.ProductId);
    }

    [Fact]
    public void ProductIdIsDerivedFromThePublicKeyOnly()
    {
        using var identity = LicenseServerIdentity.Create();

        Assert.Equal(identity.ProductId, LicenseServerIdentity.DeriveProductId(identity.Key.ExportSubjectPublicKeyInfo()));
    }

    [Fact]
    public void TokensIssuedBeforeARestartVerifyWithTheReloadedIdentity()
    {
        using var identity = LicenseServerIdentity.Create();
        var content = new CalTokenContent(1, identity.ProductId, CalType.PerDevice, ProductVersion.WindowsServer2022, false,
            "HW-1", "PC-1", T0, T0.AddDays(60));
        var token = new CalTokenService(identity).Issue(content);

        using var reloaded = LicenseServerIdentity.FromPkcs8(identity.ExportPkcs8());

        Assert.Equal(content, new CalTokenService(reloaded).Verify(token));
    }
}
