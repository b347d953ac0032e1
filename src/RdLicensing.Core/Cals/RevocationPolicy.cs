namespace RdLicensing.Core.Cals;

/// <summary>How many Per Device CALs of one version may be revoked now, and when the next becomes possible.</summary>
public sealed record RevocationAllowance(int Installed, int Limit, int RevokedNow, int RevocableNow, DateTimeOffset? NextPossibleAt);

/// <summary>
/// At most 20% of the installed Per Device CALs of a version (rounded down, at least 1) may be in the
/// revoked state at once. A revoked CAL stays in that state until the date it would have expired.
/// </summary>
public static class RevocationPolicy
{
    public static int Limit(int installedPerDeviceCals) => Math.Max(1, installedPerDeviceCals * 20 / 100);

    public static RevocationAllowance Evaluate(int installed, IEnumerable<DateTimeOffset> revokedCalExpiries, DateTimeOffset now)
    {
        var counting = revokedCalExpiries.Where(e => e > now).Order().ToList();
        var limit = Limit(installed);
        var revocable = Math.Max(0, limit - counting.Count);
        DateTimeOffset? next = revocable > 0 ? now : counting.Count >= limit ? counting[counting.Count - limit] : null;
        return new RevocationAllowance(installed, limit, counting.Count, revocable, next);
    }
}
