using System.Diagnostics.Metrics;
using RdLicensing.Storage;

namespace RdLicensing.SessionHost.Diagnostics;

/// <summary>
/// The session host's meter, "RdLicensing.SessionHost" (scraped at /metrics; names in docs/OPERATIONS.md): RDP
/// licensing exchanges by result, sessions relayed to a desktop behind the endpoint, and the group commit's batch sizes.
/// </summary>
public sealed class SessionHostMetrics
{
    public const string MeterName = "RdLicensing.SessionHost";

    private readonly Counter<long> _exchanges;
    private readonly Counter<long> _relayed;

    public SessionHostMetrics(IMeterFactory meters, SessionHostStore store)
    {
        var meter = meters.Create(MeterName);
        _exchanges = meter.CreateCounter<long>("rdlicensing.rdp.licensing.exchanges", "{exchange}",
            "RDP licensing exchanges decided at the endpoint, by result: licensed, temporary (a temporary CAL), refused");
        _relayed = meter.CreateCounter<long>("rdlicensing.rdp.relayed.sessions", "{session}", "RDP connections relayed to a desktop behind the endpoint");
        var batches = meter.CreateHistogram("rdlicensing.store.commit.batch_size", "{change}", "Changes committed together by one group commit",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256] });
        store.BatchCommitted = size => batches.Record(size);
    }

    public void Exchange(bool allowed, bool temporary) =>
        _exchanges.Add(1, new KeyValuePair<string, object?>("result", !allowed ? "refused" : temporary ? "temporary" : "licensed"));

    public void Relayed() => _relayed.Add(1);
}
