using System.Diagnostics.Metrics;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Versions;
using RdLicensing.Storage;

namespace RdLicensing.LicenseServer.Licensing;

/// <summary>
/// The license server's meter, "RdLicensing.LicenseServer" (scraped at /metrics; names in docs/OPERATIONS.md): CAL
/// requests by outcome and type, their latency, the group commit's batch sizes, and — from a snapshot read from the
/// database at most every <see cref="SnapshotMaxAge"/>, never once per scrape — the pools per version and type
/// (installed, issued, available, as `rdlic server status` counts them), OverUsed Per User CALs and each session host's
/// grace days left; how presented CAL tokens were known (<see cref="VerifiedCalTokens"/>).
/// </summary>
public sealed class LicensingMetrics
{
    public const string MeterName = "RdLicensing.LicenseServer";

    public static readonly TimeSpan SnapshotMaxAge = TimeSpan.FromSeconds(2);

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;
    private readonly Histogram<int> _batches;
    private readonly LicenseStore _store;
    private readonly TimeProvider _clock;
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private volatile Snapshot _snapshot = new([], [], [], null);

    private sealed record Pool(string Version, string Type, int Installed, int Issued, int Available);

    private sealed record Snapshot(IReadOnlyList<Pool> Pools, IReadOnlyList<(string Version, int Count)> OverUsed,
        IReadOnlyList<(string Host, double DaysLeft)> Grace, long? TakenAt);

    public LicensingMetrics(IMeterFactory meters, LicenseStore store, TimeProvider clock, VerifiedCalTokens tokenChecks)
    {
        _store = store;
        _clock = clock;
        var meter = meters.Create(MeterName);
        _requests = meter.CreateCounter<long>("rdlicensing.cal.requests", "{request}", "CAL requests from session hosts, by outcome and CAL type");
        _duration = meter.CreateHistogram<double>("rdlicensing.cal.request.duration", "s", "Time to answer a CAL request (decision and commit)");
        _batches = meter.CreateHistogram("rdlicensing.store.commit.batch_size", "{change}", "Changes committed together by one group commit",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256] });
        meter.CreateObservableGauge("rdlicensing.licenses.installed", () => Pools(p => p.Installed), "{license}",
            "Licenses in key packs not expired, per version and CAL type");
        meter.CreateObservableGauge("rdlicensing.licenses.issued", () => Pools(p => p.Issued), "{license}",
            "Licenses taken by issued CALs, per version and CAL type");
        meter.CreateObservableGauge("rdlicensing.licenses.available", () => Pools(p => p.Available), "{license}",
            "Licenses left to issue, per version and CAL type");
        meter.CreateObservableGauge("rdlicensing.cals.overused", () => _snapshot.OverUsed.Select(o =>
            new Measurement<int>(o.Count, new KeyValuePair<string, object?>("version", o.Version))), "{cal}",
            "Per User CALs issued from the OverUsed pool (a license terms breach), per version");
        meter.CreateObservableGauge("rdlicensing.host.grace.days_left", () => _snapshot.Grace.Select(g =>
            new Measurement<double>(g.DaysLeft, new KeyValuePair<string, object?>("host", g.Host))), "d",
            "Days left in each session host's licensing grace period as the host last reported it (0 when ended)");
        meter.CreateObservableCounter<long>("rdlicensing.cal.token.checks", () =>
        {
            var (hits, misses) = tokenChecks.Statistics;
            return (IEnumerable<Measurement<long>>)
            [
                new Measurement<long>(hits, new KeyValuePair<string, object?>("by", "cache")),
                new Measurement<long>(tokenChecks.StoredMatches, new KeyValuePair<string, object?>("by", "recorded-digest")),
                new Measurement<long>(misses, new KeyValuePair<string, object?>("by", "signature")),
            ];
        }, "{token}", "Presented CAL tokens, by how they were known: this process's cache, the digest their CAL row records, or an ECDSA signature check");
        store.BatchCommitted = size => _batches.Record(size);
    }

    /// <summary>Time of a CAL request measured on the system's monotonic clock (a simulated clock may jump).</summary>
    public long StartRequest() => TimeProvider.System.GetTimestamp();

    public void RequestAnswered(long started, string outcome, CalType type)
    {
        KeyValuePair<string, object?>[] tags = [new("outcome", outcome), new("type", type.ToShortName())];
        _requests.Add(1, tags);
        _duration.Record(TimeProvider.System.GetElapsedTime(started).TotalSeconds, tags);
    }

    /// <summary>Reads the pools, OverUsed counts and grace periods again when the snapshot is older than <see cref="SnapshotMaxAge"/>.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        if (IsFresh) return;
        await _refresh.WaitAsync(cancellationToken);
        try
        {
            if (IsFresh) return;
            var now = _clock.GetUtcNow();
            var packs = await _store.KeyPacksAsync(cancellationToken);
            var counts = await _store.CalCountsAsync(cancellationToken);
            var hosts = await _store.SessionHostGraceAsync(cancellationToken);
            var pools = packs.Where(p => !p.IsExpired(now)).GroupBy(p => (p.Version, p.Type))
                .Select(g => new Pool(g.Key.Version.ToShortName(), g.Key.Type.ToShortName(), g.Sum(p => p.Total), g.Sum(p => p.Issued), g.Sum(p => p.Available)))
                .ToList();
            var overUsed = counts.Where(c => c.Type == CalType.PerUser).GroupBy(c => c.Version)
                .Select(g => (g.Key.ToShortName(), g.Sum(c => c.OverUsed))).ToList();
            var grace = hosts.Where(h => h.GraceEndsAt is not null)
                .Select(h => (h.Name, Math.Max(0, Math.Round((h.GraceEndsAt!.Value - now).TotalDays, 2)))).ToList();
            _snapshot = new Snapshot(pools, overUsed, grace, TimeProvider.System.GetTimestamp());
        }
        finally
        {
            _refresh.Release();
        }
    }

    private bool IsFresh => _snapshot.TakenAt is { } taken && TimeProvider.System.GetElapsedTime(taken) < SnapshotMaxAge;

    private IEnumerable<Measurement<int>> Pools(Func<Pool, int> value) => _snapshot.Pools.Select(p =>
        new Measurement<int>(value(p), new KeyValuePair<string, object?>("version", p.Version), new KeyValuePair<string, object?>("type", p.Type)));
}
