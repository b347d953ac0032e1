using System.Data.Common;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Events;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Versions;

namespace RdLicensing.Storage;

// Dapper maps columns onto these by name; the domain never sees database types.
internal static class Times
{
    public static long ToDb(DateTimeOffset time) => time.ToUnixTimeMilliseconds();
    public static long? ToDb(DateTimeOffset? time) => time?.ToUnixTimeMilliseconds();
    public static DateTimeOffset FromDb(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);
    public static DateTimeOffset? FromDb(long? ms) => ms is { } v ? DateTimeOffset.FromUnixTimeMilliseconds(v) : null;
}

/// <summary>
/// Flags are 0/1 integers in every dialect, so SQL can say "holds_slot = 1" on both; a .NET bool would reach PostgreSQL
/// as a boolean, which does not compare with an integer. Dapper reads them back into bool.
/// </summary>
internal static class Flags
{
    public static long ToDb(bool value) => value ? 1 : 0;
}

internal sealed class KeyPackRow
{
    public const string Columns = "id, program, product_version, cal_type, total, issued, expires_at, description, clearinghouse, license_server, program_reference, signed_at, installed_at";

    public string id { get; set; } = "";
    public string program { get; set; } = "";
    public long product_version { get; set; }
    public long cal_type { get; set; }
    public long total { get; set; }
    public long issued { get; set; }
    public long? expires_at { get; set; }
    public string description { get; set; } = "";
    public string clearinghouse { get; set; } = "";
    public string license_server { get; set; } = "";
    public string program_reference { get; set; } = "";
    public long signed_at { get; set; }
    public long installed_at { get; set; }

    /// <summary>
    /// The current row of a reader whose columns are <see cref="Columns"/> in that order, read by position: for the hot reads
    /// (ReadPreparedAsync), where Dapper's shared deserializer cache was a lock every request contended on.
    /// </summary>
    public static KeyPackRow Read(DbDataReader r) => new()
    {
        id = r.GetString(0), program = r.GetString(1), product_version = r.GetInt64(2), cal_type = r.GetInt64(3), total = r.GetInt64(4),
        issued = r.GetInt64(5), expires_at = r.IsDBNull(6) ? null : r.GetInt64(6), description = r.GetString(7), clearinghouse = r.GetString(8),
        license_server = r.GetString(9), program_reference = r.GetString(10), signed_at = r.GetInt64(11), installed_at = r.GetInt64(12),
    };

    public KeyPack ToDomain()
    {
        LicensePrograms.TryParse(program, out var p);
        return new KeyPack(Guid.Parse(id), p, (ProductVersion)product_version, (CalType)cal_type, (int)total, (int)issued,
            Times.FromDb(expires_at), description,
            new KeyPackOrigin(clearinghouse, license_server, program_reference, Times.FromDb(signed_at)), Times.FromDb(installed_at));
    }
}

internal sealed class CalRow
{
    public const string Columns = "id, cal_type, status, product_version, key_pack_id, is_temporary, over_used, validated, holds_slot, hardware_id, client_name, user_name, host_name, issued_at, expires_at, revoked_at";

    public long id { get; set; }
    public long cal_type { get; set; }
    public long status { get; set; }
    public long product_version { get; set; }
    public string? key_pack_id { get; set; }
    public bool is_temporary { get; set; }
    public bool over_used { get; set; }
    public bool validated { get; set; }
    public bool holds_slot { get; set; }
    public string? hardware_id { get; set; }
    public string client_name { get; set; } = "";
    public string? user_name { get; set; }
    public string host_name { get; set; } = "";
    public long issued_at { get; set; }
    public long expires_at { get; set; }
    public long? revoked_at { get; set; }

