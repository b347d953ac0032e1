using RdLicensing.Cli.Client;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Protocol;

namespace RdLicensing.Cli.Bench;

/// <summary>
/// The crash test's licenses: few on purpose. Small packs, installed at the start and again after every round, run out
/// within each round, so the kills land both while licenses are being taken (permanent CALs, Per User CALs) and while
/// requests find the pool empty (the temporary CAL is kept, the user is licensed from the OverUsed pool) — the two paths
/// whose counts must agree with the rows after a crash.
/// </summary>
internal static class CrashTestLicenses
{
    public const int FirstPerDevice = 20;
    public const int FirstPerUser = 10;
    public const int PerRoundPerDevice = 10;
    public const int PerRoundPerUser = 5;

    private static readonly CompanyInformation Company = new("Crash", "Test", "RdLicensing crash test", "Canada");

    public static async Task SetUpAsync(LicenseServerClient admin, BenchClearinghouse clearinghouse, CancellationToken ct)
    {
        await admin.ActivateAutomaticAsync(Company, ct);
        await InstallAsync(admin, clearinghouse, FirstPerDevice, FirstPerUser, ct);
    }

    /// <summary>One more pack of each type, as licenses bought between two crashes.</summary>
    public static Task TopUpAsync(LicenseServerClient admin, BenchClearinghouse clearinghouse, CancellationToken ct) =>
        InstallAsync(admin, clearinghouse, PerRoundPerDevice, PerRoundPerUser, ct);

    private static async Task InstallAsync(LicenseServerClient admin, BenchClearinghouse clearinghouse, int perDevice, int perUser, CancellationToken ct)
    {
        foreach (var (type, licenses) in new[] { (CalType.PerDevice, perDevice), (CalType.PerUser, perUser) })
        {
            var code = await clearinghouse.RetailCodeAsync(type, BenchServerSetup.HostVersion, licenses, ct);
            await admin.InstallLicensesAsync(new LicenseInstallBody("retail", LicenseCode: code), ct);
        }
    }

    /// <summary>"Per Device 30 of 30 issued, Per User 15 of 15": the pools as the server shows them.</summary>
    public static string Describe(IReadOnlyList<KeyPackView> packs) =>
        string.Join(", ", packs.GroupBy(p => p.Type).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{(g.Key == CalType.PerDevice.ToShortName() ? "Per Device" : "Per User")} {g.Sum(p => (long)p.Issued):N0} of {g.Sum(p => (long)p.Total):N0} issued"));
}
