using RdLicensing.Core.Versions;

namespace RdLicensing.Core.Tests;

public class ProductVersionTests
{
    public static TheoryData<ProductVersion> AllVersions() => new(ProductVersions.All);

    [Theory]
    [InlineData("2022", ProductVersion.WindowsServer2022)]
    [InlineData("2012r2", ProductVersion.WindowsServer2012R2)]
    [InlineData("2012 R2", ProductVersion.WindowsServer2012R2)]
    [InlineData("2012", ProductVersion.WindowsServer2012)]
    [InlineData("Windows Server 2022", ProductVersion.WindowsServer2022)]
    [InlineData("WINDOWSSERVER2008R2", ProductVersion.WindowsServer2008R2)]
    [InlineData("WindowsServer2025", ProductVersion.WindowsServer2025)]
    public void TryParseAcceptsTheNamesPeopleType(string text, ProductVersion expected)
    {
        Assert.True(ProductVersions.TryParse(text, out var version));
        Assert.Equal(expected, version);
    }

    [Theory]
    [InlineData("2023")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(null)]
    [InlineData("abc")]
    [InlineData("2008")]
    [InlineData("Windows Server")]
    public void TryParseRejectsUnknownVersions(string? text) =>
        Assert.False(ProductVersions.TryParse(text, out _));

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void ShortNameRoundTrips(ProductVersion version)
    {
        Assert.True(ProductVersions.TryParse(version.ToShortName(), out var parsed));
        Assert.Equal(version, parsed);
    }

    [Theory]
    [MemberData(nameof(AllVersions))]
    public void DisplayNameRoundTrips(ProductVersion version)
    {
        Assert.True(ProductVersions.TryParse(version.ToDisplayName(), out var parsed));
        Assert.Equal(version, parsed);
    }

    [Theory]
    [InlineData(ProductVersion.WindowsServer2008R2, "2008r2", "Windows Server 2008 R2")]
    [InlineData(ProductVersion.WindowsServer2012, "2012", "Windows Server 2012")]
    [InlineData(ProductVersion.WindowsServer2012R2, "2012r2", "Windows Server 2012 R2")]
    [InlineData(ProductVersion.WindowsServer2016, "2016", "Windows Server 2016")]
    [InlineData(ProductVersion.WindowsServer2019, "2019", "Windows Server 2019")]
    [InlineData(ProductVersion.WindowsServer2022, "2022", "Windows Server 2022")]
    [InlineData(ProductVersion.WindowsServer2025, "2025", "Windows Server 2025")]
    public void ShortAndDisplayNamesAreTheDocumentedOnes(ProductVersion version, string shortName, string displayName)
    {
        Assert.Equal(shortName, version.ToShortName());
        Assert.Equal(displayName, version.ToDisplayName());
    }

    [Fact]
    public void ParseOfAnUnknownVersionListsTheValidShortNames()
    {
        var error = Assert.Throws<FormatException>(() => ProductVersions.Parse("2023"));
        Assert.Contains("'2023'", error.Message);
        Assert.Contains("2008r2, 2012, 2012r2, 2016, 2019, 2022, 2025", error.Message);
    }
}
