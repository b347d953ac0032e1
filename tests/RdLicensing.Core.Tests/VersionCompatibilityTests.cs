using RdLicensing.Core.Versions;

namespace RdLicensing.Core.Tests;

public class VersionCompatibilityTests
{
    /// <summary>Releases in chronological order, written out independently of the enum's numeric values.</summary>
    private static readonly ProductVersion[] Chronological =
    [
        ProductVersion.WindowsServer2008R2,
        ProductVersion.WindowsServer2012,
        ProductVersion.WindowsServer2012R2,
        ProductVersion.WindowsServer2016,
        ProductVersion.WindowsServer2019,
        ProductVersion.WindowsServer2022,
        ProductVersion.WindowsServer2025,
    ];

    // Rows: session host version; columns: CAL version (both in chronological order). Y = accepted.
    private static readonly string[] SessionHostMatrix =
    [
        "YYYYYYY",
        ".YYYYYY",
        "..YYYYY",
        "...YYYY",
        "....YYY",
        ".....YY",
        "......Y",
    ];

    // Rows: license server version; columns: CAL version. Y = the server can host (install) these CALs.
    private static readonly string[] LicenseServerMatrix =
    [
        "Y......",
        "YY.....",
        "YYY....",
        "YYYY...",
        "YYYYY..",
        "YYYYYY.",
        "YYYYYYY",
    ];

    public static TheoryData<ProductVersion, ProductVersion, bool> SessionHostPairs() => Pairs(SessionHostMatrix);

    public static TheoryData<ProductVersion, ProductVersion, bool> LicenseServerPairs() => Pairs(LicenseServerMatrix);

    private static TheoryData<ProductVersion, ProductVersion, bool> Pairs(string[] matrix)
    {
        var data = new TheoryData<ProductVersion, ProductVersion, bool>();
        for (var row = 0; row < Chronological.Length; row++)
            for (var column = 0; column < Chronological.Length; column++)
                data.Add(Chronological[row], Chronological[column], matrix[row][column] == 'Y');
        return data;
    }

    [Theory]
    [MemberData(nameof(SessionHostPairs))]
    public void SessionHostAcceptsCalsOfItsOwnVersionOrNewer(ProductVersion host, ProductVersion cal, bool accepted) =>
        Assert.Equal(accepted, VersionCompatibility.SessionHostAccepts(host, cal));

    [Theory]
    [MemberData(nameof(LicenseServerPairs))]
    public void LicenseServerHostsCalsOfItsOwnVersionOrOlder(ProductVersion server, ProductVersion cal, bool hosted) =>
        Assert.Equal(hosted, VersionCompatibility.LicenseServerHosts(server, cal));

    [Fact]
    public void SessionHost2022RefusesA2019Cal() =>
        Assert.False(VersionCompatibility.SessionHostAccepts(ProductVersion.WindowsServer2022, ProductVersion.WindowsServer2019));

    [Fact]
    public void SessionHost2022AcceptsA2025Cal() =>
        Assert.True(VersionCompatibility.SessionHostAccepts(ProductVersion.WindowsServer2022, ProductVersion.WindowsServer2025));

    [Fact]
    public void LicenseServer2016Hosts2016Cals() =>
        Assert.True(VersionCompatibility.LicenseServerHosts(ProductVersion.WindowsServer2016, ProductVersion.WindowsServer2016));

    [Fact]
    public void LicenseServer2016DoesNotHost2019Cals() =>
        Assert.False(VersionCompatibility.LicenseServerHosts(ProductVersion.WindowsServer2016, ProductVersion.WindowsServer2019));

    [Fact]
    public void AllVersionsAreListedInChronologicalOrderWith2025AsLatest()
    {
        Assert.Equal(Chronological, ProductVersions.All);
        Assert.Equal(ProductVersion.WindowsServer2025, ProductVersions.Latest);
    }
}
