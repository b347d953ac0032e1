using Microsoft.AspNetCore.Http.HttpResults;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using RdLicensing.LicenseServer.Auth;
using RdLicensing.LicenseServer.Licensing;
using RdLicensing.Storage;

namespace RdLicensing.LicenseServer.Apis;

public static class CalsApi
{
    public const int MaxPageSize = 1000;

    public static RouteGroupBuilder MapCalsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/admin").WithTags("Issued CALs").RequireAuthorization(TokenAuthenticationHandler.AdminRole);
        api.MapGet("/cals", ListCals).WithSummary("Issued CALs, newest first (or by sort: id, client, user, type, status, issued, expires, version, host; desc=false for ascending), filtered by type, status, version, user, device, key pack; paged.");
        api.MapGet("/cals/{id:long}", GetCal);
        api.MapPost("/cals/{id:long}/revoke", Revoke).WithSummary("Revoke a permanent Per Device CAL (at most 20% of a version's installed CALs at once).");
        api.MapGet("/revocation", Revocation).WithSummary("How many Per Device CALs of each version can be revoked now, and when the next can.");
        return api;
    }

    public static async Task<Results<Ok<CalPage>, ProblemHttpResult>> ListCals(
        string? type, string? status, string? version, string? user, string? device, bool? overUsed, int? page, int? pageSize,
        string? keyPack, string? sort, bool? desc,
        LicenseStore store, CalIssuer issuer, CancellationToken cancellationToken)
    {
        Guid? keyPackId = null;
        if (keyPack is not null)
        {
            if (!Guid.TryParse(keyPack, out var id)) return Problems.Invalid("keyPack", "keyPack must be a license key pack ID (a GUID, as Key packs lists it).");
            keyPackId = id;
        }
        var sortBy = CalSortColumn.Id;
        if (sort is not null && !Enum.TryParse(sort, ignoreCase: true, out sortBy) || !Enum.IsDefined(sortBy))
            return Problems.Invalid("sort", $"sort must be one of {string.Join(", ", Enum.GetNames<CalSortColumn>().Select(n => n.ToLowerInvariant()))}.");
        CalType? calType = null;
        if (type is not null)
        {
            if (!CalTypes.TryParse(type, out var t)) return Problems.Invalid("type", "type must be 'per-device' or 'per-user'.");
            calType = t;
        }
        CalStatus? calStatus = null;
        if (status is not null)
        {
            if (!CalStatuses.TryParse(status, out var s))
                return Problems.Invalid("status", "status must be one of temporary, active, upgraded, revoked, expired.");
            calStatus = s;
        }
        ProductVersion? productVersion = null;
        if (version is not null)
        {
            if (!ProductVersions.TryParse(version, out var v)) return Problems.Invalid("version", $"version must be one of {string.Join(", ", ProductVersions.All.Select(x => x.ToShortName()))}.");
            productVersion = v;
        }
        // PostgreSQL cannot compare with NUL, and no name holds a control character: refused here, not failed in the database.
        if (user?.Any(char.IsControl) == true) return Problems.Invalid("user", "user must be (part of) a user name, without control characters.");
        if (device?.Any(char.IsControl) == true) return Problems.Invalid("device", "device must be (part of) a device name or hardware id, without control characters.");
        if (page is < 1) return Problems.Invalid("page", "page starts at 1.");
        if (pageSize is < 1 or > MaxPageSize) return Problems.Invalid("pageSize", $"pageSize must be from 1 to {MaxPageSize}.");

        await issuer.SweepAsync(cancellationToken);
        var result = await store.CalsAsync(new CalQuery(calType, calStatus, productVersion, user, device, overUsed, page ?? 1, pageSize ?? 50, keyPackId, sortBy, desc ?? true), cancellationToken);
        return TypedResults.Ok(new CalPage(result.Items.Select(c => c.ToView()).ToList(), result.Page, result.PageSize, result.Total));
    }

    public static async Task<Results<Ok<CalView>, ProblemHttpResult>> GetCal(long id, LicenseStore store, CancellationToken cancellationToken) =>
        await store.CalAsync(id, cancellationToken) is { } cal
            ? TypedResults.Ok(cal.ToView())
            : Problems.NotFound("cal-not-found", $"There is no issued CAL with id {id}. List them with 'rdlic cals list'.");

    public static async Task<Results<Ok<RevokeResponse>, ProblemHttpResult>> Revoke(long id, RevocationService revocation, CancellationToken cancellationToken)
    {
        var result = await revocation.RevokeAsync(id, cancellationToken);
        return result.Error switch
        {
            null => TypedResults.Ok(new RevokeResponse(result.Cal!.ToView(), result.Allowance.ToView(result.Cal!.Version))),
            RevokeError.NotFound => Problems.NotFound("cal-not-found", result.Message + " List them with 'rdlic cals list'."),
            RevokeError.NotRevocable => Problems.Conflict("cal-not-revocable", "CAL cannot be revoked", result.Message),
            _ => Problems.Conflict("revocation-limit-reached", "Revocation limit reached", result.Message, new Dictionary<string, object?>
            {
                ["revocableNow"] = result.Allowance.RevocableNow,
                ["limit"] = result.Allowance.Limit,
                ["revokedNow"] = result.Allowance.RevokedNow,
                ["nextRevocationPossibleAt"] = result.Allowance.NextPossibleAt,
            }),
        };
    }

    public static async Task<Results<Ok<IEnumerable<RevocationView>>, ProblemHttpResult>> Revocation(
        string? version, RevocationService revocation, CancellationToken cancellationToken)
    {
        var versions = ProductVersions.All.AsEnumerable();
        if (version is not null)
        {
            if (!ProductVersions.TryParse(version, out var v)) return Problems.Invalid("version", $"version must be one of {string.Join(", ", ProductVersions.All.Select(x => x.ToShortName()))}.");
            versions = [v];
        }
        var views = new List<RevocationView>();
        foreach (var v in versions) views.Add((await revocation.AllowanceAsync(v, cancellationToken)).ToView(v));
        return TypedResults.Ok(version is null ? views.Where(x => x.Installed > 0 || x.RevokedNow > 0) : views);
    }
}
