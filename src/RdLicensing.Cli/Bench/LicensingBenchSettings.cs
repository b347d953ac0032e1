namespace RdLicensing.Cli.Bench;

/// <summary>`rdlic bench licensing`'s options, checked.</summary>
/// <param name="Cals">CAL rows seeded before the measured phase (the bench's own server only).</param>
/// <param name="Postgres">--db: the PostgreSQL cluster to create the bench's databases in; null for SQLite.</param>
/// <param name="DataDirectory">--data-dir: where the bench's own server keeps its data, kept afterwards; null for a temporary directory.</param>
/// <param name="Server">--server: drive this running license server instead of starting one.</param>
/// <param name="ServerPid">--server-pid: the running server's process, for its memory figures.</param>
/// <param name="Record">--record: the file acknowledged CALs are appended to.</param>
/// <param name="Phases">--phases: the single-operation phases measured after the mixed load (issue 13's per-request targets).</param>
/// <param name="Settle">--settle: the most time a light load may take to bring the server to a steady state before anything is measured; zero for none.</param>
internal sealed record LicensingBenchSettings(
    long Cals,
    int Concurrency,
    TimeSpan Duration,
    TimeSpan WarmUp,
    TimeSpan BaselineDuration,
    LoadMix Mix,
    string? Postgres,
    string? DataDirectory,
    string? Server,
    string? AdminToken,
    int? ServerPid,
    string? Record,
    bool Json,
    BenchPhases Phases = BenchPhases.All,
    TimeSpan? Settle = null)
{
    public TimeSpan SettleLimit => Settle ?? ServerSettling.DefaultLimit;

    public const long DefaultCals = 1_000_000;
    public const long MaxCals = 10_000_000;
    public const int DefaultConcurrency = 64;
    public const int MaxConcurrency = 4096;
    public static readonly TimeSpan DefaultDuration = TimeSpan.FromSeconds(20);
    public static readonly TimeSpan DefaultBaselineDuration = TimeSpan.FromSeconds(3);

    /// <summary>A fifth of the measured duration, from 1 to 5 seconds: caches and connection pools warm, little time spent.</summary>
    public static TimeSpan DefaultWarmUp(TimeSpan duration) => TimeSpan.FromSeconds(Math.Clamp(duration.TotalSeconds / 5, 1, 5));

    public bool External => Server is not null;
}

/// <summary>
/// The phases measured after the mixed load, each with every request the same operation, at the same concurrency and for
/// the --baseline duration: what issue 13's per-request targets compare with their baselines.
/// </summary>
[Flags]
internal enum BenchPhases
{
    None = 0,
    /// <summary>Every request a present of a device's valid permanent CAL: compared with the no-op endpoint.</summary>
    Present = 1,
    /// <summary>Every request a first connection (a temporary CAL issued, one durable write): compared with the raw database rate.</summary>
    Issue = 2,
    All = Present | Issue,
}

internal static class BenchPhaseList
{
    public const string Default = "present,issue";

    /// <summary>`present`, `issue`, `present,issue` or `none`.</summary>
    public static bool TryParse(string text, out BenchPhases phases, out string error)
    {
        phases = BenchPhases.None;
        error = "";
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
        {
            error = $"--phases needs a list of phases: present, issue or none, e.g. --phases {Default}";
            return false;
        }
        foreach (var part in parts)
        {
            switch (part.ToLowerInvariant())
            {
                case "present": phases |= BenchPhases.Present; break;
                case "issue": phases |= BenchPhases.Issue; break;
                case "none" when parts.Length == 1: break;
                case "none":
                    error = $"--phases none runs no phase; it cannot be combined with '{string.Join(',', parts.Where(p => !p.Equals("none", StringComparison.OrdinalIgnoreCase)))}'";
                    return false;
                default:
                    error = $"--phases names an unknown phase '{part}': use present, issue or none, e.g. --phases {Default}";
                    return false;
            }
        }
        return true;
    }

    public static string NameOf(BenchPhases phases) => phases switch
    {
        BenchPhases.None => "none",
        BenchPhases.Present => "present",
        BenchPhases.Issue => "issue",
        _ => Default,
    };
}
