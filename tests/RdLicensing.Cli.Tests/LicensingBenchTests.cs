using System.Text.Json;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace RdLicensing.Cli.Tests;

/// <summary>
/// `rdlic bench licensing` and `rdlic bench verify` as behaviours: a quick run against the bench's own child-process
/// server reports every figure it promises, its record of acknowledged CALs verifies against the kept database, and a
/// breach is caught. No timing is asserted: these machines are shared.
/// </summary>
public sealed class LicensingBenchTests
{
    [Fact]
    public async Task A_quick_run_on_sqlite_reports_rates_percentiles_baselines_and_ratios_and_its_record_verifies()
    {
        var data = Rdlic.TemporaryDirectory("rdl-bench-");
        var record = data + ".record";
        try
        {
            var result = await Rdlic.RunAsync("bench", "licensing", "--cals", "2000", "--duration", "2s", "--concurrency", "16", "--baseline", "1s",
                "--settle", "4s", "--record", record, "--data-dir", data);

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Equal("", result.Stderr);
            var output = result.Stdout;
            Assert.Contains("Seeded 2,000 CALs straight into the database", output);
            // Before anything is measured a light load runs while the server's code is compiled (watched in /proc), at most --settle.
            Assert.Matches(@"Server (brought to a steady state first: [\d.]+ s of light load \(every request kind, 4 at a time\) until the runtime's tiered compiler was idle, having used [\d.]+ s of CPU\.|" +
                           @"NOT at a steady state: after [\d.]+ s of light load \(--settle\) the runtime's tiered compiler was still working \([\d.]+ s of CPU so far\))", output);
            Assert.Matches(@"│ present\s+│ [1-9]\d*\s+│ [\d.]+\s+│ [\d.]+\s+│ [\d.]+\s+│ [\d.]+\s+│", output);
            Assert.Matches(@"│ all\s+│ [1-9]\d*\s+│", output);
            Assert.Matches(@"CAL requests \(the issuance path, sign-ins aside\): [\d,.]+/s, of which wrote a CAL [\d,.]+/s; all requests [\d,.]+/s, p50 [\d.]+ ms, p99 [\d.]+ ms, p99\.9 [\d.]+ ms\.", output);
            // No ", N errors" before the full stop: the ping endpoint answered every request.
            Assert.Matches(@"No-op baseline \(GET /api/sessionhost/ping, 16 concurrent, 1 s\): [\d,.]+ requests/s, p50 [\d.]+ ms, p99 [\d.]+ ms\.", output);
            Assert.Matches(@"Database baseline \(sqlite:.*16 concurrent writers, 1 s\): [\d,.]+ transactions/s", output);
            Assert.Matches(@"Ratios: CAL requests / no-op requests = \d+\.\d+; CAL requests / database transactions = \d+\.\d+; CAL writes / database transactions = \d+\.\d+\.", output);
            Assert.Matches(@"CAL usage report over the whole database: [\d.]+ s", output);
            Assert.Matches(@"resident memory \(VmRSS\): peak [\d.]+ MiB, at the end [\d.]+ MiB", output);
            Assert.Matches(@"│ present\s+│.*valid \d+", output); // presented CALs were answered valid
            // 16 connections speak as two session hosts: a seeded device's sign-in goes through the host its temporary CAL names.
            Assert.Matches(@"from 2 session host\(s\)", output);
            Assert.Matches(@"│ sign-in\s+│ [1-9]\d*\s+│ [\d.]+\s+│ [\d.]+\s+│ [\d.]+\s+│ [\d.]+\s+│ [\d.]+\s+│ 0\s+│", output);
            Assert.DoesNotContain("request(s) failed during the measured window", output);

            // The single-operation phases, after the mixed load, at its concurrency for the --baseline duration: non-zero rates, no errors
            // (no ", N errors" before the answers), every present answered valid and every first connection issued a temporary CAL.
            // A server fast enough to go round the seeded devices within the second says how often each presented.
            Assert.Matches(@"Present-only phase \(every request a present of a device's valid permanent CAL, cycling through [\d,]+ devices: [\d,]+ presents by [1-9][\d,]* distinct devices(, each about [\d.]+ times)?; " +
                           @"16 concurrent, 1 s warm-up, 1 s\): [1-9][\d,]*\.\d requests/s, p50 [\d.]+ ms, p99 [\d.]+ ms; answers valid [1-9]\d*; " +
                           // Every presented token was one the server signed: known from its cache or its CAL row's recorded digest (the
                           // seeded rows record the digests of the tokens the bench signed), none by a signature check.
                           @"the server knew the presented tokens \(warm-up included\) from its cache [\d,]+ times, by their CAL rows' recorded digest [\d,]+, by a signature check 0\.", output);
            Assert.Matches(@"Issue-only phase \(every request a first connection: a temporary CAL issued, one durable write each; 16 concurrent, 1 s warm-up, 1 s\): " +
                           @"[1-9][\d,]*\.\d requests/s, p50 [\d.]+ ms, p99 [\d.]+ ms; answers temporary-issued [1-9]\d*\.", output);
            Assert.Matches(@"Single-operation ratios: present-only / no-op requests = \d+\.\d+; issue-only / database transactions = \d+\.\d+\.", output);
            // Issue 13's table names the phase each figure is measured on, beside its same-run baseline.
            Assert.Matches(@"│ CAL requests ÷ no-op\s+│ [\d.]+\s+│ mixed load \([\d.]+/s\) ÷ no-op endpoint [\d.]+/s\s+│ ≥ 0\.5\s+│", output);
            Assert.Matches(@"│ CAL writes ÷ raw durable database rate\s+│ [\d.]+\s+│ issue-only phase \([1-9][\d.]*/s\) ÷ raw durable one-transaction-each writes [\d.]+/s\s+│ ≥ 1\.0\s+│", output);
            Assert.Matches(@"│ present \(valid CAL\) ÷ no-op\s+│ [\d.]+\s+│ present-only phase \([1-9][\d.]*/s\) ÷ no-op endpoint [\d.]+/s\s+│ ≥ 0\.8\s+│", output);
            Assert.Matches(@"│ all requests p99 \(ms\)\s+│ [\d.]+\s+│ mixed load, all requests\s+│ ≤ 50\s+│", output);
            // The mix's own present and writes ratios stay, for information.
            Assert.Matches(@"For information, on the mixed load: present in the mix ÷ no-op = \d+\.\d+ \(presents were \d+% of its requests, so at most that share of the no-op rate\); " +
                           @"CAL writes in the mix ÷ raw = \d+\.\d+ \(writes were \d+% of its requests\)\.", output);

            var recorded = File.ReadLines(record).Where(l => !l.StartsWith('#')).ToList();
            Assert.NotEmpty(recorded);
            Assert.Contains($"Recorded {recorded.Count:N0} acknowledged CALs in {Path.GetFullPath(record)}.", output);
            var verified = await Rdlic.RunAsync("bench", "verify", "--data-dir", data, "--record", record);
            Assert.True(verified.ExitCode == 0, verified.ToString());
            Assert.StartsWith("OK: ", verified.Stdout);
            Assert.Single(verified.Stdout.Trim().Split('\n'));

            // An acknowledged CAL that is gone is a breach: one line, exit 1. A temporary CAL holds no license, so only this breaks.
            var lost = long.Parse(recorded.First(l => l.EndsWith("\ttemporary-issued", StringComparison.Ordinal)).Split('\t')[0]);
            await using (var db = new SqliteConnection($"Data Source={Path.Combine(data, "licensing.db")};Pooling=False"))
            {
                await db.OpenAsync();
                await using var delete = new SqliteCommand($"DELETE FROM events WHERE cal_id = {lost}; DELETE FROM issued_cals WHERE id = {lost}", db);
                await delete.ExecuteNonQueryAsync();
            }
            var breached = await Rdlic.RunAsync("bench", "verify", "--data-dir", data, "--record", record);
            Assert.True(breached.ExitCode == 1, breached.ToString());
            Assert.StartsWith("BREACH: 1 acknowledged CAL(s) missing", breached.Stdout);
        }
        finally
        {
            if (Directory.Exists(data)) Directory.Delete(data, recursive: true);
            File.Delete(record);
        }
    }

