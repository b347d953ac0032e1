namespace RdLicensing.Core.SessionHost;

/// <summary>
/// What the license server does with the grace period start a session host reports. <paramref name="StartedAt"/>: the start
/// that holds (and that the host gets back); <paramref name="Record"/>: store it as the host's anchor; <paramref name="Moved"/>:
/// the host reported a later start than the anchored one — its state was reset — which is refused (event, dashboard warning).
/// </summary>
public sealed record GraceAnchorDecision(DateTimeOffset? StartedAt, bool Record, bool Moved);

/// <summary>
/// The grace period is anchored at the license server: the first start it learns for a host is kept, and never moved later
/// (that would lengthen the period: deleting a host's data folder would reset its 120 days). An earlier start is taken, as it
/// only shortens the period. A start in the future is taken as now. A host that reports none gets the anchored one.
/// </summary>
public static class GraceAnchorPolicy
{
    public static GraceAnchorDecision Decide(DateTimeOffset? recorded, DateTimeOffset? reported, DateTimeOffset now)
    {
        if (reported > now) reported = now;
        // Starts are compared to the second: a database keeps milliseconds, a clock gives ticks, and neither is a move.
        reported = ToSecond(reported);
        recorded = ToSecond(recorded);
        if (recorded is null) return reported is null ? new(null, false, false) : new(reported, true, false);
        if (reported is null || reported == recorded) return new(recorded, false, false);
        return reported < recorded ? new(reported, true, false) : new(recorded, false, true);
    }

    private static DateTimeOffset? ToSecond(DateTimeOffset? time) =>
        time is { } t ? new DateTimeOffset(t.Ticks - t.Ticks % TimeSpan.TicksPerSecond, t.Offset) : null;
}
