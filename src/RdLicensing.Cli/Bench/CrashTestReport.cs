using System.Globalization;
using System.Text.Json;
using RdLicensing.Cli.Output;

namespace RdLicensing.Cli.Bench;

/// <summary>One round: load, a kill while requests were in flight, the restart, the check.</summary>
/// <param name="InFlightAtKill">Workers inside a request when the server was killed.</param>
/// <param name="Recorded">CAL acknowledgements written to the record during the round.</param>
/// <param name="RestartSeconds">From the kill to the restarted server's first answer; null when it did not start again.</param>
/// <param name="LicensesTaken">Permanent Per Device and Per User CALs issued: each took a license from a pool.</param>
/// <param name="PoolEmpty">Requests that wanted a license and found none (temporary CAL kept, Per User from the OverUsed pool).</param>
/// <param name="Check">What the check after the restart found; null when there was no restart to check.</param>
/// <param name="TopUp">Licenses installed after the round for the next one ("+12 Per Device, +6 Per User licenses for an ample round 2"); null after the last.</param>
internal sealed record CrashRound(
    int Round, double LoadSeconds, int InFlightAtKill, long Answered, long Recorded, long Failed, long ConnectionErrors, long LicensesTaken, long PoolEmpty,
    double? RestartSeconds, CrashCheck? Check, string? Breach, IReadOnlyDictionary<string, long> Failures, string? TopUp = null)
{
    public string Line(int rounds)
    {
        var restart = RestartSeconds is { } seconds ? $"restarted in {Number(seconds, "0.00")} s" : "did not start again";
        var check = Breach is not null ? $"BREACH: {Breach}" : $"check OK ({Check?.Pools})";
        return $"round {Round}/{rounds}: {Number(LoadSeconds, "0.0")} s of load, killed with {InFlightAtKill} request(s) in flight, {restart}; " +
               $"{Answered:N0} requests answered ({Recorded:N0} CAL acknowledgements recorded, {LicensesTaken:N0} licenses taken, {PoolEmpty:N0} found the pool empty), " +
               $"{Failed:N0} failed ({ConnectionErrors:N0} connection errors{OtherFailures()}); {check}" + (TopUp is null ? "" : $"; then {TopUp}");
    }

    /// <summary>Failures other than a dead server's refused or cut connections: worth reading (timeouts, error statuses).</summary>
    public IEnumerable<KeyValuePair<string, long>> ServerErrors() => Failures.Where(f => !CrashLoadFigures.IsConnectionError(f.Key));

    private string OtherFailures() => Failed == ConnectionErrors ? "" : "; " + Describe(ServerErrors());

    /// <summary>"148 × upgrade: HTTP 500 (internal-error), …": the most frequent first.</summary>
    public static string Describe(IEnumerable<KeyValuePair<string, long>> failures, int shown = 4) =>
        string.Join(", ", failures.OrderByDescending(f => f.Value).Take(shown).Select(f => $"{f.Value:N0} × {f.Key}"));

    private static string Number(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}

/// <param name="Database">Where the server's data was ("sqlite:/…/licensing.db" or "postgres://host:port/bench_lic_…").</param>
/// <param name="AcknowledgedCals">Distinct CALs the server acknowledged over the whole test.</param>
/// <param name="Outcomes">Every answered request's outcome, over all rounds: permanent-issued and temporary-kept show the pool both giving and running out.</param>
/// <param name="FinalCheck">The verifier's line on the database after the server's clean stop.</param>
/// <param name="Result">"ok"; "breach" (an invariant did not hold, or the server did not come back); "inconclusive" (the load never took a
/// license or never found a pool empty — a server failing those requests would otherwise pass unseen).</param>
/// <param name="Kept">On a breach: where the data directory and record were kept, for `rdlic bench verify` and a look.</param>
internal sealed record CrashTestReport(
    string Database, int Concurrency, int SessionHosts, int Seed, string Mix, IReadOnlyList<CrashRound> Rounds, int RoundsPlanned,
    long RecordedLines, int AcknowledgedCals, IReadOnlyDictionary<string, long> Outcomes, string FinalCheck, string Result, string Verdict, string? Kept)
{
    public const string Ok = "ok";
    public const string Breach = "breach";
    public const string Inconclusive = "inconclusive";

    public bool Breached => Result == Breach;

    public void PrintJson(Render output) => output.Json(JsonSerializer.Serialize(this, Client.JsonApiClient.Json));

    /// <summary>What follows the rounds' lines (printed as they ended).</summary>
    public void PrintSummary(Render output)
    {
        output.Line("Outcomes over all rounds: " + string.Join(", ", Outcomes.Select(o => $"{o.Key} {o.Value:N0}")) + ".");
        output.Line($"After the clean stop, bench verify: {FinalCheck}");
        if (Kept is not null) output.Warning(Kept);
        if (Result != Ok) output.Loud(Verdict);
        else output.Line(Verdict);
    }

    /// <summary>Plain numbers (no separators) in the verdict: scripts read it.</summary>
    public static string OkVerdict(int rounds, int acknowledged) => string.Create(CultureInfo.InvariantCulture,
        $"crash test: OK — {rounds} rounds, {acknowledged} acknowledged CALs all present, no CAL issued twice, pools equal issued rows");

    public static string BreachVerdict(string breach) => $"crash test: BREACH — {breach}";

    public static string InconclusiveVerdict(string why) => $"crash test: INCONCLUSIVE — {why}";
}
