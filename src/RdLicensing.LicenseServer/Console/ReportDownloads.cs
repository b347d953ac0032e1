using System.Net;

namespace RdLicensing.LicenseServer.Console;

/// <summary>
/// GET /console/reports/{id}/csv: the console fetches the report's CSV from the license server's API with the signed-in
/// administrator's token and hands it to the browser as a download (the token never reaches the browser). The CSV is
/// passed on as it arrives, never read whole.
/// </summary>
public static class ReportDownloads
{
    public static IEndpointRouteBuilder MapReportDownloads(this IEndpointRouteBuilder app)
    {
        app.MapGet("/console/reports/{id}/csv", DownloadAsync).RequireAuthorization(ConsoleClaims.Scheme).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> DownloadAsync(string id, HttpContext context, ManagerApi api, CancellationToken cancellationToken)
    {
        // Report ids are short hex strings; anything else cannot name one (and must not reach a file name).
        if (id.Length is 0 or > 64 || !id.All(char.IsAsciiLetterOrDigit)) return Missing(id);
        HttpResponseMessage response;
        try
        {
            response = await api.OpenReportCsvAsync(id, cancellationToken);
        }
        catch (ManagerApiException e) when (e.Status == (int)HttpStatusCode.NotFound)
        {
            return Missing(id);
        }
        catch (ManagerApiException e)
        {
            return Results.Problem(e.Message, statusCode: StatusCodes.Status502BadGateway, title: "The license server did not give the report");
        }
        context.Response.RegisterForDispose(response);
        return Results.Stream(await response.Content.ReadAsStreamAsync(cancellationToken), "text/csv; charset=utf-8", $"cal-usage-{id}.csv");
    }

    private static IResult Missing(string id) => Results.Redirect("/console/reports?missing=" + Uri.EscapeDataString(id));
}
