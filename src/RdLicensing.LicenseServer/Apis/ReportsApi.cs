using Microsoft.AspNetCore.Http.HttpResults;
using RdLicensing.Core.Events;
using RdLicensing.Core.Protocol;
using RdLicensing.LicenseServer.Auth;
using RdLicensing.LicenseServer.Reports;
using RdLicensing.Storage;

namespace RdLicensing.LicenseServer.Apis;

public static class ReportsApi
{
    public static RouteGroupBuilder MapReportsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/admin/reports").WithTags("Reports").RequireAuthorization(TokenAuthenticationHandler.AdminRole);
        api.MapPost("/", Create).WithSummary("Create a CAL Usage report.");
        api.MapGet("/", List);
        api.MapGet("/{id}/csv", Csv).WithSummary("Download a report as CSV.")
            .WithMetadata(new ServiceDefaults.FileDownloadMetadata("text/csv", "The report as CSV (a header line, then one line a CAL)."));
        api.MapDelete("/{id}", Delete);
        return api;
    }

    public static async Task<Results<Created<ReportView>, ProblemHttpResult>> Create(ReportCreateBody body, CalUsageReport report, CancellationToken cancellationToken)
    {
        if (body.Type is not null && body.Type != CalUsageReport.Type)
            return Problems.Invalid("type", $"The only report type is '{CalUsageReport.Type}'.");
        var created = await report.CreateAsync(cancellationToken);
        return TypedResults.Created($"/api/admin/reports/{created.Id}", created.ToView());
    }

    public static async Task<Ok<IEnumerable<ReportView>>> List(LicenseStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok((await store.ReportsAsync(cancellationToken)).Select(r => r.ToView()));

    /// <summary>
    /// Streams the CSV from the database to the client as it decompresses, so a report over millions of CALs never sits
    /// in the server's memory (the answer has no Content-Length: it is only known once sent).
    /// </summary>
    public static async Task<Results<PushStreamHttpResult, ProblemHttpResult>> Csv(string id, LicenseStore store, HttpContext context, CancellationToken cancellationToken)
    {
        var csv = await store.OpenReportCsvAsync(id, cancellationToken);
        if (csv is null) return Problems.NotFound("report-not-found", $"There is no report {id}. List them with 'rdlic report list'.");
        // Released with the request, whether or not the body was written.
        context.Response.RegisterForDisposeAsync(csv);
        return TypedResults.Stream(body => csv.CopyToAsync(body, cancellationToken), "text/csv", $"cal-usage-{id}.csv");
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Delete(string id, LicenseStore store, TimeProvider clock, CancellationToken cancellationToken)
    {
        var deleted = await store.WriteAsync(async s =>
        {
            if (!await s.DeleteReportAsync(id)) return false;
            await s.AddEventAsync(clock.GetUtcNow(), LicensingEventId.ReportDeleted, $"Report {id} was deleted.");
            return true;
        }, cancellationToken);
        return deleted ? TypedResults.NoContent() : Problems.NotFound("report-not-found", $"There is no report {id}. List them with 'rdlic report list'.");
    }
}
