using System.IO.Compression;
using System.Text;
using Microsoft.Extensions.Options;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Events;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Versions;
using RdLicensing.LicenseServer.Hosting;
using RdLicensing.Storage;

namespace RdLicensing.LicenseServer.Reports;

/// <summary>
/// CAL Usage report: installed and issued CALs per type and version (with OverUsed Per User CALs, which
/// the original hides), then every CAL currently issued. Saved as a snapshot so it can be downloaded later.
/// </summary>
/// <remarks>
/// The report is a copy of the CAL table, so nothing here holds it: CALs stream from the database in id order as CSV
/// rows into gzip, and the compressed CSV goes to scratch files in the data directory, then into the database in
/// chunks. Files rather than memory because compressed CSV is still some 35 bytes per CAL (35 MB at a million, ten times
/// that at ten million): on disk it costs the server's memory nothing whatever the size. Reading a row costs more than
/// writing it, so large tables are read as id ranges in parallel, one gzip member each, and the members are joined in id
/// order: concatenated gzip members are one gzip stream. Scratch files are owner-only (a report names every user and
/// device) and deleted when closed.
/// </remarks>
public sealed class CalUsageReport(LicenseStore store, ServerState server, TimeProvider clock, IOptions<LicenseServerOptions> options)
{
    public const string Type = "cal-usage";

    // Below this many ids one reader is quick enough that more connections and files would only add work.
    private const long IdsPerPart = 100_000;

    // A report is a rare, administrator-asked job: it may take the cores for a second or two, but not more than four.
    private static readonly int MaxParts = Math.Clamp(Environment.ProcessorCount, 1, 4);

    // Large enough that the gzip stream gets big writes rather than one per row.
    private const int WriterBufferChars = 64 * 1024;

    private static readonly UTF8Encoding Utf8WithoutBom = new(encoderShouldEmitUTF8Identifier: false);

    // CalStatus.ToShortName makes a new string per call.
    private static readonly Dictionary<CalStatus, string> StatusNames = Enum.GetValues<CalStatus>().ToDictionary(s => s, s => s.ToShortName());

    public async Task<ReportRecord> CreateAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await store.WriteAsync(s => s.ExpireDueAsync(now), cancellationToken);
        var packs = await store.KeyPacksAsync(cancellationToken);
        var counts = await store.CalCountsAsync(cancellationToken);
        var scope = $"License server {server.ProductId}";

