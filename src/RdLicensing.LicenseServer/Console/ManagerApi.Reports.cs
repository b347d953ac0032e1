using RdLicensing.Core.Protocol;

namespace RdLicensing.LicenseServer.Console;

/// <summary>CAL Usage reports, as <c>rdlic report create|list|download|delete</c> call them.</summary>
public sealed partial class ManagerApi
{
    public Task<List<ReportView>> ReportsAsync(CancellationToken ct) => GetAsync<List<ReportView>>("api/admin/reports", ct);

    public Task<ReportView> CreateReportAsync(CancellationToken ct) =>
        SendAsync<ReportView>(HttpMethod.Post, "api/admin/reports", new ReportCreateBody("cal-usage"), ct);

    /// <summary>The report's CSV exactly as the license server saved it.</summary>
    public async Task<byte[]> ReportCsvAsync(string id, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Get, $"api/admin/reports/{Uri.EscapeDataString(id)}/csv", null, ct);
        return await response.Content.ReadAsByteArrayAsync(ct);
    }

    public async Task DeleteReportAsync(string id, CancellationToken ct)
    {
        using var _ = await SendAsync(HttpMethod.Delete, $"api/admin/reports/{Uri.EscapeDataString(id)}", null, ct);
    }
}
