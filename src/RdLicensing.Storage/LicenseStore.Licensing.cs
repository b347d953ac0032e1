using Dapper;
using RdLicensing.Core.Cals;
using RdLicensing.Core.KeyPacks;

namespace RdLicensing.Storage;

/// <summary>What a presented CAL is decided on, read one after another on one connection: moments apart, not one snapshot, so
/// at worst a CAL is answered valid as it would have been had the request come a moment earlier.</summary>
/// <param name="HostLastSeen">When the host was last recorded as seen; null also when it is not enrolled.</param>
/// <param name="Settings">The requested settings that are set.</param>
/// <param name="Cals">The device's Per Device CALs, or the user's Per User CALs.</param>
public sealed record PresentationSnapshot(
    DateTimeOffset? HostLastSeen, DateTimeOffset? HostGraceEndsAt, IReadOnlyDictionary<string, string> Settings, IReadOnlyList<KeyPack> Packs,
    IReadOnlyList<IssuedCal> Cals);

/// <summary>
/// Reads for answering a connection without a write transaction: a device or user presenting a CAL that is simply
/// valid changes nothing, so it is decided from a read, off the writer queue (see CalIssuer).
/// </summary>
public sealed partial class LicenseStore
{
    /// <param name="holder">The hardware id (Per Device) or user name (Per User) whose CALs are read.</param>
    public Task<PresentationSnapshot> PresentationSnapshotAsync(string hostName, CalType type, string holder, IReadOnlyList<string> settingNames,
        CancellationToken cancellationToken = default) => ReadAsync(async c =>
    {
        var host = await c.QuerySingleOrDefaultAsync<(long? Seen, long? Grace)?>(
            new CommandDefinition("SELECT last_seen_at, grace_ends_at FROM session_hosts WHERE name = CAST(@name AS CITEXT)", new { name = hostName },
                cancellationToken: cancellationToken));
        // One parameter per name: Dapper would send a list to Npgsql as one array, which "IN" does not take.
        var names = new DynamicParameters();
        for (var i = 0; i < settingNames.Count; i++) names.Add("n" + i, settingNames[i]);
        var settings = (await c.QueryAsync<(string Name, string Value)>(
                new CommandDefinition($"SELECT name, value FROM settings WHERE name IN ({string.Join(", ", settingNames.Select((_, i) => "@n" + i))})", names,
                    cancellationToken: cancellationToken)))
            .ToDictionary(s => s.Name, s => s.Value);
        var packs = (await c.QueryAsync<KeyPackRow>(new CommandDefinition($"SELECT {KeyPackRow.Columns} FROM key_packs WHERE cal_type = @type", new { type = (int)type },
                cancellationToken: cancellationToken)))
            .Select(r => r.ToDomain()).ToList();
        var cals = type == CalType.PerDevice
            ? await c.QueryAsync<CalRow>(new CommandDefinition(LicenseWriteSession.DeviceCalsSql, new { hardwareId = holder }, cancellationToken: cancellationToken))
            : await c.QueryAsync<CalRow>(new CommandDefinition(LicenseWriteSession.UserCalsSql, new { userName = holder }, cancellationToken: cancellationToken));
        return new PresentationSnapshot(Times.FromDb(host?.Seen), Times.FromDb(host?.Grace), settings, packs, cals.Select(r => r.ToDomain()).ToList());
    }, cancellationToken);
}
