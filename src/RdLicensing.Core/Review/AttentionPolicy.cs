using System.Globalization;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;

namespace RdLicensing.Core.Review;

/// <summary>What an item of the attention list is about: each kind has one place in the console that shows or fixes it.</summary>
public enum AttentionKind
{
    /// <summary>Never activated: the server issues only temporary Per Device CALs.</summary>
    NotActivated,
    /// <summary>Deactivated, or its activation expired: it issues no permanent CALs until it is reactivated.</summary>
    ActivationEnded,
    /// <summary>The activation certificate ends within <see cref="AttentionPolicy.ActivationWarning"/>.</summary>
    ActivationExpiring,
    /// <summary>No clearinghouse certificate is trusted.</summary>
    NoClearinghouse,
    /// <summary>A pool with licenses installed and none available.</summary>
    PoolExhausted,
    /// <summary>A pool with at most <see cref="AttentionPolicy.LowPercent"/>% of its licenses (at least 1) available.</summary>
    PoolLow,
    /// <summary>Per User CALs issued from the OverUsed pool of a version.</summary>
    OverUsed,
    /// <summary>A session host's grace period (as this server anchored it) has ended.</summary>
    GraceEnded,
    /// <summary>A session host's grace period ends within <see cref="AttentionPolicy.GraceWarning"/>.</summary>
    GraceEnding,
    /// <summary>A session host that does not fetch the revocation list: it may not reach this license server.</summary>
    HostNotSynced,
    /// <summary>A notice the server recorded (retired installation, licenses migrated away).</summary>
    Notice,
}

public enum AttentionSeverity { Warning, Error }

/// <summary>
/// One thing that needs the administrator now. <see cref="Type"/> and <see cref="Version"/> name the pool (short names,
/// "per-user", "2022") and <see cref="Host"/> the session host the item is about, so the console can link to the page
/// filtered to it.
/// </summary>
public sealed record AttentionItem(AttentionKind Kind, AttentionSeverity Severity, string Message,
    string? Type = null, string? Version = null, string? Host = null, DateTimeOffset? When = null);

/// <summary>
/// The list of what needs the administrator first, from the server's status and the time: the same list for the header's
/// count, the dashboard and Review Configuration. Errors come first, then warnings, each in a stable order.
/// </summary>
public static class AttentionPolicy
{
    public static readonly TimeSpan GraceWarning = TimeSpan.FromDays(14);
    public static readonly TimeSpan ActivationWarning = TimeSpan.FromDays(30);
    public const int LowPercent = 10;

    public static IReadOnlyList<AttentionItem> Evaluate(StatusView status, DateTimeOffset now) => Evaluate(status, now, AttentionThresholds.Default);

