using RdLicensing.Core.Cals;
using RdLicensing.Core.KeyPacks;

namespace RdLicensing.Storage;

/// <summary>What a presented CAL is decided on, read by one command of up to four statements on one connection: moments apart, not one snapshot, so
/// at worst a CAL is answered valid as it would have been had the request come a moment earlier.</summary>
/// <param name="HostLastSeen">When the host was last recorded as seen; null also when it is not enrolled.</param>
/// <param name="Settings">The requested settings that are set.</param>
/// <param name="Cals">The device's Per Device CALs, or the user's Per User CALs.</param>
/// <param name="TokenDigests">Per Device: beside each CAL (same index), the digest of its last token recorded, or null (see
/// <see cref="LicenseStore.RecordTokenDigest"/>). Per User: empty.</param>
public sealed record PresentationSnapshot(
    DateTimeOffset? HostLastSeen, DateTimeOffset? HostGraceEndsAt, IReadOnlyDictionary<string, string> Settings, IReadOnlyList<KeyPack> Packs,
    IReadOnlyList<IssuedCal> Cals, IReadOnlyList<byte[]?> TokenDigests);

/// <summary>
/// Reads for answering a connection without a write transaction: a device or user presenting a CAL that is simply
/// valid changes nothing, so it is decided from a read, off the writer queue (see CalIssuer).
/// </summary>
public sealed partial class LicenseStore
{
    /// <param name="holder">The hardware id (Per Device) or user name (Per User) whose CALs are read.</param>
    /// <param name="settingNames">The settings to read; none reads no settings.</param>
    /// <param name="keyPacks">Whether the key packs of <paramref name="type"/> are read; when not, <see cref="PresentationSnapshot.Packs"/> is empty.</param>
    /// <remarks>
    /// One command of up to four statements, one round trip: PostgreSQL gets them as one batch (Npgsql sends a command's statements
    /// together), SQLite steps them one after another on the same connection, prepared once per kept connection (see ReadPreparedAsync).
    /// </remarks>
    public Task<PresentationSnapshot> PresentationSnapshotAsync(string hostName, CalType type, string holder, IReadOnlyList<string> settingNames,
        bool keyPacks = true, CancellationToken cancellationToken = default)
    {
        var parameters = new List<(string, object?)>(3 + settingNames.Count)
        {
            ("@name", hostName),
            (type == CalType.PerDevice ? "@hardwareId" : "@userName", holder),
        };
        if (keyPacks) parameters.Add(("@type", (long)type));
        // One parameter per setting name: a list would reach Npgsql as one array, which "IN" does not take.
        for (var i = 0; i < settingNames.Count; i++) parameters.Add(("@n" + i, settingNames[i]));
        var readSettings = settingNames.Count > 0;
        return ReadPreparedAsync(PresentationSql(type, settingNames.Count, keyPacks), [.. parameters], async (reader, ct) =>
        {
            (long? Seen, long? Grace) host = default;
            if (await reader.ReadAsync(ct))
                host = (await reader.IsDBNullAsync(0, ct) ? null : reader.GetInt64(0), await reader.IsDBNullAsync(1, ct) ? null : reader.GetInt64(1));
            var settings = new Dictionary<string, string>(StringComparer.Ordinal);
            if (readSettings)
            {
                await reader.NextResultAsync(ct);
                while (await reader.ReadAsync(ct)) settings[reader.GetString(0)] = reader.GetString(1);
            }
            var packs = new List<KeyPack>();
            if (keyPacks)
            {
                await reader.NextResultAsync(ct);
                while (await reader.ReadAsync(ct)) packs.Add(KeyPackRow.Read(reader).ToDomain());
            }
            await reader.NextResultAsync(ct);
            // Per Device: DeviceCalsSql selects each CAL's token digest too.
            var (cals, digests) = await CalRow.ReadAllAsync(reader, withTokenDigests: type == CalType.PerDevice, ct);
            return new PresentationSnapshot(Times.FromDb(host.Seen), Times.FromDb(host.Grace), settings, packs, cals, digests);
        }, cancellationToken);
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(CalType, int, bool), string> PresentationSqls = new();

    private static string PresentationSql(CalType type, int settings, bool keyPacks) => PresentationSqls.GetOrAdd((type, settings, keyPacks), key =>
        "SELECT last_seen_at, grace_ends_at FROM session_hosts WHERE name = CAST(@name AS CITEXT);\n" +
        (key.Item2 > 0 ? $"SELECT name, value FROM settings WHERE name IN ({string.Join(", ", Enumerable.Range(0, key.Item2).Select(i => "@n" + i))});\n" : "") +
        (key.Item3 ? $"SELECT {KeyPackRow.Columns} FROM key_packs WHERE cal_type = @type;\n" : "") +
        (key.Item1 == CalType.PerDevice ? LicenseWriteSession.DeviceCalsSql : LicenseWriteSession.UserCalsSql));
}
