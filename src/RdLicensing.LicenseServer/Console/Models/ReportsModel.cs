using RdLicensing.Core.Protocol;

namespace RdLicensing.LicenseServer.Console.Models;

/// <summary>What the Reports page's Create Report form posts.</summary>
public sealed class CreateReportForm
{
    public string? Type { get; set; }
}

/// <summary>What the Delete Report confirmation posts: the report to delete.</summary>
public sealed class DeleteReportForm
{
    public string? Id { get; set; }
}

/// <summary>
/// The Reports page's logic that needs no call: the list's order and wording, which report a Delete link asks to confirm, the
/// checks of Create and Delete, and where each action leads (Post/Redirect/Get, so reloading creates or deletes nothing).
/// </summary>
public static class ReportsModel
{
    public const string CalUsage = "cal-usage";

    /// <summary>The newest first.</summary>
    public static List<ReportView> Ordered(IEnumerable<ReportView> reports) => reports.OrderByDescending(r => r.CreatedAt).ToList();

    public static string TypeName(string type) => type == CalUsage ? "CAL Usage" : type;

    /// <summary>The summary's parts, one a line ("Per Device installed: 10, issued: 4; Per User …").</summary>
    public static IReadOnlyList<string> SummaryLines(string summary) => summary.Split("; ", StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Create Report accepts the one report there is; null when it can be created.</summary>
    public static string? CheckCreate(CreateReportForm? form) =>
        form?.Type is { } type && type != CalUsage ? "The only report is CAL Usage." : null;

    /// <summary>
    /// The report a Delete link (?delete=ID) asks to confirm, or why there is none; (null, null) when no deletion is asked,
    /// or while the confirmation is being posted.
    /// </summary>
    public static (ReportView? Confirm, string? Error) ToConfirm(IReadOnlyList<ReportView> reports, string? deleteId, bool posting)
    {
        if (deleteId is not { Length: > 0 } id || posting) return (null, null);
        var report = reports.FirstOrDefault(r => r.Id == id);
        return report is null ? (null, $"There is no report {id} to delete: it may have been deleted already.") : (report, null);
    }

    /// <summary>The report to delete, or why the confirmation cannot be carried out.</summary>
    public static (string? Id, string? Error) CheckDelete(DeleteReportForm? form) =>
        form?.Id is { Length: > 0 } id ? (id, null) : (null, "Choose the report to delete in the list.");

    /// <summary>The report just created (?created=ID), when it is listed.</summary>
    public static ReportView? Created(IReadOnlyList<ReportView> reports, string? createdId) =>
        createdId is { Length: > 0 } id ? reports.FirstOrDefault(r => r.Id == id) : null;

    public static string CreatedUrl(string id) => $"/console/reports?created={Uri.EscapeDataString(id)}";

    public static string DeletedUrl(string id) => $"/console/reports?deleted={Uri.EscapeDataString(id)}";

    public static string DeleteUrl(string id) => $"/console/reports?delete={Uri.EscapeDataString(id)}#delete";

    public static string CsvUrl(string id) => $"/console/reports/{Uri.EscapeDataString(id)}/csv";
}