    /// <summary>The current row of a reader whose columns are <see cref="Columns"/> in that order (see <see cref="KeyPackRow.Read"/>).</summary>
    public static CalRow Read(DbDataReader r) => new()
    {
        id = r.GetInt64(0), cal_type = r.GetInt64(1), status = r.GetInt64(2), product_version = r.GetInt64(3),
        key_pack_id = r.IsDBNull(4) ? null : r.GetString(4), is_temporary = r.GetInt64(5) != 0, over_used = r.GetInt64(6) != 0,
        validated = r.GetInt64(7) != 0, holds_slot = r.GetInt64(8) != 0, hardware_id = r.IsDBNull(9) ? null : r.GetString(9),
        client_name = r.GetString(10), user_name = r.IsDBNull(11) ? null : r.GetString(11), host_name = r.GetString(12),
        issued_at = r.GetInt64(13), expires_at = r.GetInt64(14), revoked_at = r.IsDBNull(15) ? null : r.GetInt64(15),
    };

    /// <summary>
    /// Every row of the reader's current result as a CAL and, when the statement selected it after <see cref="Columns"/>
    /// (<paramref name="withTokenDigests"/>), beside each the token digest recorded for it (null when none is); else no digests.
    /// </summary>
    public static async Task<(List<IssuedCal> Cals, List<byte[]?> TokenDigests)> ReadAllAsync(DbDataReader r, bool withTokenDigests, CancellationToken ct)
    {
        var cals = new List<IssuedCal>();
        var digests = new List<byte[]?>();
        while (await r.ReadAsync(ct))
        {
            cals.Add(Read(r).ToDomain());
            if (withTokenDigests) digests.Add(r.IsDBNull(16) ? null : (byte[])r.GetValue(16));
        }
        return (cals, digests);
    }

    public IssuedCal ToDomain() => new()
    {
        Id = id,
        Type = (CalType)cal_type,
        Status = (CalStatus)status,
        Version = (ProductVersion)product_version,
        KeyPackId = key_pack_id is null ? null : Guid.Parse(key_pack_id),
        IsTemporary = is_temporary,
        OverUsed = over_used,
        Validated = validated,
        HoldsSlot = holds_slot,
        HardwareId = hardware_id,
        ClientName = client_name,
        UserName = user_name,
        HostName = host_name,
        IssuedAt = Times.FromDb(issued_at),
        ExpiresAt = Times.FromDb(expires_at),
        RevokedAt = Times.FromDb(revoked_at),
    };

    /// <summary>A CAL's columns as the prepared INSERT and UPDATE take them, named with '@' (flags and enums as 64-bit integers).</summary>
    /// <param name="withId">The UPDATE's parameters: the id and the columns it sets (not the type, temporary flag, device and user,
    /// which never change: an unreferenced parameter is one the database would have to ignore); else the INSERT's.</param>
    public static (string Name, object? Value)[] ParameterList(IssuedCal c, bool withId)
    {
        (string, object?) first = withId ? ("@id", c.Id) : ("@cal_type", (long)c.Type);
        (string, object?)[] changing =
        [
            first, ("@status", (long)c.Status), ("@product_version", (long)c.Version), ("@key_pack_id", c.KeyPackId?.ToString("D")),
            ("@over_used", Flags.ToDb(c.OverUsed)), ("@validated", Flags.ToDb(c.Validated)), ("@holds_slot", Flags.ToDb(c.HoldsSlot)),
            ("@client_name", c.ClientName), ("@host_name", c.HostName), ("@issued_at", Times.ToDb(c.IssuedAt)), ("@expires_at", Times.ToDb(c.ExpiresAt)),
            ("@revoked_at", Times.ToDb(c.RevokedAt)),
        ];
        return withId ? changing : [.. changing, ("@is_temporary", Flags.ToDb(c.IsTemporary)), ("@hardware_id", c.HardwareId), ("@user_name", c.UserName)];
    }
}

internal sealed class EventRow
{
    public long seq { get; set; }
    public long at { get; set; }
    public long event_id { get; set; }
    public long level { get; set; }
    public string message { get; set; } = "";
    public string? session_host { get; set; }
    public string? device { get; set; }
    public string? user_name { get; set; }
    public long? cal_id { get; set; }

    public LicensingEvent ToDomain() => new(seq, Times.FromDb(at), (LicensingEventId)event_id, (EventLevel)level, message,
        session_host, device, user_name, cal_id);
}
