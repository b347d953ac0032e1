using Dapper;
using RdLicensing.Core.Cals;

namespace RdLicensing.Storage;

/// <summary>
/// Reads for answering a connection without a write transaction: a device or user presenting a CAL that is simply
/// valid changes nothing, so it is decided from a read, off the writer queue (see CalIssuer).
/// </summary>
public sealed partial class LicenseStore
{
    public Task<IReadOnlyList<IssuedCal>> DeviceCalsAsync(string hardwareId, CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<IssuedCal>>(async c =>
            (await c.QueryAsync<CalRow>(LicenseWriteSession.DeviceCalsSql, new { hardwareId })).Select(r => r.ToDomain()).ToList(), cancellationToken);

    public Task<IReadOnlyList<IssuedCal>> UserCalsAsync(string userName, CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<IssuedCal>>(async c =>
            (await c.QueryAsync<CalRow>(LicenseWriteSession.UserCalsSql, new { userName })).Select(r => r.ToDomain()).ToList(), cancellationToken);

    /// <summary>When the host was last seen and the grace period end it last reported; null when it is not enrolled.</summary>
    public Task<(DateTimeOffset? LastSeen, DateTimeOffset? GraceEndsAt)?> SessionHostActivityAsync(string name, CancellationToken cancellationToken = default) =>
        ReadAsync<(DateTimeOffset?, DateTimeOffset?)?>(async c =>
            await c.QuerySingleOrDefaultAsync<(long? Seen, long? Grace)?>(
                "SELECT last_seen_at, grace_ends_at FROM session_hosts WHERE name = CAST(@name AS CITEXT)", new { name }) is { } r
                ? (Times.FromDb(r.Seen), Times.FromDb(r.Grace))
                : null, cancellationToken);
}