    [PostgresBenchFact]
    public async Task A_quick_run_on_postgres_reports_json_and_keeps_a_database_that_verifies()
    {
        var data = Rdlic.TemporaryDirectory("rdl-bench-pg-");
        var record = data + ".record";
        string? kept = null;
        try
        {
            var result = await Rdlic.RunAsync("bench", "licensing", "--cals", "2000", "--duration", "2s", "--concurrency", "8", "--baseline", "1s", "--settle", "0s",
                "--db", ThrowawayPostgres.AdminConnectionString!, "--data-dir", data, "--record", record, "--json");

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Equal("", result.Stderr);
            using var report = JsonDocument.Parse(result.Stdout);
            var root = report.RootElement;
            Assert.Equal("child-process", root.GetProperty("mode").GetString());
            var database = root.GetProperty("database").GetString()!;
            Assert.Matches(@"^postgres://127\.0\.0\.1:\d+/bench_lic_[0-9a-f]{8}$", database);
            kept = new NpgsqlConnectionStringBuilder(ThrowawayPostgres.AdminConnectionString) { Database = database[(database.LastIndexOf('/') + 1)..] }.ConnectionString;
            Assert.Equal(2000, root.GetProperty("seeding").GetProperty("cals").GetInt64());
            // --settle 0s: nothing ran before the measurement, and the report says what that means.
            var settling = root.GetProperty("settling");
            Assert.Equal(0, settling.GetProperty("seconds").GetDouble());
            Assert.Equal(JsonValueKind.Null, settling.GetProperty("settled").ValueKind);
            Assert.Contains("--settle 0s", settling.GetProperty("line").GetString());
            Assert.True(root.GetProperty("calRequestsPerSecond").GetDouble() > 0);
            Assert.True(root.GetProperty("overall").GetProperty("p99Ms").GetDouble() > 0);
            var ping = root.GetProperty("noOp").GetProperty("figures");
            Assert.True(ping.GetProperty("requestsPerSecond").GetDouble() > 0);
            Assert.Equal(0, ping.GetProperty("errors").GetInt64());
            Assert.Equal(ping.GetProperty("requests").GetInt64(), ping.GetProperty("outcomes").GetProperty("ok").GetInt64());
            Assert.Contains("bench_raw_", root.GetProperty("databaseBaseline").GetProperty("what").GetString());
            Assert.True(root.GetProperty("ratios").GetProperty("calRequestsToDatabase").GetDouble() > 0);
            Assert.Contains(root.GetProperty("operations").EnumerateArray(), o => o.GetProperty("operation").GetString() == "present");
            foreach (var (phase, operation) in new[] { ("presentOnly", "present"), ("issueOnly", "first") })
            {
                var figures = root.GetProperty(phase).GetProperty("figures");
                Assert.Equal(operation, figures.GetProperty("operation").GetString());
                Assert.True(figures.GetProperty("requestsPerSecond").GetDouble() > 0, phase);
                Assert.Equal(0, figures.GetProperty("errors").GetInt64());
            }
            Assert.True(root.GetProperty("presentOnly").GetProperty("distinctDevices").GetInt64() > 0);
            var tokenChecks = root.GetProperty("presentOnly").GetProperty("tokenChecks");
            Assert.True(tokenChecks.GetProperty("cache").GetInt64() + tokenChecks.GetProperty("recordedDigest").GetInt64() > 0);
            Assert.Equal(0, tokenChecks.GetProperty("signature").GetInt64());
            Assert.True(root.GetProperty("ratios").GetProperty("presentOnlyToNoOp").GetDouble() > 0);
            Assert.Contains(root.GetProperty("targets").EnumerateArray(),
                t => t.GetProperty("figure").GetString() == "present (valid CAL) ÷ no-op" && t.GetProperty("baseline").GetString()!.StartsWith("present-only phase (", StringComparison.Ordinal));

            var verified = await Rdlic.RunAsync("bench", "verify", "--db", kept, "--record", record);
            Assert.True(verified.ExitCode == 0, verified.ToString());
            Assert.StartsWith("OK: ", verified.Stdout);
        }
        finally
        {
            if (kept is not null) await ThrowawayPostgres.DropDatabaseAsync(kept);
            if (Directory.Exists(data)) Directory.Delete(data, recursive: true);
            File.Delete(record);
        }
    }

