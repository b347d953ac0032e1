using RdLicensing.Core.Cals;

namespace RdLicensing.Core.SessionHost;

/// <summary>How one enrolled session host stands with this license server's revocation list and grace record.</summary>
/// <param name="RevocationState">"synced" (fetched the current list within <see cref="HostSyncRules.StaleAfter"/>), "stale", or "never".</param>
/// <param name="Warning">What the administrator should know and do, or null.</param>
public sealed record HostSyncStatus(string RevocationState, string? Warning, string? GraceWarning);

/// <summary>
/// When a host counts as synced with the revocation list: it fetched it less than <see cref="StaleAfter"/> ago (two sync intervals)
/// and holds the current number, or fetched it since the last revocation. A host that never fetched it but has been seen runs
/// software that does not, or cannot reach the endpoint. A host that reported a moved grace period gets a warning too.
/// </summary>
public static class HostSyncRules
{
    public static readonly TimeSpan StaleAfter = RevocationList.SyncInterval * 2;

    public static HostSyncStatus Evaluate(string host, DateTimeOffset? lastSeen, DateTimeOffset? syncedAt, long? number, long currentNumber,
        DateTimeOffset? graceMovedAt, DateTimeOffset? graceStartedAt, DateTimeOffset now)
    {
        string state;
        string? warning = null;
        if (syncedAt is not { } synced)
        {
            state = "never";
            if (lastSeen is not null)
                warning = $"Session host {host} has never fetched the revocation list: it accepts revoked CALs until it does. Check that it reaches this server (rdlic diagnose on the host).";
        }
        else if (now - synced > StaleAfter || ((number ?? 0) < currentNumber && now - synced > RevocationList.SyncInterval))
        {
            state = "stale";
            warning = $"Session host {host} is not synced: it last fetched the revocation list on {synced:yyyy-MM-dd HH:mm} UTC (list {number ?? 0}, current {currentNumber}), " +
                      $"more than {StaleAfter.TotalHours:0} hours ago, so it may still accept revoked CALs. Check that it reaches this server.";
        }
        else state = "synced";

        string? graceWarning = graceMovedAt is { } moved
            ? $"Session host {host} reported a moved grace period on {moved:yyyy-MM-dd HH:mm} UTC (its state was reset): the recorded start {graceStartedAt:yyyy-MM-dd} holds and the host was told so."
            : null;
        return new HostSyncStatus(state, warning, graceWarning);
    }
}
