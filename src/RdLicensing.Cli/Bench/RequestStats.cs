namespace RdLicensing.Cli.Bench;

/// <summary>One kind of request the benchmark times; an upgrade is two (the sign-in report, then the CAL request).</summary>
internal enum RequestKind
{
    Present,
    First,
    SignIn,
    Upgrade,
    Renew,
    PerUser,
    /// <summary>GET /api/sessionhost/ping: the no-op baseline.</summary>
    Ping,
    /// <summary>One durable transaction written through the Storage layer: the database baseline.</summary>
    DatabaseWrite,
}

internal static class RequestKinds
{
    /// <summary>The name tables and JSON use.</summary>
    public static string Name(this RequestKind kind) => kind switch
    {
        RequestKind.SignIn => "sign-in",
        RequestKind.PerUser => "per-user",
        RequestKind.DatabaseWrite => "database-write",
        _ => kind.ToString().ToLowerInvariant(),
    };
}

/// <summary>Successful requests of one kind (their latencies and outcomes) and failed ones (counted apart, no latency).</summary>
internal sealed class RequestStats
{
    public LatencyHistogram Latency { get; } = new();

    public long Errors { get; set; }

    public Dictionary<string, long> Outcomes { get; } = new(StringComparer.Ordinal);

    public void Add(RequestStats other)
    {
        Latency.Add(other.Latency);
        Errors += other.Errors;
        foreach (var (outcome, count) in other.Outcomes) Outcomes[outcome] = Outcomes.GetValueOrDefault(outcome) + count;
    }
}

/// <summary>What one worker (or, merged, a whole run) measured: per request kind, and each distinct failure with its count.</summary>
internal sealed class RunStats
{
    private readonly RequestStats[] _byKind = Enum.GetValues<RequestKind>().Select(_ => new RequestStats()).ToArray();

    public Dictionary<string, long> Failures { get; } = new(StringComparer.Ordinal);

    public RequestStats this[RequestKind kind] => _byKind[(int)kind];

    public IEnumerable<(RequestKind Kind, RequestStats Stats)> Kinds => _byKind.Select((s, i) => ((RequestKind)i, s));

    public void Add(RunStats other)
    {
        for (var i = 0; i < _byKind.Length; i++) _byKind[i].Add(other._byKind[i]);
        foreach (var (failure, count) in other.Failures) Failures[failure] = Failures.GetValueOrDefault(failure) + count;
    }
}