    [Theory]
    [InlineData("rdlic: --cals must be a whole number from 0 to 10000000", "--cals", "lots")]
    [InlineData("rdlic: --concurrency must be a whole number from 1 to 4096", "--concurrency", "0")]
    [InlineData("rdlic: --duration must be a duration like 20s, 2m or 1m30s (at most 1h), not 'soon'", "--duration", "soon")]
    [InlineData("rdlic: --settle must be a duration like 20s, 2m or 1m30s (at most 1h, or 0s for none), not 'soon'", "--settle", "soon")]
    [InlineData("rdlic: --mix names an unknown operation 'login': use present, first, upgrade, renew, peruser, e.g. present=60,first=10,upgrade=10,renew=5,peruser=15", "--mix", "present=50,login=50")]
    [InlineData("rdlic: --mix needs at least one operation with a weight above 0, e.g. present=60,first=10,upgrade=10,renew=5,peruser=15", "--mix", "present=0")]
    [InlineData("rdlic: --db must be a PostgreSQL address such as Host=127.0.0.1;Port=5432;Username=postgres or postgres://user@host:5432/postgres", "--db", "mysql://x")]
    [InlineData("rdlic: --server URL needs --admin-token TOKEN (an administrator token of that server).", "--server", "http://127.0.0.1:5080")]
    [InlineData("rdlic: --cals seeds the bench's own server before it starts; with --server URL the running server's data is used as it is.",
        "--server", "http://127.0.0.1:5080", "--admin-token", "rdla_x", "--cals", "10")]
    [InlineData("rdlic: --server-pid goes with --server URL; the bench knows its own server's process.", "--server-pid", "42")]
    [InlineData("rdlic: --record: the folder '/nonexistent' does not exist.", "--record", "/nonexistent/record.tsv")]
    [InlineData("rdlic: --phases names an unknown phase 'login': use present, issue or none, e.g. --phases present,issue", "--phases", "present,login")]
    [InlineData("rdlic: --phases none runs no phase; it cannot be combined with 'issue'", "--phases", "none,issue")]
    public async Task Wrong_options_are_one_line_and_exit_2(string expected, params string[] args)
    {
        Assert.Equal(expected, Rdlic.OneErrorLine(await Rdlic.RunAsync(["bench", "licensing", .. args]), 2));
    }

