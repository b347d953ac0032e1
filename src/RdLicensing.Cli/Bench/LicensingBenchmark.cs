using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using RdLicensing.Cli.Client;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Identity;
using RdLicensing.ServiceDefaults;

namespace RdLicensing.Cli.Bench;

/// <summary>
/// `rdlic bench licensing`: a real HTTP load on a license server. By default the bench runs its own server as a child
/// process — set up over its API with an in-process clearinghouse, stopped while --cals rows are written straight into
/// its database, started again for the measurement, stopped at the end. With --server it drives a running server.
/// </summary>
internal static class LicensingBenchmark
{
    /// <summary>The settings name under which the license server keeps its identity key (the server's SettingNames.IdentityKey).</summary>
    private const string IdentityKeySetting = "identity.pkcs8";

    public static Task<LicensingBenchReport> RunAsync(LicensingBenchSettings settings, BenchProgress progress, CancellationToken ct) =>
        settings.External ? RunExternalAsync(settings, progress, ct) : RunOwnServerAsync(settings, progress, ct);

    private static async Task<LicensingBenchReport> RunExternalAsync(LicensingBenchSettings settings, BenchProgress progress, CancellationToken ct)
    {
        var tag = NewTag();
        var scratchDirectory = Path.Combine(Path.GetTempPath(), "rdlic-bench-" + tag);
        Directory.CreateDirectory(scratchDirectory);
        var databases = await BenchDatabase.CreateAsync(Path.Combine(scratchDirectory, "unused"), settings.Postgres, tag, forServer: false, ct);
        try
        {
            using var admin = BenchServerSetup.Admin(settings.Server!, settings.AdminToken!, "--admin-token");
            var phase = progress.Begin("Enrolling the session hosts");
            var hostTokens = await BenchServerSetup.EnrollHostsAsync(admin, settings.Concurrency, ct);
            phase.Done($"{hostTokens.Count} session hosts enrolled (rdsh-bench-01…)");
            var target = new BenchTarget(settings.Server!, "external", "its own database", hostTokens, admin, settings.ServerPid,
                new DevicePools(tag), databases, null, null);
            return await BenchMeasurement.RunAsync(target, settings, progress, ct);
        }
        finally
        {
            await databases.CleanUpAsync(keepServerData: true);
            Directory.Delete(scratchDirectory, recursive: true);
        }
    }

    private static async Task<LicensingBenchReport> RunOwnServerAsync(LicensingBenchSettings settings, BenchProgress progress, CancellationToken ct)
    {
        var tag = NewTag();
        var work = Path.Combine(Path.GetTempPath(), "rdlic-bench-" + tag);
        var dataDirectory = settings.DataDirectory is { } kept ? Path.GetFullPath(kept) : Path.Combine(work, "license-server");
        Directory.CreateDirectory(work);
        Directory.CreateDirectory(dataDirectory);
        var databases = await BenchDatabase.CreateAsync(dataDirectory, settings.Postgres, tag, forServer: true, ct);
        ServerProcess? server = null;
        try
        {
            var plan = new SeedPlan(settings.Cals);
            List<string> hostTokens;
            List<Core.Protocol.KeyPackView> packs;
            DateTimeOffset now;
            var phase = progress.Begin("Setting up the license server");
            await using (var clearinghouse = await BenchClearinghouse.StartAsync(Path.Combine(work, "clearinghouse"), ct))
            {
                server = await StartServerAsync(dataDirectory, databases, clearinghouse, ct);
                using var admin = AdminOf(server, dataDirectory);
                packs = await BenchServerSetup.ActivateAndInstallAsync(admin, clearinghouse, plan, ct);
                hostTokens = await BenchServerSetup.EnrollHostsAsync(admin, settings.Concurrency, ct);
                now = (await admin.ClockAsync(ct)).Value.Now;

                var pools = new DevicePools(tag);
                SeedingFigures? seeding = null;
                if (plan.Total > 0)
                {
                    phase.Done($"activated, {packs.Count} key packs installed ({packs.Sum(p => (long)p.Total):N0} licenses), {hostTokens.Count} session hosts enrolled");
                    // Rows go straight into the database while no server writes to it.
                    await server.DisposeAsync();
                    server = null;
                    seeding = await SeedAsync(databases, plan, packs, now, hostTokens.Count, pools, progress, ct);
                    phase = progress.Begin("Restarting the license server");
                    server = await StartServerAsync(dataDirectory, databases, clearinghouse, ct);
                }
                phase.Done($"listening at {server.Url}, process {server.Pid}");
                using var measuredAdmin = AdminOf(server, dataDirectory);
                var target = new BenchTarget(server.Url, "child-process", databases.Describe, hostTokens, measuredAdmin, server.Pid, pools, databases, seeding,
                    settings.DataDirectory is null ? null : dataDirectory);
                return await BenchMeasurement.RunAsync(target, settings, progress, ct);
            }
        }
        finally
        {
            if (server is not null) await server.DisposeAsync();
            await databases.CleanUpAsync(keepServerData: settings.DataDirectory is not null);
            Directory.Delete(work, recursive: true);
        }
    }

    private static Task<ServerProcess> StartServerAsync(string dataDirectory, BenchDatabase databases, BenchClearinghouse clearinghouse, CancellationToken ct) =>
        ServerProcess.StartAsync(dataDirectory, databases.ServerDatabase, clearinghouse.CertificatePath, clearinghouse.Url, ct);

    private static LicenseServerClient AdminOf(ServerProcess server, string dataDirectory) => BenchServerSetup.AdminOfDataDirectory(server.Url, dataDirectory);

    private static async Task<SeedingFigures> SeedAsync(BenchDatabase databases, SeedPlan plan, List<Core.Protocol.KeyPackView> packs, DateTimeOffset now, int hosts,
        DevicePools pools, BenchProgress progress, CancellationToken ct)
    {
        var phase = progress.Begin($"Seeding {plan.Total:N0} CALs", plan.Total);
        var seeder = new CalSeeder(plan, packs, now, hosts, BenchServerSetup.HostVersion);
        var clock = Stopwatch.StartNew();
        await using var handle = databases.OpenServerStore();
        var seeded = await seeder.SeedAsync(handle.Store, new Progress<long>(rows => phase.Report(rows, $"{rows:N0} rows")), ct);
        var seconds = clock.Elapsed.TotalSeconds;
        var rate = seconds > 0 ? Math.Round(seeded.Count / seconds) : 0;
        phase.Done($"{seeded.Count:N0} rows in {seconds.ToString("0.00", CultureInfo.InvariantCulture)} s ({rate:N0} rows/s)");

        // The seeded devices present tokens signed with the server's own key, as the ones it issued would be.
        var minting = progress.Begin("Signing the seeded devices' CAL tokens");
        var key = await handle.Store.SettingAsync(IdentityKeySetting, ct)
                  ?? throw new CliException("the license server's database holds no identity key: it was not started on it.");
        using var identity = LicenseServerIdentity.FromPkcs8(Convert.FromBase64String(key));
        seeder.FillPools(pools, seeded, new CalTokenService(identity), identity.ProductId, handle.Store);
        await handle.Store.FlushTokenDigestsAsync(ct);
        minting.Done($"{pools.PermanentCount + pools.NearExpiryCount + pools.TemporaryCount:N0} devices, {pools.UserCount:N0} users");
        return new SeedingFigures(seeded.Count, Math.Round(seconds, 3), rate);
    }

    private static string NewTag() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
}
