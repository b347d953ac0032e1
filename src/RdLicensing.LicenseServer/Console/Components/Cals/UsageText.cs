using System.Globalization;
using System.Text;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;

namespace RdLicensing.LicenseServer.Console.Components.Cals;

/// <summary>The API's short names and dates as RD Licensing Manager shows them, for every console page.</summary>
public static class UsageText
{
    public static readonly string[] Statuses = ["temporary", "active", "upgraded", "revoked", "expired"];

    public static readonly string[] Levels = ["information", "warning", "error"];

    /// <summary>"2022" → "Windows Server 2022".</summary>
    public static string Version(string shortName) => ProductVersions.TryParse(shortName, out var v) ? v.ToDisplayName() : shortName;

    /// <summary>"per-device" → "Per Device".</summary>
    public static string Type(string shortName) =>
        CalTypes.TryParse(shortName, out var t) ? (t == CalType.PerDevice ? "Per Device" : "Per User") : shortName;

    /// <summary>"per-device" → "RDS Per Device CAL", as key packs name their licenses.</summary>
    public static string CalName(string shortName) => CalTypes.TryParse(shortName, out var t) ? t.ToDisplayName() : shortName;

    /// <summary>licmgr's "License Version and Type" column: "Windows Server 2022 — RDS Per Device CAL".</summary>
    public static string PackName(KeyPackView pack) => $"{pack.VersionName} — {CalName(pack.Type)}";

    /// <summary>licmgr's "Expiry Date" column.</summary>
    public static string Expiry(KeyPackView pack) => pack.ExpiresAt is { } at ? Date(at) : "No expiration";

    public static string Capitalized(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    public static string Date(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>A date the API may not have (e.g. an activation's expiry): "—" when it has none.</summary>
    public static string Date(DateTimeOffset? at) => at is { } date ? Date(date) : "—";

    public static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    public static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>Only active permanent Per Device CALs can be revoked (the server says so too; this decides where the action is offered).</summary>
    public static bool Revocable(CalView cal) => cal is { Type: "per-device", Temporary: false, Status: "active" };

    /// <summary>What the status alone does not say: OverUsed, temporary and validated, revoked on a date.</summary>
    public static string Notes(CalView cal)
    {
        var notes = new List<string>();
        if (cal.OverUsed) notes.Add("from the OverUsed pool");
        if (cal.Temporary) notes.Add(cal.Validated ? "validated" : "awaiting sign-in"); // the status says temporary (or upgraded)
        if (cal.RevokedAt is { } revoked) notes.Add("revoked " + Date(revoked));
        return string.Join("; ", notes);
    }

    /// <summary>How close to its end a CAL is flagged "Expiring": the attention list's horizon for grace periods too.</summary>
    public static readonly TimeSpan ExpiringWithin = TimeSpan.FromDays(14);

    /// <summary>A CAL still in use (temporary or active) that ends within <see cref="ExpiringWithin"/> of the server's time.</summary>
    public static bool Expiring(CalView cal, DateTimeOffset? now) =>
        now is { } at && cal.Status is "temporary" or "active" && cal.ExpiresAt > at && cal.ExpiresAt - at <= ExpiringWithin;

    /// <summary>"RevocationLimitReached" → "Revocation limit reached".</summary>
    public static string EventName(string name)
    {
        var text = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (i > 0 && char.IsUpper(c) && !char.IsUpper(name[i - 1])) text.Append(' ').Append(char.ToLowerInvariant(c));
            else text.Append(c);
        }
        var words = text.ToString().Split(' ');
        for (var i = 0; i < words.Length; i++)
            words[i] = words[i] switch { "cal" or "Cal" => "CAL", "cals" or "Cals" => "CALs", _ => words[i] };
        return string.Join(' ', words).Replace("er user", "er User", StringComparison.Ordinal).Replace("er device", "er Device", StringComparison.Ordinal)
            .Replace("over used", "OverUsed", StringComparison.Ordinal);
    }

    /// <summary>How many Per Device CALs of a version can be revoked now, and when the next can be when none.</summary>
    public static string Allowance(RevocationView r) => r.RevocableNow > 0
        ? $"{r.RevocableNow} {Version(r.Version)} Per Device CAL(s) can be revoked now: {r.RevokedNow} of at most {r.Limit} are revoked " +
          $"(20% of the {r.Installed} installed, or 1)."
        : $"No {Version(r.Version)} Per Device CAL can be revoked now: {r.RevokedNow} of at most {r.Limit} are revoked (20% of the {r.Installed} installed, or 1)." +
          (r.NextPossibleAt is { } next ? $" The next revocation is possible on {Time(next)}." : "");
}
