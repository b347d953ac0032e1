using RdLicensing.ServiceDefaults;
using RdLicensing.Cli.Client;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;

namespace RdLicensing.Cli.Bench;

/// <summary>
/// Sets up a license server for the load as an administrator would, over its API: activation with the clearinghouse,
/// Install Licenses with retail codes (packs of at most <see cref="PackSize"/>, enough Per Device and Per User CALs for
/// the seeded rows and the run), and the session host the load speaks as.
/// </summary>
internal static class BenchServerSetup
{
    /// <summary>The first session host's name.</summary>
    public const string HostName = "rdsh-bench-01";

    /// <summary>The name of the bench's session host number <paramref name="index"/> (from 0), as <see cref="EnrollHostsAsync"/> enrolls them.</summary>
    public static string HostNameOf(int index) => $"rdsh-bench-{index + 1:D2}";

    /// <summary>Concurrent connections per simulated session host: a farm of hosts shares the load, as in real life.</summary>
    private const int ConnectionsPerHost = 8;

    private const int MaxHosts = 16;

    /// <summary>The session host version the load's hosts report; the packs installed are of this version.</summary>
    public const ProductVersion HostVersion = ProductVersion.WindowsServer2022;

    /// <summary>Licenses per installed pack: a large deployment holds several packs, bought over time.</summary>
    private const int PackSize = 250_000;

    private static readonly CompanyInformation Company = new("Bench", "Runner", "RdLicensing benchmark", "Canada");

    /// <returns>The packs installed, oldest first.</returns>
    public static async Task<List<KeyPackView>> ActivateAndInstallAsync(LicenseServerClient admin, BenchClearinghouse clearinghouse, SeedPlan plan, CancellationToken ct)
    {
        await admin.ActivateAutomaticAsync(Company, ct);
        foreach (var (type, licenses) in new[] { (CalType.PerDevice, plan.PerDeviceLicenses), (CalType.PerUser, plan.PerUserLicenses) })
        {
            for (var left = licenses; left > 0; left -= PackSize)
            {
                var code = await clearinghouse.RetailCodeAsync(type, HostVersion, (int)Math.Min(left, PackSize), ct);
                await admin.InstallLicensesAsync(new LicenseInstallBody("retail", LicenseCode: code), ct);
            }
        }
        return (await admin.KeyPacksAsync(ct)).Value;
    }

    /// <summary>
    /// Enrolls (or re-enrolls, with new tokens) the bench's session hosts rdsh-bench-01…, one per
    /// <see cref="ConnectionsPerHost"/> connections (at most <see cref="MaxHosts"/>), in the security group so no policy
    /// refuses them. Several hosts, not one: a farm is how load reaches a license server, and the server limits each host's rate.
    /// </summary>
    /// <returns>Each host's token.</returns>
    public static async Task<List<string>> EnrollHostsAsync(LicenseServerClient admin, int concurrency, CancellationToken ct)
    {
        var tokens = new List<string>();
        var hosts = Math.Clamp((concurrency + ConnectionsPerHost - 1) / ConnectionsPerHost, 1, MaxHosts);
        for (var i = 0; i < hosts; i++)
            tokens.Add((await admin.EnrollAsync(HostNameOf(i), inSecurityGroup: true, ct)).Value.Token);
        return tokens;
    }

    public static LicenseServerClient Admin(string server, string token, string source) => new(new Connection(server, token, source, source));

    /// <summary>The administrator of a server the bench started on <paramref name="dataDirectory"/>: its first token, from admin.token.</summary>
    public static LicenseServerClient AdminOfDataDirectory(string server, string dataDirectory)
    {
        var tokenFile = Path.Combine(dataDirectory, "admin.token");
        return Admin(server, AdminTokenFile.Read(tokenFile)
            ?? throw new CliException($"the license server started but wrote no administrator token to {tokenFile}."), tokenFile);
    }
}
