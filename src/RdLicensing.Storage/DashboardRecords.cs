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

/// <summary>A pool's licenses (in unexpired packs) and how many were issued, at the end of a day.</summary>
public sealed record PoolLevel(long Day, CalType Type, ProductVersion Version, int Total, int Issued);

/// <summary>Connections denied on one day for one reason.</summary>
public sealed record DailyDenials(long Day, string Reason, int Count);

/// <summary>An enrolled session host as the dashboard shows it: when it last asked, and when its grace period ends as it last said.</summary>
public sealed record SessionHostGrace(string Name, DateTimeOffset? LastSeenAt, DateTimeOffset? GraceEndsAt);
