using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace RdLicensing.ServiceDefaults;

/// <summary>
/// A Prometheus scrape endpoint (text exposition format 0.0.4) over <c>System.Diagnostics.Metrics</c>: a
/// <see cref="MeterListener"/> aggregates the measurements of this service's meters only — those its own
/// <see cref="IMeterFactory"/> made (so several services in one process, as under `rdlic up` or in tests, never mix
/// their figures) whose name starts with "RdLicensing." — counters as sums, histograms as cumulative buckets,
/// observable instruments read at each scrape. Instrument names become Prometheus names with '.' → '_', "_seconds"
/// for a unit of "s" and "_total" for counters.
/// </summary>
public sealed class PrometheusMetrics : IDisposable
{
    public const string MeterPrefix = "RdLicensing.";

    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>Histogram buckets when the instrument gives none (seconds: 1 ms to 10 s).</summary>
    private static readonly double[] DefaultBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    private readonly MeterListener _listener = new();
    private readonly Dictionary<Instrument, Aggregate> _aggregates = [];
    private readonly Lock _scrape = new();

    public PrometheusMetrics(IMeterFactory meters)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (!ReferenceEquals(instrument.Meter.Scope, meters) || !instrument.Meter.Name.StartsWith(MeterPrefix, StringComparison.Ordinal)) return;
            lock (_aggregates) _aggregates[instrument] = new Aggregate(instrument);
            listener.EnableMeasurementEvents(instrument);
        };
        _listener.MeasurementsCompleted = (instrument, _) => { lock (_aggregates) _aggregates.Remove(instrument); };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        Aggregate? aggregate;
        lock (_aggregates) _aggregates.TryGetValue(instrument, out aggregate);
        aggregate?.Record(value, tags);
    }

    /// <summary>Every series of this service's instruments, observable ones read now.</summary>
    public string Scrape()
    {
        lock (_scrape)
        {
            List<Aggregate> aggregates;
            lock (_aggregates) aggregates = [.. _aggregates.Values];
            foreach (var a in aggregates.Where(a => a.Instrument.IsObservable)) a.Clear();
            _listener.RecordObservableInstruments();
            var text = new StringBuilder();
            foreach (var a in aggregates.OrderBy(a => a.Name, StringComparer.Ordinal)) a.WriteTo(text);
            return text.ToString();
        }
    }

    public void Dispose() => _listener.Dispose();

    private sealed class Aggregate(Instrument instrument)
    {
        public Instrument Instrument { get; } = instrument;

        private readonly Kind _kind = KindOf(instrument);
        private readonly double[] _bounds = BoundsOf(instrument);
        private readonly Dictionary<string, Series> _series = new(StringComparer.Ordinal);

        public string Name { get; } = PrometheusName(instrument);

        private enum Kind { Counter, Gauge, Histogram }

        private sealed class Series(string labels, int buckets)
        {
            public string Labels { get; } = labels;
            public double Value;
            public long Count;
            public readonly long[] Buckets = new long[buckets];
        }

        public void Clear()
        {
            lock (_series) _series.Clear();
        }

        public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var labels = Labels(tags);
            lock (_series)
            {
                if (!_series.TryGetValue(labels, out var series)) _series[labels] = series = new Series(labels, _bounds.Length);
                switch (_kind)
                {
                    case Kind.Gauge:
                        series.Value = value;
                        break;
                    case Kind.Counter when Instrument.IsObservable:
                        series.Value = value; // an observable counter reports its running total
                        break;
                    case Kind.Counter:
                        series.Value += value;
                        break;
                    case Kind.Histogram:
                        series.Value += value;
                        series.Count++;
                        for (var i = 0; i < _bounds.Length; i++)
                            if (value <= _bounds[i]) series.Buckets[i]++;
                        break;
                }
            }
        }

        public void WriteTo(StringBuilder text)
        {
            lock (_series)
            {
                if (Instrument.Description is { Length: > 0 } help) text.Append("# HELP ").Append(Name).Append(' ').Append(EscapeHelp(help)).Append('\n');
                text.Append("# TYPE ").Append(Name).Append(' ').Append(_kind switch { Kind.Counter => "counter", Kind.Gauge => "gauge", _ => "histogram" }).Append('\n');
                foreach (var s in _series.Values.OrderBy(s => s.Labels, StringComparer.Ordinal))
                {
                    if (_kind != Kind.Histogram)
                    {
                        Line(text, Name, s.Labels, s.Value);
                        continue;
                    }
                    for (var i = 0; i < _bounds.Length; i++)
                        Line(text, Name + "_bucket", Join(s.Labels, $"le=\"{Number(_bounds[i])}\""), s.Buckets[i]);
                    Line(text, Name + "_bucket", Join(s.Labels, "le=\"+Inf\""), s.Count);
                    Line(text, Name + "_sum", s.Labels, s.Value);
                    Line(text, Name + "_count", s.Labels, s.Count);
                }
            }
        }

        private static void Line(StringBuilder text, string name, string labels, double value)
        {
            text.Append(name);
            if (labels.Length > 0) text.Append('{').Append(labels).Append('}');
            text.Append(' ').Append(Number(value)).Append('\n');
        }

        private static string Join(string labels, string more) => labels.Length == 0 ? more : labels + "," + more;

        private static Kind KindOf(Instrument instrument)
        {
            var type = instrument.GetType();
            var definition = type.IsGenericType ? type.GetGenericTypeDefinition() : type;
            if (definition == typeof(Histogram<>)) return Kind.Histogram;
            if (definition == typeof(Counter<>) || definition == typeof(ObservableCounter<>)) return Kind.Counter;
            return Kind.Gauge; // gauges and up-down counters: a level, not a running total
        }

        private static double[] BoundsOf(Instrument instrument) => instrument switch
        {
            Instrument<int> i when i.Advice?.HistogramBucketBoundaries is { } b => [.. b.Select(x => (double)x)],
            Instrument<long> l when l.Advice?.HistogramBucketBoundaries is { } b => [.. b.Select(x => (double)x)],
            Instrument<double> d when d.Advice?.HistogramBucketBoundaries is { } b => [.. b],
            _ => DefaultBuckets,
        };

        private static string PrometheusName(Instrument instrument)
        {
            var name = new StringBuilder();
            foreach (var c in instrument.Name) name.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
            if (instrument.Unit == "s" && !instrument.Name.EndsWith("seconds", StringComparison.Ordinal)) name.Append("_seconds");
            if (KindOf(instrument) == Kind.Counter) name.Append("_total");
            return name.ToString();
        }

        private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            if (tags.Length == 0) return "";
            var pairs = new List<string>(tags.Length);
            foreach (var tag in tags)
            {
                var key = new StringBuilder();
                foreach (var c in tag.Key) key.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
                pairs.Add($"{key}=\"{EscapeLabel(Convert.ToString(tag.Value, CultureInfo.InvariantCulture) ?? "")}\"");
            }
            pairs.Sort(StringComparer.Ordinal);
            return string.Join(",", pairs);
        }

        private static string EscapeLabel(string value) => value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n");

        private static string EscapeHelp(string value) => value.Replace("\\", "\\\\").Replace("\n", "\\n");

        private static string Number(double value) =>
            double.IsPositiveInfinity(value) ? "+Inf" : double.IsNegativeInfinity(value) ? "-Inf" : double.IsNaN(value) ? "NaN"
            : value.ToString("R", CultureInfo.InvariantCulture);
    }
}

