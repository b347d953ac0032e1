using RdLicensing.Core.Cals;
using RdLicensing.Core.Versions;
using RdLicensing.Storage;

namespace RdLicensing.LicenseServer.Reports;

/// <summary>
/// The CAL Usage report's list of every live CAL, the part that grows with the table. Reading a row costs more than
/// writing it, so the id span is cut into ranges read in parallel, each on its own connection and thread, as CSV rows
/// into a gzip member in a scratch file of its own; appended in id order, the members are one gzip stream of every row.
/// </summary>
internal sealed class CalUsageRows(LicenseStore store, string dataDirectory) : IAsyncDisposable
{
    // A range costs a connection, a file and a gzip header: nothing next to a thousand rows.
    private const long IdsPerRange = 1_000;

    // A report is a rare job an administrator asked for: it may take the cores for a second or two, but no more than four.
    private static readonly int MaxRanges = Math.Clamp(Environment.ProcessorCount, 1, 4);

    // CalStatus.ToShortName makes a new string per call.
    private static readonly Dictionary<CalStatus, string> StatusNames = Enum.GetValues<CalStatus>().ToDictionary(s => s, s => s.ToShortName());

    private readonly List<FileStream> _members = [];

    public async Task WriteAsync(CancellationToken cancellationToken)
    {
        var ranges = Ranges(await store.CalIdSpanAsync(cancellationToken)).ToList();
        foreach (var _ in ranges) _members.Add(ReportScratchFile.Create(dataDirectory));
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // On threads of their own: SQLite's reads complete synchronously, so awaiting them alone would run one after another.
        await Task.WhenAll(ranges.Select((range, i) => Task.Run(async () =>
        {
            try
            {
                await using var csv = CsvRowWriter.GzipMember(_members[i]);
                await foreach (var cal in store.ReportedCalsAsync(range.First, range.Last, stop.Token)) Write(csv, cal);
            }
            catch
            {
                // One range failing fails the report: the others stop rather than read on for nothing.
                await stop.CancelAsync();
                throw;
            }
        }, stop.Token)));
    }

    public async Task AppendToAsync(Stream csvGzip, CancellationToken cancellationToken)
    {
        foreach (var member in _members)
        {
            member.Position = 0;
            await member.CopyToAsync(csvGzip, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var member in _members) await member.DisposeAsync();
    }

    /// <summary>The id span cut into contiguous ranges, in id order; none when there is no CAL.</summary>
    private static IEnumerable<(long First, long Last)> Ranges((long First, long Last)? span)
    {
        if (span is not var (first, last)) yield break;
        var count = (int)Math.Clamp((last - first) / IdsPerRange + 1, 1, MaxRanges);
        var size = (last - first) / count + 1;
        for (var start = first; start <= last; start += size) yield return (start, Math.Min(last, start + size - 1));
    }

    private static void Write(CsvRowWriter csv, ReportedCal cal)
    {
        csv.Number(cal.Id);
        csv.Plain(cal.Type.ToDisplayName());
        csv.Plain(cal.Version.ToDisplayName());
        csv.Plain(StatusNames.TryGetValue(cal.Status, out var status) ? status : cal.Status.ToShortName());
        csv.Text(cal.UserName ?? "");
        csv.Text(cal.ClientName);
        csv.Text(cal.HardwareId ?? "");
        csv.Text(cal.HostName);
        csv.Time(cal.IssuedAt);
        csv.Time(cal.ExpiresAt);
        csv.Plain(cal.OverUsed ? "yes" : "no");
        csv.Id(cal.KeyPackId);
        csv.EndRow();
    }
}
