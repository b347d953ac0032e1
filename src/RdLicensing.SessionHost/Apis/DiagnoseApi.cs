using Microsoft.AspNetCore.Http.HttpResults;
using RdLicensing.Core.Protocol;
using RdLicensing.SessionHost.Diagnostics;
using RdLicensing.SessionHost.Hosting;

namespace RdLicensing.SessionHost.Apis;

public static class DiagnoseApi
{
    public static IEndpointRouteBuilder MapDiagnoseApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/diagnose", Diagnose).WithTags("Licensing Diagnoser").RequireAdministrator()
            .WithSummary("Contacts every license server of the host and compares them with its mode and version: problems (cause, steps to fix) first, then what was found.");
        return app;
    }

    public static async Task<Ok<DiagnosisView>> Diagnose(LicensingDiagnoser diagnoser, CancellationToken cancellationToken) =>
        TypedResults.Ok(await diagnoser.DiagnoseAsync(cancellationToken));
}