/// <summary>Maps <c>GET /metrics</c>: answered to callers on this machine (loopback) only, without a credential.</summary>
public static class PrometheusEndpoint
{
    public const string LoopbackOnly = "metrics-loopback-only";

    public static IServiceCollection AddPrometheusMetrics(this IServiceCollection services)
    {
        services.AddMetrics();
        services.AddSingleton<PrometheusMetrics>();
        return services;
    }

    /// <param name="beforeScrape">Refreshes what observable instruments read (e.g. a cached snapshot of the pools) before each scrape.</param>
    public static void MapPrometheusMetrics(this IEndpointRouteBuilder app, Func<IServiceProvider, CancellationToken, Task>? beforeScrape = null)
    {
        // Created now, so the listener sees every measurement from the start, not from the first scrape.
        var metrics = app.ServiceProvider.GetRequiredService<PrometheusMetrics>();
        app.MapGet("/metrics", async (HttpContext context, CancellationToken cancellationToken) =>
        {
            if (context.Connection.RemoteIpAddress is not { } remote || !IPAddress.IsLoopback(remote.IsIPv4MappedToIPv6 ? remote.MapToIPv4() : remote))
            {
                await ProblemTypes.WriteAsync(context.Response, StatusCodes.Status403Forbidden, LoopbackOnly, "Metrics are for this machine",
                    "/metrics answers callers on this machine only: run Prometheus (or an agent that forwards to it) on the service's machine and scrape 127.0.0.1.");
                return;
            }
            if (beforeScrape is not null) await beforeScrape(context.RequestServices, cancellationToken);
            context.Response.ContentType = PrometheusMetrics.ContentType;
            await context.Response.WriteAsync(metrics.Scrape(), cancellationToken);
        }).WithTags("Health").AllowAnonymous().ExcludeFromDescription();
    }
}
