using Microsoft.AspNetCore.Mvc;

namespace RdLicensing.LicenseServer.Console;

/// <summary>
/// GET /console/reports/{id}/csv: the console fetches the report's CSV from the license server's API with the signed-in
/// administrator's token and hands it to the browser as a download (the token never reaches the browser).
/// </summary>
public static class ReportDownloads
{
    public static IEndpointRouteBuilder MapReportDownloads(this IEndpointRouteBuilder app)
    {
        app.MapGet("/console/reports/{id}/csv", DownloadAsync).RequireAuthorization(ConsoleClaims.Scheme).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> DownloadAsync(string id, [FromServices] ManagerApi api, CancellationToken cancellationToken)
    {
        // Report ids are short hex strings; anything else cannot name one (and must not reach a file name).
        if (id.Length is 0 or > 64 || !id.All(char.IsAsciiLetterOrDigit))
            return Results.Redirect("/console/reports?missing=" + Uri.EscapeDataString(id));
        byte[] csv;
        try
        {
            csv = await api.ReportCsvAsync(id, cancellationToken);
        }
        catch (ManagerApiException e) when (e.Status == 404)
        {
            return Results.Redirect("/console/reports?missing=" + Uri.EscapeDataString(id));
        }
        catch (ManagerApiException e)
        {
            return Results.Problem(e.Message, statusCode: StatusCodes.Status502BadGateway, title: "The license server did not give the report");
        }
        return Results.File(csv, "text/csv; charset=utf-8", $"cal-usage-{id}.csv");
    }
}
