namespace RdLicensing.SessionHost.Configuration;

/// <summary>The administrator list as an administrator types it: user names, "DOMAIN\user" or "user@domain", each printable and short.</summary>
public static class AdministratorNames
{
    public const int MaxLength = 256;
    public const int MaxCount = 100;

    /// <summary>The trimmed, de-duplicated names; null with the reason when one is not a user name.</summary>
    public static IReadOnlyList<string>? TryNormalize(IEnumerable<string?> names, out string? error)
    {
        var list = new List<string>();
        foreach (var raw in names)
        {
            var name = raw?.Trim();
            if (string.IsNullOrEmpty(name)) { error = "a user name is empty"; return null; }
            if (name.Length > MaxLength || name.Any(char.IsControl) || name.Contains(','))
            {
                error = $"'{new string(name.Where(c => !char.IsControl(c)).Take(40).ToArray())}' is not a user name (at most {MaxLength} printable characters, no commas)";
                return null;
            }
            if (!list.Contains(name, StringComparer.OrdinalIgnoreCase)) list.Add(name);
        }
        if (list.Count > MaxCount) { error = $"at most {MaxCount} administrators can be listed"; return null; }
        error = null;
        return list;
    }
}
