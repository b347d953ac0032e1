namespace RdLicensing.Core.Cals;

/// <summary>
/// Issued CAL status. 0–6 are the original's values; Expired (7) is ours: a CAL whose validity ended
/// without renewal. Upgraded marks a temporary CAL that was replaced by a permanent one.
/// </summary>
public enum CalStatus
{
    Unknown = 0,
    Temporary = 1,
    Active = 2,
    Upgraded = 3,
    Revoked = 4,
    Pending = 5,
    Concurrent = 6,
    Expired = 7,
}

public static class CalStatuses
{
    public static string ToShortName(this CalStatus status) => status.ToString().ToLowerInvariant();

    public static bool TryParse(string? text, out CalStatus status) =>
        Enum.TryParse(text, ignoreCase: true, out status) && Enum.IsDefined(status) && !int.TryParse(text, out _);
}
