namespace RdLicensing.Cli.Bench;

/// <summary>`rdlic bench crash`'s options, checked.</summary>
/// <param name="Rounds">How many times the server is killed (SIGKILL) under load and started again.</param>
/// <param name="Postgres">--db: the PostgreSQL cluster to create the test's database in; null for SQLite.</param>
/// <param name="Seed">Seeds the random round lengths and the load's choices, so a breach can be run again alike.</param>
internal sealed record CrashTestSettings(int Rounds, string? Postgres, int Concurrency, int Seed, bool Json)
{
    public const int DefaultRounds = 5;
    public const int MaxRounds = 1000;
    public const int DefaultConcurrency = 32;
    public const int MaxConcurrency = 1024;

    /// <summary>Each round's load lasts a random time in this range before the kill, so kills land at different moments.</summary>
    public static readonly TimeSpan ShortestLoad = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan LongestLoad = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Mostly writes — first connections, upgrades (a sign-in then a permanent CAL), new and returning Per User sign-ins —
    /// with some presentations of the permanent CALs already given: a kill then lands inside a write transaction.
    /// </summary>
    public static readonly LoadMix Mix = LoadMix.Parse("present=20,first=25,upgrade=30,peruser=25");
}
