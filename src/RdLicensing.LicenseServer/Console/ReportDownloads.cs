using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text.Json;

namespace RdLicensing.LicenseServer.Console;

/// <summary>
/// GET /console/reports/{id}/csv: the console fetches the report's CSV from the license server's API with the signed-in
/// administrator's token and hands it to the browser as a download (the token never reaches the browser).
/// </summary>
/// <remarks>
/// A report over a million CALs is some 200 MB of CSV, so it is passed on as it arrives rather than read whole: that is
/// why this asks the API itself, for the answer's headers only, where <see cref="ManagerApi"/> reads every answer in full.
/// </remarks>
public static class ReportDownloads
{
    public static IEndpointRouteBuilder MapReportDownloads(this IEndpointRouteBuilder app)
    {
        app.MapGet("/console/reports/{id}/csv", DownloadAsync).RequireAuthorization(ConsoleClaims.Scheme).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> DownloadAsync(string id, HttpContext context, IHttpClientFactory clients, CancellationToken cancellationToken)
    {
        // Report ids are short hex strings; anything else cannot name one (and must not reach a file name).
        if (id.Length is 0 or > 64 || !id.All(char.IsAsciiLetterOrDigit)) return Missing(id);
        var server = context.User.FindFirstValue(ConsoleClaims.ServerUrl)!;
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(new Uri(server.TrimEnd('/') + "/"), $"api/admin/reports/{id}/csv"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", context.User.FindFirstValue(ConsoleClaims.Token));
        HttpResponseMessage response;
        try
        {
            response = await clients.CreateClient(ManagerApi.HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            return NotGiven($"The license server at {server} cannot be reached ({(e.InnerException?.Message ?? e.Message).TrimEnd('.')}).");
        }
        context.Response.RegisterForDispose(response);
        if (response.StatusCode == HttpStatusCode.NotFound) return Missing(id);
        if (!response.IsSuccessStatusCode) return NotGiven(await RefusalAsync(response, server, cancellationToken));
        return Results.Stream(await response.Content.ReadAsStreamAsync(cancellationToken), "text/csv; charset=utf-8", $"cal-usage-{id}.csv");
    }

    private static IResult Missing(string id) => Results.Redirect("/console/reports?missing=" + Uri.EscapeDataString(id));

    private static IResult NotGiven(string message) =>
        Results.Problem(message, statusCode: StatusCodes.Status502BadGateway, title: "The license server did not give the report");

    /// <summary>What the license server said, as <see cref="ManagerApi"/> words a refusal.</summary>
    private static async Task<string> RefusalAsync(HttpResponseMessage response, string server, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        if (status == 401) return $"The license server at {server} no longer accepts this administrator token: sign in again.";
        try
        {
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
            var detail = problem.RootElement.TryGetProperty("detail", out var d) ? d.GetString() : null;
            var title = problem.RootElement.TryGetProperty("title", out var t) ? t.GetString() : null;
            return detail ?? title ?? $"The license server answered {status}.";
        }
        catch (JsonException)
        {
            return $"The license server at {server} answered {status}.";
        }
    }
}
