namespace RdLicensing.Cli.Bench;

/// <summary>`rdlic bench licensing`'s options, checked.</summary>
/// <param name="Cals">CAL rows seeded before the measured phase (the bench's own server only).</param>
/// <param name="Postgres">--db: the PostgreSQL cluster to create the bench's databases in; null for SQLite.</param>
/// <param name="DataDirectory">--data-dir: where the bench's own server keeps its data, kept afterwards; null for a temporary directory.</param>
/// <param name="Server">--server: drive this running license server instead of starting one.</param>
/// <param name="ServerPid">--server-pid: the running server's process, for its memory figures.</param>
/// <param name="Record">--record: the file acknowledged CALs are appended to.</param>
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
    bool Json)
{
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
