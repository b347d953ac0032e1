using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using RdLicensing.Cli.Client;
using RdLicensing.Core.Versions;
using RdLicensing.ServiceDefaults;

namespace RdLicensing.Cli.Bench;

/// <summary>
/// `rdlic bench crash`: kill -9 a license server repeatedly during load, and after every restart check that every CAL
/// it acknowledged is there, that no CAL was issued twice and that the pools equal the rows holding their licenses.
/// One server as a child process (activated with an in-process clearinghouse, small key packs, enrolled session hosts);
/// each round runs the load, recording every acknowledged CAL, for a random 1–3 s, SIGKILLs the server while requests
/// are in flight, starts it again on the same port and database while the load keeps coming, then stops the load and
/// checks. At the end the server is stopped cleanly and its database verified once more. On a breach the data and the
/// record are kept.
/// </summary>
internal sealed class CrashTest
{
    private readonly CrashTestSettings _settings;
    private readonly Action<string> _say;
    private readonly Random _random;
    private readonly string _work;
    private readonly string _dataDirectory;
    private readonly string _record;
    private readonly BenchDatabase _databases;
    private ServerProcess? _server;

    private CrashTest(CrashTestSettings settings, Action<string> say, string work, BenchDatabase databases)
    {
        _settings = settings;
        _say = say;
        _random = new Random(settings.Seed);
        _work = work;
        _dataDirectory = databases.DataDirectory;
        _record = Path.Combine(work, "acknowledged.tsv");
        _databases = databases;
    }

    /// <param name="say">Where each phase and round is told as it ends (nothing with --json).</param>
    public static async Task<CrashTestReport> RunAsync(CrashTestSettings settings, Action<string> say, CancellationToken ct)
    {
        var tag = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        var work = Path.Combine(Path.GetTempPath(), "rdlic-crash-" + tag);
        var dataDirectory = Path.Combine(work, "license-server");
        Directory.CreateDirectory(dataDirectory);
        var databases = await BenchDatabase.CreateAsync(dataDirectory, settings.Postgres, tag, forServer: true, ct);
        var test = new CrashTest(settings, say, work, databases);
        var keep = false;
        try
        {
            var report = await test.RunAsync(tag, ct);
            keep = report.Breached;
            return report;
        }
        finally
        {
            if (test._server is not null) await test._server.DisposeAsync();
            await databases.CleanUpAsync(keepServerData: keep);
            if (!keep) Directory.Delete(work, recursive: true);
        }
    }

    private async Task<CrashTestReport> RunAsync(string tag, CancellationToken ct)
    {
        await using var clearinghouse = await BenchClearinghouse.StartAsync(Path.Combine(_work, "clearinghouse"), ct);
        var clock = Stopwatch.StartNew();
        _server = await ServerProcess.StartAsync(_dataDirectory, _databases.ServerDatabase, clearinghouse.CertificatePath, clearinghouse.Url, ct);
        using var admin = Admin(_server.Url);
        await CrashTestLicenses.SetUpAsync(admin, clearinghouse, ct);
        var hostTokens = await BenchServerSetup.EnrollHostsAsync(admin, _settings.Concurrency, ct);
        _say($"Set up a license server at {_server.Url} ({_databases.Describe}) in {Seconds(clock.Elapsed)} s: activated, " +
             $"{CrashTestLicenses.FirstPerDevice} Per Device and {CrashTestLicenses.FirstPerUser} Per User licenses (more after each round), " +
             $"{hostTokens.Count} session hosts; " +
             $"{_settings.Concurrency} requests in flight, mix {CrashTestSettings.Mix}, seed {_settings.Seed}.");

        // Worker i speaks as host i mod N, each host with its own connections; the URL outlives every restart.
        var perHost = (_settings.Concurrency + hostTokens.Count - 1) / hostTokens.Count;
        var hosts = hostTokens.Select(token => new SessionHostCalls(_server.Url, token, perHost)).ToList();
        var rounds = new List<CrashRound>();
        var outcomes = new SortedDictionary<string, long>(StringComparer.Ordinal);
        long recordedLines;
        try
        {
            using var log = new AcknowledgedCalLog(_record);
            var load = new LicensingLoad(hosts, new DevicePools(tag), CrashTestSettings.Mix, BenchServerSetup.HostVersion.ToShortName(), log);
            // Each round's length is drawn before it: the licenses bought for it depend on it.
            var loadTime = NextLoadTime();
            for (var round = 1; round <= _settings.Rounds; round++)
            {
                var (ended, figures) = await RoundAsync(round, loadTime, load, log, admin, ct);
                foreach (var (outcome, count) in figures.Outcomes) outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + count;
                if (ended.Breach is null && round < _settings.Rounds)
                {
                    loadTime = NextLoadTime();
                    ended = ended with { TopUp = await CrashTestLicenses.TopUpAsync(admin, clearinghouse, round + 1, loadTime, figures, ended.LoadSeconds, _random, ct) };
                }
                rounds.Add(ended);
                _say(ended.Line(_settings.Rounds));
                if (ended.Breach is not null) break;
            }
            recordedLines = log.Lines;
        }
        finally
        {
            foreach (var host in hosts) host.Dispose();
        }

        // A clean stop, then the database alone, as `rdlic bench verify` would see it.
        await _server.StopAsync();
        var final = await CrashTestCheck.RunAsync(null, _databases, _record, ct);
        var breach = rounds.FirstOrDefault(r => r.Breach is not null) is { } failed ? $"round {failed.Round}: {failed.Breach}"
            : final.Breach is { } afterStop ? $"after the clean stop: {afterStop}"
            : null;
        var unexercised = breach is null ? Unexercised(rounds) : null;
        var (result, verdict) = breach is not null ? (CrashTestReport.Breach, CrashTestReport.BreachVerdict(breach))
            : unexercised is not null ? (CrashTestReport.Inconclusive, CrashTestReport.InconclusiveVerdict(unexercised))
            : (CrashTestReport.Ok, CrashTestReport.OkVerdict(rounds.Count, final.AcknowledgedCals));
        return new CrashTestReport(_databases.Describe, _settings.Concurrency, hostTokens.Count, _settings.Seed, CrashTestSettings.Mix.ToString(), rounds,
            _settings.Rounds, recordedLines, final.AcknowledgedCals, outcomes, final.Verifier, result, verdict, breach is null ? null : Kept());
    }

