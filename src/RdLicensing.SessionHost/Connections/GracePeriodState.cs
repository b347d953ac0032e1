using System.Globalization;
using RdLicensing.Core.SessionHost;
using RdLicensing.SessionHost.Configuration;
using RdLicensing.Storage;

namespace RdLicensing.SessionHost.Connections;

/// <summary>The grace period as the store records it: started once, by the first client connection, in the transaction that records it.</summary>
public static class GracePeriodState
{
    public static async Task<GracePeriod> ReadAsync(SessionHostStore store, CancellationToken cancellationToken) =>
        new(Parse(await store.SettingAsync(SettingNames.GraceStartedAt, cancellationToken)));

    /// <summary>The grace period as the stored settings (read already, with the configuration) record it.</summary>
    public static GracePeriod From(IReadOnlyDictionary<string, string> settings) =>
        new(Parse(settings.GetValueOrDefault(SettingNames.GraceStartedAt)));

    /// <summary>Starts the grace period now unless it has started; returns the period as it is after this call and whether this call started it.</summary>
    public static async Task<(GracePeriod Grace, bool Started)> StartOnceAsync(SessionHostWriteSession s, DateTimeOffset now)
    {
        var started = await s.SetSettingOnceAsync(SettingNames.GraceStartedAt, now.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        return (new GracePeriod(Parse(await s.SettingAsync(SettingNames.GraceStartedAt))), started);
    }

    /// <summary>
    /// Takes a start a license server anchored when it is earlier than the one recorded here (or none is): the period only ever
    /// gets shorter. Returns the period after this call and whether it changed.
    /// </summary>
    public static async Task<(GracePeriod Grace, bool Changed)> AdoptEarlierAsync(SessionHostWriteSession s, DateTimeOffset anchored)
    {
        var current = Parse(await s.SettingAsync(SettingNames.GraceStartedAt));
        if (current is { } start && start <= anchored) return (new GracePeriod(start), false);
        await s.SetSettingAsync(SettingNames.GraceStartedAt, anchored.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture));
        return (new GracePeriod(anchored), true);
    }

    private static DateTimeOffset? Parse(string? value) =>
        long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
}
