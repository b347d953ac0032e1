using System.Globalization;
using Dapper;
using RdLicensing.Core.Cals;

namespace RdLicensing.Storage;

/// <summary>A session host as the revocation and grace records see it.</summary>
/// <param name="RevocationsSyncedAt">When the host last fetched the revocation list; <paramref name="RevocationListNumber"/> is the number it got.</param>
/// <param name="GraceStartedAt">The host's grace period start, anchored the first time this server learned it.</param>
/// <param name="GraceMovedAt">When the host last reported a later grace start than the anchored one (its state was reset).</param>
public sealed record SessionHostSync(
    string Name,
    DateTimeOffset? LastSeenAt,
    DateTimeOffset? RevocationsSyncedAt,
    long? RevocationListNumber,
    DateTimeOffset? GraceStartedAt,
    DateTimeOffset? GraceMovedAt);

/// <summary>The revoked CALs that have not expired yet, and the list's number.</summary>
public sealed record RevokedCals(long Number, IReadOnlyList<(long CalId, DateTimeOffset RevokedAt)> Cals);

public sealed partial class LicenseStore
{
    public const string RevocationListNumberSetting = "revocation_list_number";

    /// <summary>The revocation list's current number: 0 before the first revocation, one more with each.</summary>
    public async Task<long> RevocationListNumberAsync(CancellationToken cancellationToken = default) =>
        ParseNumber(await SettingAsync(RevocationListNumberSetting, cancellationToken));

    public Task<RevokedCals> RevokedCalsAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
        ReadAsync(async c =>
        {
            var number = ParseNumber(await c.ExecuteScalarAsync<string?>(new CommandDefinition("SELECT value FROM settings WHERE name = @name", new { name = RevocationListNumberSetting }, cancellationToken: cancellationToken)));
            var rows = await c.QueryAsync<(long Id, long? RevokedAt)>(new CommandDefinition(
                "SELECT id, revoked_at FROM issued_cals WHERE status = @revoked AND expires_at > @now ORDER BY id",
                new { revoked = (int)CalStatus.Revoked, now = Times.ToDb(now) }, cancellationToken: cancellationToken));
            return new RevokedCals(number, rows.Select(r => (r.Id, Times.FromDb(r.RevokedAt) ?? now)).ToList());
        }, cancellationToken);

    public Task<IReadOnlyList<SessionHostSync>> SessionHostSyncsAsync(CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<SessionHostSync>>(async c => (await c.QueryAsync<(string Name, long? Seen, long? Synced, long? Number, long? GraceStart, long? Moved)>(new CommandDefinition(
                "SELECT name, last_seen_at, revocations_synced_at, revocation_list_number, grace_started_at, grace_moved_at FROM session_hosts ORDER BY name", cancellationToken: cancellationToken)))
            .Select(r => new SessionHostSync(r.Name, Times.FromDb(r.Seen), Times.FromDb(r.Synced), r.Number, Times.FromDb(r.GraceStart), Times.FromDb(r.Moved))).ToList(),
            cancellationToken);

    internal static long ParseNumber(string? value) => long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
}

public sealed partial class LicenseWriteSession
{
    /// <summary>Moves the revocation list to its next number (in the transaction that revokes) and returns it.</summary>
    public async Task<long> NextRevocationListNumberAsync()
    {
        var next = LicenseStore.ParseNumber(await SettingAsync(LicenseStore.RevocationListNumberSetting)) + 1;
        await SetSettingAsync(LicenseStore.RevocationListNumberSetting, next.ToString(CultureInfo.InvariantCulture));
        return next;
    }

    public Task RecordRevocationSyncAsync(string hostName, DateTimeOffset at, long number) =>
        _tx.Connection.ExecuteAsync(Cmd("UPDATE session_hosts SET revocations_synced_at = @at, revocation_list_number = @number WHERE name = CAST(@name AS CITEXT)",
            new { name = hostName, at = Times.ToDb(at), number }));

    /// <summary>The host's anchored grace period start (null when none is recorded, or the host is not enrolled): read once per
    /// transaction for each host (see <see cref="LicenseBatch"/>), as every CAL request of a batch asks for its host's.</summary>
    public async Task<DateTimeOffset?> HostGraceStartAsync(string hostName)
    {
        if (_batch.GraceStarts.TryGetValue(hostName, out var kept)) return kept;
        var read = await PreparedAsync("SELECT grace_started_at FROM session_hosts WHERE name = CAST(@name AS CITEXT)", [("@name", hostName)], async (command, ct) =>
            await command.ExecuteScalarAsync(ct) is long ms ? Times.FromDb(ms) : (DateTimeOffset?)null);
        _batch.GraceStarts[hostName] = read;
        return read;
    }

    /// <summary>Records the host's anchored grace start (and its end for the dashboard); <paramref name="movedAt"/> when it reported a later one.</summary>
    public async Task SetHostGraceAsync(string hostName, DateTimeOffset startedAt, DateTimeOffset endsAt, DateTimeOffset? movedAt)
    {
        var updated = await _tx.Connection.ExecuteAsync(Cmd(
            "UPDATE session_hosts SET grace_started_at = @start, grace_ends_at = @ends, grace_moved_at = COALESCE(@moved, grace_moved_at) WHERE name = CAST(@name AS CITEXT)",
            new { name = hostName, start = Times.ToDb(startedAt), ends = Times.ToDb(endsAt), moved = Times.ToDb(movedAt) }));
        if (updated == 1) _batch.GraceStarts[hostName] = startedAt;
        else _batch.GraceStarts.Remove(hostName);
    }
}
