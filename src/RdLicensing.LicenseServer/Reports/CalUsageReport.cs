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
/// The report is a copy of the CAL table, so nothing here holds it: CALs stream from the database as CSV rows into gzip
/// (<see cref="CalUsageRows"/>), which goes to scratch files, then into the database in chunks. Files rather than memory
/// because compressed CSV is still some 35 bytes per CAL (35 MB at a million, ten times that at ten million): on disk it
/// costs the server's memory nothing whatever the size.
/// </remarks>
public sealed class CalUsageReport(LicenseStore store, ServerState server, TimeProvider clock, IOptions<LicenseServerOptions> options)
{
    public const string Type = "cal-usage";

    public async Task<ReportRecord> CreateAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await store.WriteAsync(s => s.ExpireDueAsync(now), cancellationToken);
        var scope = $"License server {server.ProductId}";

        // The totals are counted while the rows are written: both read the whole table.
        await using var rows = new CalUsageRows(store, options.Value.DataDirectory);
        var writingRows = rows.WriteAsync(cancellationToken);
        IReadOnlyList<KeyPack> packs;
        IReadOnlyList<CalCounts> counts;
        try
        {
            packs = await store.KeyPacksAsync(cancellationToken);
            counts = await store.CalCountsAsync(cancellationToken);
        }
        finally
        {
            // Never leave the rows writing into files about to be closed.
            await writingRows;
        }
        await using var csvGzip = ReportScratchFile.Create(options.Value.DataDirectory);
        await using (var csv = CsvRowWriter.GzipMember(csvGzip))
        {
            WriteHeading(csv, now, scope);
            WritePools(csv, packs, counts);
            csv.Row("CAL Id", "CAL Type", "Product Version", "Status", "Issued To User", "Issued To Computer", "Hardware Id", "Session Host",
                "Issue Date", "Expiration Date", "OverUsed", "Key Pack Id");
        }
        await rows.AppendToAsync(csvGzip, cancellationToken);
        csvGzip.Position = 0;

        var report = new ReportRecord(Guid.NewGuid().ToString("N")[..12], Type, now, scope, Summary(packs, counts));
        await store.WriteAsync(async s =>
        {
            await s.SaveReportAsync(report, csvGzip);
            await s.AddEventAsync(now, LicensingEventId.ReportCreated, $"CAL Usage report {report.Id} was created: {report.Summary}.");
        }, cancellationToken);
        return report;
    }

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

    private static string Summary(IReadOnlyList<KeyPack> packs, IReadOnlyList<CalCounts> counts)
    {
        int perUserInstalled = 0, perUserIssued = 0, overUsed = 0;
        foreach (var (type, version) in Pools(packs, counts).Where(p => p.Type == CalType.PerUser))
        {
            var (installed, issued) = Licenses(packs, type, version);
            var c = Counts(counts, type, version);
            perUserInstalled += installed;
            perUserIssued += issued; // from the installed licenses, as the CSV's Issued column and Key packs count them
            overUsed += c.OverUsed;
        }
        return $"Per User CALs installed: {perUserInstalled}, issued: {perUserIssued}" + (overUsed > 0 ? $", OverUsed: {overUsed}" : "") +
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
}
