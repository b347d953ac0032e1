using System.Diagnostics.Metrics;
using RdLicensing.Storage;

namespace RdLicensing.Clearinghouse.Hosting;

/// <summary>The clearinghouse's meter, "RdLicensing.Clearinghouse" (scraped at /metrics): the group commit's batch sizes.</summary>
public sealed class ClearinghouseMetrics
{
    public const string MeterName = "RdLicensing.Clearinghouse";

    public ClearinghouseMetrics(IMeterFactory meters, ClearinghouseStore store)
    {
        var meter = meters.Create(MeterName);
        var batches = meter.CreateHistogram("rdlicensing.store.commit.batch_size", "{change}", "Changes committed together by one group commit",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256] });
        store.BatchCommitted = size => batches.Record(size);
    }
}