        var span = await store.CalIdSpanAsync(cancellationToken);
        var parts = new List<((long First, long Last) Range, FileStream File)>();
        try
        {
            foreach (var range in Parts(span)) parts.Add((range, CreateScratchFile()));
            await WritePartsAsync(parts, cancellationToken);
            await using var csvGzip = CreateScratchFile();
            WriteMember(csvGzip, csv =>
            {
                WriteHeading(csv, now, scope);
                WritePools(csv, packs, counts);
                csv.Row("CAL Id", "CAL Type", "Product Version", "Status", "Issued To User", "Issued To Computer", "Hardware Id", "Session Host",
                    "Issue Date", "Expiration Date", "OverUsed", "Key Pack Id");
            });
            foreach (var (_, file) in parts)
            {
                file.Position = 0;
                await file.CopyToAsync(csvGzip, cancellationToken);
            }
            csvGzip.Position = 0;

            var report = new ReportRecord(Guid.NewGuid().ToString("N")[..12], Type, now, scope, Summary(packs, counts));
            await store.WriteAsync(async s =>
            {
                await s.SaveReportAsync(report, csvGzip);
                await s.AddEventAsync(now, LicensingEventId.ReportCreated, $"CAL Usage report {report.Id} was created: {report.Summary}.");
            }, cancellationToken);
            return report;
        }
        finally
        {
            foreach (var (_, file) in parts) await file.DisposeAsync();
        }
    }

    /// <summary>The id span cut into contiguous ranges, in id order; none when there is no CAL.</summary>
    private static IEnumerable<(long First, long Last)> Parts((long First, long Last)? span)
    {
        if (span is not var (first, last)) yield break;
        var count = (int)Math.Clamp((last - first) / IdsPerPart + 1, 1, MaxParts);
        var size = (last - first) / count + 1;
        for (var start = first; start <= last; start += size) yield return (start, Math.Min(last, start + size - 1));
    }

    /// <summary>Each range on a thread of its own (SQLite's reads complete synchronously); one failing stops the others.</summary>
    private async Task WritePartsAsync(IReadOnlyList<((long First, long Last) Range, FileStream File)> parts, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        await Task.WhenAll(parts.Select(part => Task.Run(async () =>
        {
            try
            {
                await using var writer = Member(part.File);
                var csv = new CsvRowWriter(writer);
                await foreach (var cal in store.ReportedCalsAsync(part.Range.First, part.Range.Last, stop.Token)) WriteCal(csv, cal);
            }
            catch
            {
                await stop.CancelAsync();
                throw;
            }
        }, stop.Token)));
    }

    private static void WriteMember(Stream file, Action<CsvRowWriter> write)
    {
        using var writer = Member(file);
        write(new CsvRowWriter(writer));
    }

    /// <summary>A gzip member appended to <paramref name="file"/>, complete when the writer is disposed; the file stays open.</summary>
    private static StreamWriter Member(Stream file) =>
        // Fastest: CSV still shrinks about fivefold, at twice the speed of the default level.
        new(new GZipStream(file, CompressionLevel.Fastest, leaveOpen: true), Utf8WithoutBom, WriterBufferChars);

    private static void WriteHeading(CsvRowWriter csv, DateTimeOffset now, string scope)
    {
        csv.Row("Report", "CAL Usage");
        csv.Plain("Created");
        csv.Time(now);
        csv.EndRow();
        csv.Plain("Scope");
        csv.Text(scope);
        csv.EndRow();
        csv.EndRow();
    }

    private static void WritePools(CsvRowWriter csv, IReadOnlyList<KeyPack> packs, IReadOnlyList<CalCounts> counts)
    {
        csv.Row("CAL Type", "Product Version", "Installed", "Issued", "Available", "Temporary", "OverUsed", "Revoked");
        foreach (var (type, version) in Pools(packs, counts))
        {
            var (installed, issued) = Licenses(packs, type, version);
            var c = Counts(counts, type, version);
            csv.Plain(type.ToDisplayName());
            csv.Plain(version.ToDisplayName());
            csv.Number(installed);
            csv.Number(issued);
            csv.Number(installed - issued);
            csv.Number(c.Temporary);
            csv.Number(c.OverUsed);
            csv.Number(c.Revoked);
            csv.EndRow();
        }
        csv.EndRow();
    }

    private static void WriteCal(CsvRowWriter csv, ReportedCal cal)
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

    private static string Summary(IReadOnlyList<KeyPack> packs, IReadOnlyList<CalCounts> counts)
    {
        int perUserInstalled = 0, perUserIssued = 0, overUsed = 0;
        foreach (var (type, version) in Pools(packs, counts).Where(p => p.Type == CalType.PerUser))
        {
            var (installed, issued) = Licenses(packs, type, version);
            var c = Counts(counts, type, version);
            perUserInstalled += installed;
            perUserIssued += issued + c.OverUsed;
            overUsed += c.OverUsed;
        }
        return $"Per User CALs installed: {perUserInstalled}, issued: {perUserIssued}" + (overUsed > 0 ? $" (OverUsed: {overUsed})" : "") +
               $"; Per Device CALs installed: {packs.Where(p => p.Type == CalType.PerDevice).Sum(p => p.Total)}, issued: {packs.Where(p => p.Type == CalType.PerDevice).Sum(p => p.Issued)}";
    }

    /// <summary>Every type and version that has a key pack or a CAL, in the table's order.</summary>
    private static IEnumerable<(CalType Type, ProductVersion Version)> Pools(IReadOnlyList<KeyPack> packs, IReadOnlyList<CalCounts> counts) =>
        packs.Select(p => (p.Type, p.Version)).Union(counts.Select(c => (c.Type, c.Version))).OrderBy(k => k.Type).ThenBy(k => k.Version);

    private static (int Installed, int Issued) Licenses(IReadOnlyList<KeyPack> packs, CalType type, ProductVersion version)
    {
        var pool = packs.Where(p => p.Type == type && p.Version == version).ToList();
        return (pool.Sum(p => p.Total), pool.Sum(p => p.Issued));
    }

    private static CalCounts Counts(IReadOnlyList<CalCounts> counts, CalType type, ProductVersion version) =>
        counts.FirstOrDefault(x => x.Type == type && x.Version == version) ?? new CalCounts(type, version, 0, 0, 0, 0);

    /// <summary>Owner-only and deleted when closed; should the process die first, the name says what the file was.</summary>
    private FileStream CreateScratchFile()
    {
        var file = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.ReadWrite, Share = FileShare.None, Options = FileOptions.DeleteOnClose };
        if (!OperatingSystem.IsWindows()) file.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        return new FileStream(Path.Combine(options.Value.DataDirectory, $"report-{Guid.NewGuid():N}.csv.gz.partial"), file);
    }
}
