namespace RdLicensing.Core.SessionHost;

/// <summary>
/// The licensing grace period: 120 days from the host's first client connection, during which clients connect
/// without a CAL and no license server is needed. It starts once and is never extended or reset; only a new
/// session host store starts a new one. Before the first client connection it has not started (all 120 days left).
/// </summary>
/// <remarks>
/// Day 0 is the first connection; the period covers days 0 to 119 and is over from day 120 on (exactly
/// <see cref="Length"/> after it started). Days left are whole days rounded up, so the last day shows 1;
/// 0 means over, as WMI's GetGracePeriodDays reports it.
/// </remarks>
public sealed record GracePeriod(DateTimeOffset? StartedAt)
{
    public static readonly TimeSpan Length = TimeSpan.FromDays(120);

    public DateTimeOffset? EndsAt => StartedAt + Length;

    public bool HasStarted => StartedAt is not null;

    /// <summary>True until the period is over; a period that has not started yet is active (the next connection starts it).</summary>
    public bool IsActiveAt(DateTimeOffset now) => EndsAt is not { } end || now < end;

    public int DaysLeftAt(DateTimeOffset now)
    {
        if (EndsAt is not { } end) return (int)Length.TotalDays;
        var left = end - now;
        return left <= TimeSpan.Zero ? 0 : (int)Math.Ceiling(left.TotalDays);
    }

    /// <summary>"not-started" | "active" | "expired".</summary>
    public string StateAt(DateTimeOffset now) => !HasStarted ? "not-started" : IsActiveAt(now) ? "active" : "expired";
}
