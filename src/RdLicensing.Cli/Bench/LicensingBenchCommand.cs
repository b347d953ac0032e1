using System.CommandLine;
using RdLicensing.Cli.Commands;
using RdLicensing.Core.Time;
using RdLicensing.Storage.Postgres;

namespace RdLicensing.Cli.Bench;

/// <summary>
/// `rdlic bench licensing`: the license server's HTTP API under a realistic load, with baselines and figures; and
/// `rdlic bench verify`: the invariants a database must keep whatever happened to its server. Every option is checked
/// while parsing or before anything starts, so a mistake is one line and exit code 2. The benchmark exits 1 only when
/// it could not run; failed requests are figures, reported with the rest.
/// </summary>
internal static class LicensingBenchCommand
{
    private static readonly TimeSpan MaxDuration = TimeSpan.FromHours(1);

    public static Command Create(CliContext cli)
    {
        var cals = Options.Int("--cals", "N", $"CAL rows written into the database before the load (default {LicensingBenchSettings.DefaultCals:N0}; 0 for none)",
            0, (int)LicensingBenchSettings.MaxCals);
        var concurrency = Options.Int("--concurrency", "N", $"Session host connections in flight at once (default {LicensingBenchSettings.DefaultConcurrency})",
            1, LicensingBenchSettings.MaxConcurrency);
        var duration = Duration("--duration", "How long the load is measured, e.g. 20s or 2m (default 20s)");
        var warmUp = Duration("--warmup", "Load before measuring starts (default a fifth of --duration, 1s to 5s)");
        var baseline = Duration("--baseline", "How long each baseline (no-op endpoint, database) and each single-operation phase is measured (default 3s)");
        var settle = Duration("--settle", "Before measuring, run a light load until the server's code has finished compiling, for at most this long (default 1m; 0s to skip)",
            allowZero: true);
        var mix = MixOption();
        var phases = PhasesOption();
        var database = Options.Checked("--db", "CONN",
            "Run the bench's server on PostgreSQL: databases bench_lic_… (the server's) and bench_raw_… (the database baseline's) are created in the cluster CONN reaches " +
            "(Host=…;Username=…) and dropped afterwards; with --server, only the baseline's. Default SQLite",
            PostgresConnectionString.Checked, "--db must be a PostgreSQL address such as Host=127.0.0.1;Port=5432;Username=postgres or postgres://user@host:5432/postgres");
        var dataDir = Options.Text("--data-dir", "DIR", "Where the bench's own server keeps its data, kept afterwards (with --db, its database too) for `rdlic bench verify`; must be new or empty");
        var adminToken = Options.Text("--admin-token", "TOKEN", "With --server URL: an administrator token of that server (rdla_…)");
        var serverPid = Options.Int("--server-pid", "PID", "With --server URL: the server's process id, for its memory figures", 1, int.MaxValue);
        var record = Options.Text("--record", "FILE", "Append every acknowledged CAL (cal id, device or user, outcome) to FILE, flushed line by line");
        var json = Options.Flag("--json", "Print the results as JSON and nothing else");
        var command = new Command("licensing",
            "Load a license server over HTTP with a realistic mix of CAL requests (its own child-process server seeded with --cals rows, or --server URL) " +
            "and report throughput, latency percentiles, a no-op and a database baseline, the CAL usage report's time and the server's memory")
        {
            cals, concurrency, duration, warmUp, baseline, settle, mix, phases, database, dataDir, adminToken, serverPid, record, json,
        };
        command.SetAction(async (result, ct) =>
        {
            var server = result.GetValue(cli.Server);
            var measured = result.GetValue(duration) ?? LicensingBenchSettings.DefaultDuration;
            var settings = new LicensingBenchSettings(
                result.GetValue(cals) ?? LicensingBenchSettings.DefaultCals,
                result.GetValue(concurrency) ?? LicensingBenchSettings.DefaultConcurrency,
                measured,
                result.GetValue(warmUp) ?? LicensingBenchSettings.DefaultWarmUp(measured),
                result.GetValue(baseline) ?? LicensingBenchSettings.DefaultBaselineDuration,
                LoadMix.Parse(result.GetValue(mix) ?? LoadMix.Default),
                result.GetValue(database),
                result.GetValue(dataDir),
                server is null ? null : ServerUrl(server),
                result.GetValue(adminToken) ?? result.GetValue(cli.Token),
                result.GetValue(serverPid),
                result.GetValue(record),
                result.GetValue(json),
                result.GetValue(phases) ?? BenchPhases.All,
                result.GetValue(settle));
            Check(settings, explicitCals: result.GetResult(cals) is not null);

            var report = await BenchProgress.RunAsync(cli.Out, settings.Json, progress => LicensingBenchmark.RunAsync(settings, progress, ct));
            if (settings.Json) report.PrintJson(cli.Out);
            else report.Print(cli.Out);
            return 0;
        });
        return command;
    }