    /// <summary>The list with the administrator's thresholds (alerts): when a pool is low, how early grace and activation ends are named.</summary>
    public static IReadOnlyList<AttentionItem> Evaluate(StatusView status, DateTimeOffset now, AttentionThresholds thresholds)
    {
        ArgumentNullException.ThrowIfNull(thresholds);
        ArgumentNullException.ThrowIfNull(status);
        var items = new List<AttentionItem>();
        var activation = status.Activation;
        switch (activation.Status)
        {
            case "not-activated":
                items.Add(new(AttentionKind.NotActivated, AttentionSeverity.Error,
                    "The license server is not activated: it issues only temporary Per Device CALs."));
                break;
            case "deactivated":
                items.Add(new(AttentionKind.ActivationEnded, AttentionSeverity.Error,
                    "The license server is deactivated: it issues no permanent CALs until it is reactivated."));
                break;
            case "expired":
                items.Add(new(AttentionKind.ActivationEnded, AttentionSeverity.Error,
                    $"The activation expired on {Day(activation.ExpiresAt)}: the license server issues no permanent CALs until it is reactivated.", When: activation.ExpiresAt));
                break;
            case "activated" when activation.ExpiresAt is { } expires && expires - now <= thresholds.ActivationWarning:
                items.Add(new(AttentionKind.ActivationExpiring, AttentionSeverity.Warning,
                    $"The activation certificate expires on {Day(expires)} ({DaysText(expires - now)}): reactivate the server before then.", When: expires));
                break;
        }
        if (status.Clearinghouse is null)
            items.Add(new(AttentionKind.NoClearinghouse, AttentionSeverity.Warning,
                "No clearinghouse certificate is trusted: key packs and activations cannot be verified."));

        foreach (var pool in status.Pools.OrderBy(p => p.Type, StringComparer.Ordinal).ThenBy(p => p.Version, StringComparer.Ordinal))
        {
            var name = PoolName(pool.Type, pool.Version);
            if (pool.Total > 0 && pool.Available <= 0)
                items.Add(new(AttentionKind.PoolExhausted, AttentionSeverity.Error,
                    $"No {name}s are left: all {pool.Total} installed are issued.", pool.Type, pool.Version));
            else if (pool.Total > 0 && pool.Available <= thresholds.LowThreshold(pool.Total))
                items.Add(new(AttentionKind.PoolLow, AttentionSeverity.Warning,
                    $"Only {pool.Available} of {pool.Total} {name}s are left.", pool.Type, pool.Version));
            if (pool.Type == "per-user" && pool.OverUsed > 0)
                items.Add(new(AttentionKind.OverUsed, AttentionSeverity.Error, pool.Available > 0
                        ? $"{pool.OverUsed} {name}(s) come from the OverUsed pool; {pool.Available} installed are available for the next users."
                        : $"{pool.OverUsed} {name}(s) come from the OverUsed pool: install more {name}s to be compliant.",
                    pool.Type, pool.Version));
        }

        foreach (var host in (status.Hosts ?? []).OrderBy(h => h.Name, StringComparer.OrdinalIgnoreCase))
        {
            if (host.GraceStartedAt is not null && host.GraceEndsAt is { } ends)
            {
                if (ends <= now)
                    items.Add(new(AttentionKind.GraceEnded, AttentionSeverity.Error,
                        $"Session host {host.Name}'s grace period ended on {Day(ends)}: it admits a client only with a CAL from a license server it reaches.", Host: host.Name, When: ends));
                else if (ends - now <= thresholds.GraceWarning)
                    items.Add(new(AttentionKind.GraceEnding, AttentionSeverity.Warning,
                        $"Session host {host.Name}'s grace period ends on {Day(ends)} ({DaysText(ends - now)}): make sure it reaches this license server by then.", Host: host.Name, When: ends));
            }
            if (host.RevocationState == "stale" || (host.RevocationState == "never" && host.LastSeenAt is not null))
                items.Add(new(AttentionKind.HostNotSynced, AttentionSeverity.Warning, host.RevocationsSyncedAt is { } synced
                        ? $"Session host {host.Name} is not synced: it last fetched the revocation list on {synced.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC, so it may not reach this license server."
                        : $"Session host {host.Name} has never fetched the revocation list: it may not reach this license server.",
                    Host: host.Name, When: host.RevocationsSyncedAt));
        }
        foreach (var notice in status.Notices ?? [])
            items.Add(new(AttentionKind.Notice, AttentionSeverity.Warning, notice));

        return items.OrderBy(i => i.Severity == AttentionSeverity.Error ? 0 : 1).ToList(); // a stable sort: the order above within each
    }

    /// <summary>How many available licenses make a pool "low": 10% of those installed, at least 1.</summary>
    public static int LowThreshold(int total) => AttentionThresholds.Default.LowThreshold(total);

    private static string PoolName(string type, string version) =>
        $"{(ProductVersions.TryParse(version, out var v) ? v.ToDisplayName() : version)} {(type == "per-user" ? "Per User" : "Per Device")} CAL";

    private static string Day(DateTimeOffset? at) => at?.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "an unknown date";

    private static string DaysText(TimeSpan left)
    {
        var days = (int)Math.Ceiling(left.TotalDays);
        return days <= 0 ? "today" : days == 1 ? "in 1 day" : $"in {days} days";
    }
}

/// <summary>
/// When the attention list (and so an alert) names a pool as low and how early it warns of ends. A pool is low when its
/// available licenses are at most <see cref="LowAvailable"/> or at most <see cref="LowPercent"/>% of those installed.
/// The defaults are the console's: 1 license or 10%, grace periods 14 days ahead, activations 30 days ahead.
/// </summary>
public sealed record AttentionThresholds(int LowAvailable = 1, int LowPercent = AttentionPolicy.LowPercent, int GraceDays = 14, int ActivationDays = 30)
{
    public static readonly AttentionThresholds Default = new();

    public TimeSpan GraceWarning => TimeSpan.FromDays(GraceDays);

    public TimeSpan ActivationWarning => TimeSpan.FromDays(ActivationDays);

    /// <summary>The most available licenses a pool of <paramref name="total"/> can have and still be low.</summary>
    public int LowThreshold(int total) => Math.Max(LowAvailable, total * LowPercent / 100);
}
