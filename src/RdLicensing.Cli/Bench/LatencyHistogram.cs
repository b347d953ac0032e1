using System.Numerics;

namespace RdLicensing.Cli.Bench;

/// <summary>
/// Latencies in microseconds, counted in log-linear buckets as HdrHistogram does: exact below 128 µs, then 64 buckets
/// per power of two, so any percentile is within 1/64 (1.6%) of the true value whatever the spread — from a 50 µs
/// answer to a 30 s timeout — in a fixed 16 KiB. Not thread-safe: each worker keeps its own and they are merged.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int SubBucketBits = 6;
    private const int SubBuckets = 1 << SubBucketBits;
    private const int ExactBelow = 2 * SubBuckets;

    /// <summary>Values above this (about 19 hours) are counted as this.</summary>
    private const long MaxMicroseconds = (1L << 36) - 1;

    private readonly long[] _counts = new long[IndexOf(MaxMicroseconds) + 1];

    public long Count { get; private set; }

    public long MaxMicros { get; private set; }

    private long _sum;

    public double MeanMs => Count == 0 ? 0 : _sum / (double)Count / 1000;

    public double MaxMs => MaxMicros / 1000.0;

    public void Record(TimeSpan elapsed) => RecordMicros((long)elapsed.TotalMicroseconds);

    public void RecordMicros(long micros)
    {
        micros = Math.Clamp(micros, 0, MaxMicroseconds);
        _counts[IndexOf(micros)]++;
        Count++;
        _sum += micros;
        if (micros > MaxMicros) MaxMicros = micros;
    }

    public void Add(LatencyHistogram other)
    {
        for (var i = 0; i < _counts.Length; i++) _counts[i] += other._counts[i];
        Count += other.Count;
        _sum += other._sum;
        MaxMicros = Math.Max(MaxMicros, other.MaxMicros);
    }

    /// <summary>The latency below which <paramref name="fraction"/> of the values lie (the bucket's upper edge), in milliseconds.</summary>
    public double PercentileMs(double fraction)
    {
        if (Count == 0) return 0;
        var rank = Math.Max(1, (long)Math.Ceiling(fraction * Count));
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank) return Math.Min(UpperEdge(i), MaxMicros) / 1000.0;
        }
        return MaxMs;
    }

    /// <summary>Exact below 128; above, the top 7 bits of the value pick the bucket within its power of two.</summary>
    private static int IndexOf(long micros)
    {
        if (micros < ExactBelow) return (int)micros;
        var shift = 63 - BitOperations.LeadingZeroCount((ulong)micros) - SubBucketBits;
        return (shift + 1) * SubBuckets + (int)(micros >> shift) - SubBuckets;
    }

    private static long UpperEdge(int index)
    {
        if (index < ExactBelow) return index;
        var shift = index / SubBuckets - 1;
        var sub = index % SubBuckets + SubBuckets;
        return ((long)(sub + 1) << shift) - 1;
    }
}
