using System.CommandLine;
using RdLicensing.Cli.Commands;
using RdLicensing.Storage.Postgres;

namespace RdLicensing.Cli.Bench;

/// <summary>
/// `rdlic bench crash`: the crash test (<see cref="CrashTest"/>). Exit code 0 when every invariant held after every
/// kill, 1 on a breach or when the load never exercised the license pools (the verdict line says which), 2 for a usage mistake.
/// </summary>
internal static class CrashTestCommand
{
    public static Command Create(CliContext cli)
    {
        var rounds = Options.Int("--rounds", "N", $"How many times the server is killed under load and started again (default {CrashTestSettings.DefaultRounds})",
            1, CrashTestSettings.MaxRounds);
        var database = Options.Checked("--db", "CONN",
            "Run the server on PostgreSQL: a database bench_lic_… is created in the cluster CONN reaches (Host=…;Username=…) and dropped afterwards " +
            "(kept on a breach). Default SQLite",
            PostgresConnectionString.Checked, "--db must be a PostgreSQL address such as Host=127.0.0.1;Port=5432;Username=postgres or postgres://user@host:5432/postgres");
        var concurrency = Options.Int("--concurrency", "N", $"Session host requests in flight at once (default {CrashTestSettings.DefaultConcurrency})",
            1, CrashTestSettings.MaxConcurrency);
        var seed = Options.Int("--seed", "N", "Seeds the round lengths and the load's choices, to run a breach again alike (default: a random seed, printed)", 0, int.MaxValue);
        var json = Options.Flag("--json", "Print the results as JSON and nothing else");
        var command = new Command("crash",
            "Kill -9 the license server repeatedly during load (a child process, SQLite or --db PostgreSQL) and check after every restart that every CAL it " +
            "acknowledged is there, no CAL was issued twice and each pool's issued count equals the CALs holding its licenses")
        {
            rounds, database, concurrency, seed, json,
        };
        command.SetAction(async (result, ct) =>
        {
            var settings = new CrashTestSettings(
                result.GetValue(rounds) ?? CrashTestSettings.DefaultRounds,
                result.GetValue(database),
                result.GetValue(concurrency) ?? CrashTestSettings.DefaultConcurrency,
                result.GetValue(seed) ?? Random.Shared.Next(),
                result.GetValue(json));
            var report = await CrashTest.RunAsync(settings, settings.Json ? _ => { } : cli.Out.Line, ct);
            if (settings.Json) report.PrintJson(cli.Out);
            else report.PrintSummary(cli.Out);
            return report.Result == CrashTestReport.Ok ? 0 : CliException.Failure;
        });
        return command;
    }
}
