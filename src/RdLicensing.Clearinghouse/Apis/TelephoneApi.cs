using Microsoft.AspNetCore.Http.HttpResults;
using RdLicensing.Core.Activation;

namespace RdLicensing.Clearinghouse.Apis;

public static class TelephoneApi
{
    public static IEndpointRouteBuilder MapTelephoneApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/telephone", Directory).WithTags("Activation").AllowAnonymous()
            .WithSummary("Where to call for the telephone connection method, by country/region.");
        return app;
    }

    public static Ok<IReadOnlyList<TelephoneDirectory.Entry>> Directory() => TypedResults.Ok(TelephoneDirectory.Entries);
}
