using Microsoft.AspNetCore.Http.HttpResults;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.SessionHost;
using RdLicensing.Core.Versions;
using RdLicensing.LicenseServer.Auth;
using RdLicensing.LicenseServer.Licensing;
using RdLicensing.Storage;

namespace RdLicensing.LicenseServer.Apis;

/// <summary>What licmgr never showed, for the Licensing Manager's first page: history by day and what needs attention soon.</summary>
public static class DashboardApi
{
    public const int DefaultDays = 30;
    public const int MaxDays = 366;
    public const int ExpiringWithinDays = 14;

    public static RouteGroupBuilder MapDashboardApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/admin/dashboard").WithTags("Dashboard").RequireAuthorization(TokenAuthenticationHandler.AdminRole);
        api.MapGet("/", Get).WithSummary("CALs issued and denials per day, pool levels over time, OverUsed Per User CALs, temporary CALs expiring in 14 days, session hosts' grace periods.");
        return api;
    }

    public static async Task<Results<Ok<DashboardView>, ProblemHttpResult>> Get(int? days, LicenseStore store, CalIssuer issuer, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (days is < 1 or > MaxDays) return Problems.Invalid("days", $"days must be from 1 to {MaxDays} (default {DefaultDays}).");
        await issuer.SweepAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var today = DashboardDays.Of(now);
        var from = today - (days ?? DefaultDays) + 1;
        var range = Enumerable.Range(0, (int)(today - from + 1)).Select(i => from + i).ToList();

        var issued = (await store.IssuedPerDayAsync(from, cancellationToken)).ToDictionary(d => d.Day);
        var issuedPerDay = range.Select(day => issued.TryGetValue(day, out var d)
            ? new DailyIssuedView(DashboardDays.ToDate(day), d.Temporary, d.Permanent, d.PerUser)
            : new DailyIssuedView(DashboardDays.ToDate(day), 0, 0, 0)).ToList();

        var pools = (await store.PoolLevelsAsync(from, cancellationToken))
            .GroupBy(p => (p.Type, p.Version))
            .OrderBy(g => g.Key.Type).ThenBy(g => g.Key.Version)
            .Select(g => new PoolSeriesView(g.Key.Type.ToShortName(), g.Key.Version.ToShortName(), CarryForward(g.ToList(), range)))
            .ToList();

        var counts = await store.CalCountsAsync(cancellationToken);
        var expiring = await store.TemporaryCalsExpiringAsync(now, TimeSpan.FromDays(ExpiringWithinDays), 200, cancellationToken);
        var hosts = (await store.SessionHostGraceAsync(cancellationToken)).Select(h => Grace(h, now)).ToList();
        var denials = (await store.DenialsPerDayAsync(from, cancellationToken))
            .Select(d => new DailyDenialsView(DashboardDays.ToDate(d.Day), d.Reason, d.Count, d.LetInUnderGrace)).ToList();

        return TypedResults.Ok(new DashboardView(DashboardDays.ToDate(from), DashboardDays.ToDate(today), issuedPerDay, pools,
            counts.Where(c => c.Type == CalType.PerUser).Sum(c => c.OverUsed), expiring.Select(c => c.ToView()).ToList(), ExpiringWithinDays,
            hosts, denials));
    }

    /// <summary>One point per day of the range: the level of the pool's last change on or before that day (none before its first).</summary>
    private static List<PoolPointView> CarryForward(IReadOnlyList<PoolLevel> levels, IReadOnlyList<long> range)
    {
        var points = new List<PoolPointView>();
        PoolLevel? current = null;
        var next = 0;
        foreach (var day in range)
        {
            while (next < levels.Count && levels[next].Day <= day) current = levels[next++];
            if (current is not null) points.Add(new PoolPointView(DashboardDays.ToDate(day), current.Total, current.Issued, current.OverUsed));
        }
        return points;
    }

    private static SessionHostGraceView Grace(SessionHostGrace host, DateTimeOffset now)
    {
        if (host.GraceEndsAt is not { } ends) return new SessionHostGraceView(host.Name, host.LastSeenAt, null, null, "unknown");
        var grace = new GracePeriod(ends - GracePeriod.Length);
        return new SessionHostGraceView(host.Name, host.LastSeenAt, ends, grace.DaysLeftAt(now), grace.StateAt(now));
    }
}