    /// <summary>
    /// Why the test proved little, or null: the invariants hold trivially if no request ever took a license (every
    /// upgrade failing, say) or none ever found a pool empty. The server errors seen are the likely reason.
    /// </summary>
    private static string? Unexercised(IReadOnlyList<CrashRound> rounds)
    {
        var missing = new List<string>();
        if (rounds.Sum(r => r.LicensesTaken) == 0) missing.Add("no request took a license");
        if (rounds.Sum(r => r.PoolEmpty) == 0) missing.Add("no request found a pool empty");
        if (rounds.All(r => r.InFlightAtKill == 0)) missing.Add("no kill landed with a request in flight");
        if (missing.Count == 0) return null;
        var errors = rounds.SelectMany(r => r.ServerErrors()).GroupBy(f => f.Key).Select(g => KeyValuePair.Create(g.Key, g.Sum(f => f.Value))).ToList();
        return string.Join(" and ", missing) + ", so no kill could land on that path" +
               (errors.Count > 0 ? $"; the server answered errors: {CrashRound.Describe(errors)}" : "");
    }

    private TimeSpan NextLoadTime() => TimeSpan.FromMilliseconds(
        _random.Next((int)CrashTestSettings.ShortestLoad.TotalMilliseconds, (int)CrashTestSettings.LongestLoad.TotalMilliseconds + 1));

    private async Task<(CrashRound Round, CrashLoadFigures Figures)> RoundAsync(int round, TimeSpan loadTime, LicensingLoad load, AcknowledgedCalLog log,
        LicenseServerClient admin, CancellationToken ct)
    {
        var server = _server!;
        var recordedBefore = log.Lines;
        var running = CrashTestLoad.Start(_settings.Concurrency, load.StepAsync, _random.Next());
        var inFlight = 0;
        double? restartSeconds = null;
        string? restartFailure = null;
        CrashLoadFigures figures;
        try
        {
            await Task.Delay(loadTime, ct);
            inFlight = running.InFlight;
            var sinceKill = Stopwatch.StartNew();
            await server.KillAsync();
            try
            {
                // The load keeps coming while the server starts again: session hosts do not wait for it.
                _server = await server.RestartAsync(ct);
                restartSeconds = Math.Round(sinceKill.Elapsed.TotalSeconds, 3);
                await server.DisposeAsync();
            }
            catch (CliException e)
            {
                restartFailure = $"the server did not start again after the kill: {e.Message}";
            }
        }
        finally
        {
            figures = await running.StopAsync();
        }

        CrashCheck? check = null;
        var breach = restartFailure;
        if (breach is null)
        {
            try
            {
                check = await CrashTestCheck.RunAsync(admin, _databases, _record, ct);
                breach = check.Breach;
            }
            catch (CliException e)
            {
                breach = $"the restarted server did not show its key packs: {e.Message}";
            }
        }
        long Count(params string[] names) => names.Sum(name => figures.Outcomes.GetValueOrDefault(name));
        var result = new CrashRound(round, loadTime.TotalSeconds, inFlight, figures.Answered, log.Lines - recordedBefore, figures.Failed, figures.ConnectionErrors,
            Count("permanent-issued", "per-user-issued"), Count("temporary-kept", "per-user-overused"), restartSeconds, check, breach, figures.Failures);
        return (result, figures);
    }

    private LicenseServerClient Admin(string url) => BenchServerSetup.AdminOfDataDirectory(url, _dataDirectory);

    private string Kept()
    {
        var database = _databases.IsPostgres
            ? $"its database {_databases.Describe} (check it with `rdlic bench verify --db <the cluster, Database={DatabaseName()}> --record {_record}`)"
            : $"check it with `rdlic bench verify --data-dir {_dataDirectory} --record {_record}`";
        return $"Kept for a look: the data directory {_dataDirectory}, the record {_record}, {database}.";
    }

    private string DatabaseName() => _databases.Describe[(_databases.Describe.LastIndexOf('/') + 1)..];

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture);
}
