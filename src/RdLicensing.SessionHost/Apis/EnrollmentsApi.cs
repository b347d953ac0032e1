using Microsoft.AspNetCore.Http.HttpResults;
using RdLicensing.Core.Protocol;
using RdLicensing.SessionHost.Configuration;
using RdLicensing.SessionHost.Hosting;
using RdLicensing.SessionHost.LicenseServers;
using RdLicensing.Storage;

namespace RdLicensing.SessionHost.Apis;

/// <summary>The host's tokens for its license servers: stored as given, never shown again.</summary>
public static class EnrollmentsApi
{
    public static RouteGroupBuilder MapEnrollmentsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/enrollments").WithTags("Enrollment").RequireAdministrator();
        api.MapGet("/", List).WithSummary("The license servers this host holds a token for (never the tokens).");
        api.MapPost("/", Enroll).WithSummary("Store the token a license server issued for this host ('rdlic hosts enroll NAME' there).");
        return api;
    }

    public static async Task<Ok<IEnumerable<HostEnrollmentView>>> List(SessionHostStore store, LicenseServerKeys keys, CancellationToken cancellationToken)
    {
        var known = await keys.KnownAsync(cancellationToken);
        var retired = await keys.RetiredAsync(cancellationToken);
        return TypedResults.Ok((await store.TokensAsync(cancellationToken)).Select(t =>
        {
            var key = known.Where(k => k.Record.Url == t.Url).MaxBy(k => k.Record.LearnedAt)?.Record;
            return new HostEnrollmentView(t.Url, t.EnrolledAt, key?.ProductId, "enrolled", key is null ? null : Convert.ToBase64String(key.PublicKey),
                retired.Where(r => r.ProductId == key?.ProductId).Select(r => new RetiredKeyView(Convert.ToBase64String(r.PublicKey), r.RetiredAt, r.Reason)).ToList());
        }));
    }

    public static async Task<Results<Ok<HostEnrollmentView>, ProblemHttpResult>> Enroll(
        HostEnrollmentBody body, LicenseServerEnrollment enrollment, CancellationToken cancellationToken)
    {
        if (!LicenseServerUrls.TryNormalize(body.LicenseServer, out var url, out var error)) return Problems.Invalid("licenseServer", error + ".");
        if (string.IsNullOrWhiteSpace(body.Token)) return Problems.Invalid("token", "token is the session host token 'rdlh_…' the license server issued.");
        try
        {
            var result = await enrollment.StoreTokenAsync(url, body.Token, cancellationToken);
            return TypedResults.Ok(new HostEnrollmentView(result.LicenseServer, result.EnrolledAt, result.ProductId, result.Message));
        }
        catch (EnrollmentException e)
        {
            return Problems.Unprocessable("enrollment-refused", "The token was not accepted", e.Message);
        }
    }
}
