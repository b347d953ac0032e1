namespace RdLicensing.Core.Protocol;

/// <summary>
/// GET /api/admin/dashboard: what the Licensing Manager's first page draws — every day of the range is present
/// (zero when nothing happened; a pool's level carries forward from its last change).
/// </summary>
public sealed record DashboardView(
    DateOnly From,
    DateOnly To,
    IReadOnlyList<DailyIssuedView> IssuedPerDay,
    IReadOnlyList<PoolSeriesView> Pools,
    int OverUsedPerUserCals,
    IReadOnlyList<CalView> TemporaryCalsExpiringSoon,
    int ExpiringWithinDays,
    IReadOnlyList<SessionHostGraceView> SessionHosts,
    IReadOnlyList<DailyDenialsView> DenialsPerDay);

public sealed record DailyIssuedView(DateOnly Day, int Temporary, int Permanent, int PerUser);

public sealed record PoolSeriesView(string Type, string Version, IReadOnlyList<PoolPointView> Points);

/// <summary>A pool at the end of a day: licenses installed (unexpired packs), issued from them, and live OverUsed CALs beyond them.</summary>
public sealed record PoolPointView(DateOnly Day, int Total, int Issued, int OverUsed = 0);

/// <summary>An enrolled session host's grace period as it last reported it ("unknown" before its first CAL request).</summary>
public sealed record SessionHostGraceView(string Name, DateTimeOffset? LastSeenAt, DateTimeOffset? GraceEndsAt, int? GraceDaysLeft, string GraceState);

/// <summary>
/// Connections the license server refused on a day for a reason ("no-license", "host-not-in-security-group"): <see cref="Count"/>
/// in all, of which <see cref="LetInUnderGrace"/> came from a session host still in its grace period, which let the client in.
/// </summary>
public sealed record DailyDenialsView(DateOnly Day, string Reason, int Count, int LetInUnderGrace = 0);