    public static Command Verify(CliContext cli)
    {
        var database = Options.Checked("--db", "CONN", "The PostgreSQL database to check (Host=…;Database=…;Username=… or postgres://user@host:port/database)",
            PostgresConnectionString.Checked, "--db must be a PostgreSQL address such as Host=127.0.0.1;Database=bench_lic_1a2b3c4d;Username=postgres");
        var dataDir = Options.Text("--data-dir", "DIR", "The license server data directory whose SQLite database (licensing.db) to check");
        var record = Options.ExistingFile("--record", "The file `rdlic bench licensing --record` wrote: each CAL in it must exist, owned as recorded", required: false);
        var json = Options.Json();
        var command = new Command("verify",
            "Check a license server's database after a benchmark or a crash: every recorded CAL exists, no device holds two live licenses of one version, " +
            "each key pack's issued count equals the CALs holding its licenses and stays within its total")
        {
            database, dataDir, record, json,
        };
        command.SetAction(async (result, ct) =>
        {
            var postgres = result.GetValue(database);
            var directory = result.GetValue(dataDir);
            if ((postgres is null) == (directory is null))
                throw new UsageException("bench verify needs exactly one of --db CONN (PostgreSQL) or --data-dir DIR (SQLite).");
            var sqlite = directory is null ? "" : Path.Combine(Path.GetFullPath(directory), "licensing.db");
            if (directory is not null && !File.Exists(sqlite))
                throw new UsageException($"--data-dir: there is no licensing.db in '{directory}'.");

            await using var handle = BenchDatabase.Open(postgres, sqlite);
            var verdict = await BenchVerifier.VerifyAsync(handle.Store, result.GetValue(record), ct);
            if (result.GetValue(json)) cli.Out.JsonOf(verdict);
            else cli.Out.Line(verdict.Line);
            return verdict.Breached ? CliException.Failure : 0;
        });
        return command;
    }

    /// <summary>What the parser cannot see alone: options that go together or exclude each other, and the data directory's state.</summary>
    private static void Check(LicensingBenchSettings settings, bool explicitCals)
    {
        // Found now, not after minutes of seeding.
        if (settings.Record is { } record && Path.GetDirectoryName(Path.GetFullPath(record)) is { } folder && !Directory.Exists(folder))
            throw new UsageException($"--record: the folder '{folder}' does not exist.");
        if (settings.External)
        {
            if (settings.AdminToken is null) throw new UsageException("--server URL needs --admin-token TOKEN (an administrator token of that server).");
            if (explicitCals) throw new UsageException("--cals seeds the bench's own server before it starts; with --server URL the running server's data is used as it is.");
            if (settings.DataDirectory is not null) throw new UsageException("--data-dir is for the bench's own server; leave it out with --server URL.");
        }
        else
        {
            if (settings.ServerPid is not null) throw new UsageException("--server-pid goes with --server URL; the bench knows its own server's process.");
            if (settings.DataDirectory is { } directory && Directory.Exists(directory) && Directory.EnumerateFileSystemEntries(directory).Any())
                throw new UsageException($"--data-dir '{directory}' is not empty: give a new or empty directory for the bench's server.");
        }
    }

    private static string ServerUrl(string server)
    {
        var trimmed = server.Trim().TrimEnd('/');
        return Uri.TryCreate(trimmed, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? trimmed
            : throw new UsageException($"--server must be an http:// or https:// URL, not '{server}'.");
    }

    /// <summary>A duration option of the benches (20s, 2m, 1m30s; at most 1h), and with <paramref name="allowZero"/> 0s for none.</summary>
    internal static Option<TimeSpan?> Duration(string name, string description, bool allowZero = false) => new(name)
    {
        Description = description,
        HelpName = "DURATION",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
            if (allowZero && text.Trim() is "0" or "0s") return TimeSpan.Zero;
            if (DurationText.TryParse(text, out var value) && value <= MaxDuration) return value;
            result.AddError($"{name} must be a duration like 20s, 2m or 1m30s (at most 1h{(allowZero ? ", or 0s for none" : "")}), not '{text}'");
            return null;
        },
    };

    private static Option<BenchPhases?> PhasesOption() => new("--phases")
    {
        Description = "The single-operation phases measured after the mixed load, for issue 13's per-request targets: present (every request a present " +
                      "of a valid permanent CAL, over the no-op rate), issue (every request a first connection, over the raw database rate); " +
                      $"default {BenchPhaseList.Default}, or none",
        HelpName = "LIST",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? string.Join(',', result.Tokens.Select(t => t.Value)) : "";
            if (BenchPhaseList.TryParse(text, out var phases, out var error)) return phases;
            result.AddError(error);
            return null;
        },
    };

    private static Option<string?> MixOption() => new("--mix")
    {
        Description = $"Weights of the operations ({LoadMix.NameList}); default {LoadMix.Default}",
        HelpName = "OP=W,...",
        CustomParser = result =>
        {
            var text = result.Tokens.Count > 0 ? string.Join(',', result.Tokens.Select(t => t.Value)) : "";
            if (LoadMix.TryParse(text, out var mix, out var error)) return mix.ToString();
            result.AddError(error);
            return null;
        },
    };
}
