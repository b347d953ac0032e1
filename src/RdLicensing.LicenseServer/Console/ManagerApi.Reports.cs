using RdLicensing.Core.Protocol;

namespace RdLicensing.LicenseServer.Console;

/// <summary>CAL Usage reports, as <c>rdlic report create|list|download|delete</c> call them.</summary>
public sealed partial class ManagerApi
{
    public Task<List<ReportView>> ReportsAsync(CancellationToken ct) => GetAsync<List<ReportView>>("api/admin/reports", ct);

    public Task<ReportView> CreateReportAsync(CancellationToken ct) =>
        SendAsync<ReportView>(HttpMethod.Post, "api/admin/reports", new ReportCreateBody("cal-usage"), ct);

    /// <summary>The answer carrying the report's CSV, its headers read and its body still to come: a report over a million CALs is some 200 MB.</summary>
    public Task<HttpResponseMessage> OpenReportCsvAsync(string id, CancellationToken ct) =>
        SendAsync(HttpMethod.Get, $"api/admin/reports/{Uri.EscapeDataString(id)}/csv", null, ct, HttpCompletionOption.ResponseHeadersRead);

    public async Task DeleteReportAsync(string id, CancellationToken ct)
    {
        using var _ = await SendAsync(HttpMethod.Delete, $"api/admin/reports/{Uri.EscapeDataString(id)}", null, ct);
    }
}
