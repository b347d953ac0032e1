using Dapper;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Events;
using RdLicensing.Core.Versions;

namespace RdLicensing.Storage;

/// <summary>The Licensing Manager dashboard's queries: history by day, what expires soon, the hosts' grace periods.</summary>
public sealed partial class LicenseStore
{
    public Task<IReadOnlyList<DailyIssued>> IssuedPerDayAsync(long fromDay, CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<DailyIssued>>(async c => (await c.QueryAsync<(long Day, long Temporary, long Permanent, long PerUser)>(new CommandDefinition("""
            SELECT issued_at / 86400000,
                   SUM(CASE WHEN cal_type = 0 AND is_temporary = 1 THEN 1 ELSE 0 END),
                   SUM(CASE WHEN cal_type = 0 AND is_temporary = 0 THEN 1 ELSE 0 END),
                   SUM(CASE WHEN cal_type = 1 THEN 1 ELSE 0 END)
            FROM issued_cals WHERE issued_at >= @from
            GROUP BY issued_at / 86400000 ORDER BY 1
            """, new { from = DashboardDays.StartMs(fromDay) }, cancellationToken: cancellationToken)))
            .Select(r => new DailyIssued(r.Day, (int)r.Temporary, (int)r.Permanent, (int)r.PerUser)).ToList(), cancellationToken);

    /// <summary>Levels from <paramref name="fromDay"/> on, plus each pool's last level before it (the chart carries it forward).</summary>
    public Task<IReadOnlyList<PoolLevel>> PoolLevelsAsync(long fromDay, CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<PoolLevel>>(async c => (await c.QueryAsync<(long Day, long Type, long Version, long Total, long Issued, long OverUsed)>(new CommandDefinition("""
            SELECT p.day, p.cal_type, p.product_version, p.total, p.issued, p.over_used FROM pool_levels p
            WHERE p.day >= @from
               OR p.day = (SELECT MAX(q.day) FROM pool_levels q
                           WHERE q.cal_type = p.cal_type AND q.product_version = p.product_version AND q.day < @from)
            ORDER BY p.day, p.cal_type, p.product_version
            """, new { from = fromDay }, cancellationToken: cancellationToken)))
            .Select(r => new PoolLevel(r.Day, (CalType)r.Type, (ProductVersion)r.Version, (int)r.Total, (int)r.Issued, (int)r.OverUsed)).ToList(), cancellationToken);

    /// <summary>
    /// Refusals (events 5004 and 4141) per day and reason, and how many of them came from a session host still in its
    /// grace period then (the event before the host's anchored grace end): the host let those clients in anyway.
    /// </summary>
    public Task<IReadOnlyList<DailyDenials>> DenialsPerDayAsync(long fromDay, CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<DailyDenials>>(async c => (await c.QueryAsync<(long Day, string Reason, long Count, long LetIn)>(new CommandDefinition("""
            SELECT e.at / 86400000, COALESCE(e.reason, 'other'), COUNT(*),
                   SUM(CASE WHEN h.grace_ends_at IS NOT NULL AND e.at < h.grace_ends_at THEN 1 ELSE 0 END)
            FROM events e LEFT JOIN session_hosts h ON h.name = CAST(e.session_host AS CITEXT)
            WHERE e.event_id IN (@refused, @outsideGroup) AND e.at >= @from
            GROUP BY e.at / 86400000, COALESCE(e.reason, 'other') ORDER BY 1, 2
            """, new { from = DashboardDays.StartMs(fromDay), refused = (int)LicensingEventId.DeviceRefused, outsideGroup = (int)LicensingEventId.HostNotInSecurityGroup }, cancellationToken: cancellationToken)))
            .Select(r => new DailyDenials(r.Day, r.Reason, (int)r.Count, (int)r.LetIn)).ToList(), cancellationToken);

    /// <summary>Temporary Per Device CALs still in use that expire within <paramref name="within"/>, soonest first.</summary>
    public Task<IReadOnlyList<IssuedCal>> TemporaryCalsExpiringAsync(DateTimeOffset now, TimeSpan within, int limit, CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<IssuedCal>>(async c => (await c.QueryAsync<CalRow>(new CommandDefinition($"""
            SELECT {CalRow.Columns} FROM issued_cals
            WHERE is_temporary = 1 AND status = @temporary AND expires_at > @now AND expires_at <= @until
            ORDER BY expires_at LIMIT @limit
            """, new { temporary = (int)CalStatus.Temporary, now = Times.ToDb(now), until = Times.ToDb(now + within), limit }, cancellationToken: cancellationToken)))
            .Select(r => r.ToDomain()).ToList(), cancellationToken);

    public Task<IReadOnlyList<SessionHostGrace>> SessionHostGraceAsync(CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<SessionHostGrace>>(async c => (await c.QueryAsync<(string Name, long? LastSeen, long? GraceEnds)>(new CommandDefinition(
                "SELECT name, last_seen_at, grace_ends_at FROM session_hosts ORDER BY name", cancellationToken: cancellationToken)))
            .Select(r => new SessionHostGrace(r.Name, Times.FromDb(r.LastSeen), Times.FromDb(r.GraceEnds))).ToList(), cancellationToken);
}
