using RdLicensing.Core.Review;

namespace RdLicensing.Core.Alerts;

/// <summary>An alert that is raised: the attention item it came from, under a stable key, since when.</summary>
public sealed record ActiveAlert(string Key, AttentionKind Kind, AttentionSeverity Severity, string Message,
    string? Type, string? Version, string? Host, DateTimeOffset RaisedAt);

/// <summary>What one evaluation changed: the alerts to notify as raised and as cleared, and the list now active.</summary>
public sealed record AlertChanges(IReadOnlyList<ActiveAlert> Raised, IReadOnlyList<ActiveAlert> Cleared, IReadOnlyList<ActiveAlert> Active)
{
    public bool Any => Raised.Count > 0 || Cleared.Count > 0;
}

/// <summary>
/// Alerts are the attention list's items an administrator wants to be told about: a pool low or exhausted, Per User CALs
/// from the OverUsed pool, a host's grace period ending or ended, a host that does not reach the license server, an
/// activation expiring or ended. An alert is raised when its item appears and cleared when it goes; while it stays, it is
/// the same alert (its message may change, e.g. the days left), so it is notified once per raise.
/// </summary>
public static class AlertRules
{
    /// <summary>Kinds that raise alerts. Not activated and no clearinghouse describe a server being set up; notices are shown as they are.</summary>
    public static bool Raises(AttentionKind kind) => kind is AttentionKind.PoolLow or AttentionKind.PoolExhausted or AttentionKind.OverUsed
        or AttentionKind.GraceEnding or AttentionKind.GraceEnded or AttentionKind.HostNotSynced
        or AttentionKind.ActivationExpiring or AttentionKind.ActivationEnded;

    /// <summary>One key per thing an alert is about: the kind and the pool or host it names.</summary>
    public static string KeyOf(AttentionItem item) =>
        string.Join(':', KindName(item.Kind), item.Type ?? "", item.Version ?? "", item.Host?.ToLowerInvariant() ?? "");

    /// <summary>The kind's stable name, as the API and the notifications write it ("pool-low", "grace-ending"…).</summary>
    public static string KindName(AttentionKind kind) => kind switch
    {
        AttentionKind.PoolLow => "pool-low",
        AttentionKind.PoolExhausted => "pool-exhausted",
        AttentionKind.OverUsed => "overused",
        AttentionKind.GraceEnding => "grace-ending",
        AttentionKind.GraceEnded => "grace-ended",
        AttentionKind.HostNotSynced => "host-unreachable",
        AttentionKind.ActivationExpiring => "activation-expiring",
        AttentionKind.ActivationEnded => "activation-ended",
        AttentionKind.NotActivated => "not-activated",
        AttentionKind.NoClearinghouse => "no-clearinghouse",
        _ => "notice",
    };

    /// <summary>Compares the alerts active before with the attention list now.</summary>
    public static AlertChanges Diff(IReadOnlyList<ActiveAlert> active, IReadOnlyList<AttentionItem> items, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(active);
        ArgumentNullException.ThrowIfNull(items);
        var before = active.GroupBy(a => a.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var raised = new List<ActiveAlert>();
        var next = new List<ActiveAlert>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in items.Where(i => Raises(i.Kind)))
        {
            var key = KeyOf(item);
            if (!seen.Add(key)) continue;
            if (before.TryGetValue(key, out var existing))
                next.Add(existing with { Message = item.Message, Severity = item.Severity });
            else
            {
                var alert = new ActiveAlert(key, item.Kind, item.Severity, item.Message, item.Type, item.Version, item.Host, now);
                raised.Add(alert);
                next.Add(alert);
            }
        }
        var cleared = active.Where(a => !seen.Contains(a.Key)).ToList();
        return new AlertChanges(raised, cleared, next);
    }
}