    [Fact]
    public async Task A_data_directory_in_use_is_refused_before_anything_starts()
    {
        var data = Rdlic.TemporaryDirectory("rdl-bench-used-");
        Directory.CreateDirectory(data);
        await File.WriteAllTextAsync(Path.Combine(data, "licensing.db"), "");
        try
        {
            var line = Rdlic.OneErrorLine(await Rdlic.RunAsync("bench", "licensing", "--data-dir", data), 2);
            Assert.Equal($"rdlic: --data-dir '{data}' is not empty: give a new or empty directory for the bench's server.", line);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task Verify_needs_one_database_that_exists()
    {
        Assert.Equal("rdlic: bench verify needs exactly one of --db CONN (PostgreSQL) or --data-dir DIR (SQLite).",
            Rdlic.OneErrorLine(await Rdlic.RunAsync("bench", "verify"), 2));
        var missing = Rdlic.TemporaryDirectory("rdl-bench-none-");
        Assert.Equal($"rdlic: --data-dir: there is no licensing.db in '{missing}'.",
            Rdlic.OneErrorLine(await Rdlic.RunAsync("bench", "verify", "--data-dir", missing), 2));
        Assert.Equal("rdlic: --record: file '/nonexistent/record' does not exist",
            Rdlic.OneErrorLine(await Rdlic.RunAsync("bench", "verify", "--data-dir", missing, "--record", "/nonexistent/record"), 2));
    }
}

/// <summary>A benchmark test on PostgreSQL: it needs the cluster ./test.sh starts.</summary>
public sealed class PostgresBenchFactAttribute : FactAttribute
{
    public PostgresBenchFactAttribute()
    {
        if (!ThrowawayPostgres.Available) Skip = $"needs PostgreSQL: ./test.sh starts a throwaway cluster and sets {ThrowawayPostgres.Variable}";
    }
}
