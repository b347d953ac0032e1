using RdLicensing.Cli.Client;
using RdLicensing.Core.Cals;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Protocol;

namespace RdLicensing.Cli.Bench;

/// <summary>
/// The crash test's licenses: few on purpose, so the kills land on both paths whose counts must agree with the rows after
/// a crash — while licenses are being taken (permanent CALs, Per User CALs) and after the pool ran out (the temporary CAL
/// is kept, the user is licensed from the OverUsed pool). A small pack of each type at the start; before each later round
/// another, sized from the last round's demand per second and the next round's length, whatever the machine's speed:
/// odd rounds are scarce (the pool runs dry a fifth to three fifths into the load, well before the kill), even rounds
/// ample (licenses are still being taken when the kill comes). What is left from an earlier round counts.
/// </summary>
internal static class CrashTestLicenses
{
    public const int FirstPerDevice = 10;
    public const int FirstPerUser = 5;

    /// <summary>A top-up is never smaller, so a rate measured over a round that barely ran still buys some.</summary>
    private const int SmallestTopUp = 5;

    /// <summary>The supply for the next round, as a share of what its load is expected to ask for.</summary>
    private static readonly (double Low, double High) ScarceShare = (0.2, 0.6);
    private static readonly (double Low, double High) AmpleShare = (1.3, 1.8);

    private static readonly CompanyInformation Company = new("Crash", "Test", "RdLicensing crash test", "Canada");

    public static async Task SetUpAsync(LicenseServerClient admin, BenchClearinghouse clearinghouse, CancellationToken ct)
    {
        await admin.ActivateAutomaticAsync(Company, ct);
        await InstallAsync(admin, clearinghouse, FirstPerDevice, FirstPerUser, ct);
    }

    /// <summary>Licenses bought between two crashes: enough, or too few, for round <paramref name="nextRound"/>.</summary>
    /// <param name="lastRound">What the round that just ended did: its demand for licenses.</param>
    /// <returns>What was installed, in words ("+12 Per Device, +0 Per User licenses for a scarce round 3").</returns>
    public static async Task<string> TopUpAsync(LicenseServerClient admin, BenchClearinghouse clearinghouse, int nextRound, TimeSpan nextLoad,
        CrashLoadFigures lastRound, double lastLoadSeconds, Random random, CancellationToken ct)
    {
        var ample = nextRound % 2 == 0;
        var (low, high) = ample ? AmpleShare : ScarceShare;
        var share = low + random.NextDouble() * (high - low);
        var packs = (await admin.KeyPacksAsync(ct)).Value;
        int Missing(CalType type, params string[] outcomes)
        {
            // Upgrades and new users asked for a license whether they got one or found the pool empty.
            var perSecond = outcomes.Sum(o => lastRound.Outcomes.GetValueOrDefault(o)) / Math.Max(lastLoadSeconds, 0.1);
            var available = packs.Where(p => p.Type == type.ToShortName()).Sum(p => (long)p.Available);
            var missing = perSecond * nextLoad.TotalSeconds * share - available;
            return missing < 1 ? 0 : (int)Math.Clamp(Math.Round(missing), SmallestTopUp, KeyPackGrant.MaxQuantity);
        }
        var perDevice = Missing(CalType.PerDevice, "permanent-issued", "temporary-kept");
        var perUser = Missing(CalType.PerUser, "per-user-issued", "per-user-overused");
        await InstallAsync(admin, clearinghouse, perDevice, perUser, ct);
        return $"+{perDevice} Per Device, +{perUser} Per User licenses for {(ample ? "an ample" : "a scarce")} round {nextRound}";
    }

    private static async Task InstallAsync(LicenseServerClient admin, BenchClearinghouse clearinghouse, int perDevice, int perUser, CancellationToken ct)
    {
        foreach (var (type, licenses) in new[] { (CalType.PerDevice, perDevice), (CalType.PerUser, perUser) })
        {
            if (licenses == 0) continue;
            var code = await clearinghouse.RetailCodeAsync(type, BenchServerSetup.HostVersion, licenses, ct);
            await admin.InstallLicensesAsync(new LicenseInstallBody("retail", LicenseCode: code), ct);
        }
    }

    /// <summary>"Per Device 30 of 30 issued, Per User 15 of 15 issued": the pools as the server shows them.</summary>
    public static string Describe(IReadOnlyList<KeyPackView> packs) =>
        string.Join(", ", packs.GroupBy(p => p.Type).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{(g.Key == CalType.PerDevice.ToShortName() ? "Per Device" : "Per User")} {g.Sum(p => (long)p.Issued):N0} of {g.Sum(p => (long)p.Total):N0} issued"));
}
