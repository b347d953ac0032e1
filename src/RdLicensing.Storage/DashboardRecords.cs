using RdLicensing.Core.Cals;
using RdLicensing.Core.Versions;

namespace RdLicensing.Storage;

/// <summary>Whole UTC days since 1970: the unit the dashboard counts in.</summary>
public static class DashboardDays
{
    private const long MillisecondsPerDay = 86_400_000;

    public static long Of(DateTimeOffset time) => Math.DivRem(time.ToUnixTimeMilliseconds(), MillisecondsPerDay, out var rest) - (rest < 0 ? 1 : 0);

    public static DateOnly ToDate(long day) => DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(day * MillisecondsPerDay).UtcDateTime);

    internal static long StartMs(long day) => day * MillisecondsPerDay;
}

/// <summary>CALs issued on one day: temporary and permanent Per Device, and Per User.</summary>
public sealed record DailyIssued(long Day, int Temporary, int Permanent, int PerUser);

/// <summary>A pool's licenses (in unexpired packs), how many were issued, and its live OverUsed CALs, at the end of a day.</summary>
public sealed record PoolLevel(long Day, CalType Type, ProductVersion Version, int Total, int Issued, int OverUsed = 0);

/// <summary>
/// Connections the license server refused on one day for one reason: <paramref name="Count"/> in all, of which
/// <paramref name="LetInUnderGrace"/> came from a session host still in its grace period, which let the client in anyway.
/// </summary>
public sealed record DailyDenials(long Day, string Reason, int Count, int LetInUnderGrace = 0);

/// <summary>An enrolled session host as the dashboard shows it: when it last asked, and when its grace period ends as it last said.</summary>
public sealed record SessionHostGrace(string Name, DateTimeOffset? LastSeenAt, DateTimeOffset? GraceEndsAt);
