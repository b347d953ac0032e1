using System.Globalization;
using System.Text;
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
public sealed class CalUsageReport(LicenseStore store, ServerState server, TimeProvider clock)
{
    public const string Type = "cal-usage";

    public async Task<ReportRecord> CreateAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await store.WriteAsync(s => s.ExpireDueAsync(now), cancellationToken);
        var packs = await store.KeyPacksAsync(cancellationToken);
        var counts = await store.CalCountsAsync(cancellationToken);
        var live = await store.LiveCalsAsync(cancellationToken);

        var scope = $"License server {server.ProductId}";
        var csv = new StringBuilder();
        csv.AppendLine("Report,CAL Usage");
        csv.AppendLine($"Created,{Time(now)}");
        csv.AppendLine($"Scope,{Csv(scope)}");
        csv.AppendLine();
        csv.AppendLine("CAL Type,Product Version,Installed,Issued,Available,Temporary,OverUsed,Revoked");
        var rows = packs.GroupBy(p => (p.Type, p.Version)).Select(g => g.Key)
            .Union(counts.Select(c => (c.Type, c.Version))).Distinct().OrderBy(k => k.Type).ThenBy(k => k.Version);
        int perUserInstalled = 0, perUserIssued = 0, overUsed = 0;
        foreach (var (type, version) in rows)
        {
            var installed = packs.Where(p => p.Type == type && p.Version == version).Sum(p => p.Total);
            var issued = packs.Where(p => p.Type == type && p.Version == version).Sum(p => p.Issued);
            var c = counts.FirstOrDefault(x => x.Type == type && x.Version == version) ?? new CalCounts(type, version, 0, 0, 0, 0);
            csv.AppendLine(string.Join(',', type.ToDisplayName(), version.ToDisplayName(), installed, issued, installed - issued, c.Temporary, c.OverUsed, c.Revoked));
            if (type == CalType.PerUser) { perUserInstalled += installed; perUserIssued += issued + c.OverUsed; overUsed += c.OverUsed; }
        }
        csv.AppendLine();
        csv.AppendLine("CAL Id,CAL Type,Product Version,Status,Issued To User,Issued To Computer,Hardware Id,Session Host,Issue Date,Expiration Date,OverUsed,Key Pack Id");
        foreach (var cal in live)
        {
            csv.AppendLine(string.Join(',', cal.Id.ToString(CultureInfo.InvariantCulture), cal.Type.ToDisplayName(), cal.Version.ToDisplayName(),
                cal.Status.ToShortName(), Csv(cal.UserName ?? ""), Csv(cal.ClientName), Csv(cal.HardwareId ?? ""), Csv(cal.HostName),
                Time(cal.IssuedAt), Time(cal.ExpiresAt), cal.OverUsed ? "yes" : "no", cal.KeyPackId?.ToString("D") ?? ""));
        }

        var summary = $"Per User CALs installed: {perUserInstalled}, issued: {perUserIssued}" + (overUsed > 0 ? $" (OverUsed: {overUsed})" : "") +
                      $"; Per Device CALs installed: {packs.Where(p => p.Type == CalType.PerDevice).Sum(p => p.Total)}, issued: {packs.Where(p => p.Type == CalType.PerDevice).Sum(p => p.Issued)}";
        var report = new ReportRecord(Guid.NewGuid().ToString("N")[..12], Type, now, scope, summary);
        await store.WriteAsync(async s =>
        {
            await s.SaveReportAsync(report, csv.ToString());
            await s.AddEventAsync(now, LicensingEventId.ReportCreated, $"CAL Usage report {report.Id} was created: {summary}.");
        }, cancellationToken);
        return report;
    }

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    // Quote fields that could break the CSV, and neutralise spreadsheet formulas in names a client chose.
    private static string Csv(string value)
    {
        if (value.Length > 0 && "=+-@".Contains(value[0])) value = "'" + value;
        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }
}
