using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Versions;

namespace RdLicensing.Core.Cals;

public sealed record PerUserRequest(
    ProductVersion HostVersion,
    IReadOnlyList<IssuedCal> UserCals,
    IReadOnlyList<KeyPack> KeyPacks,
    bool PreventUpgrade,
    DateTimeOffset Now);

/// <summary>
/// Per User CALs are not enforced: a user gets a license from the pool or, when the pool is empty, from
/// the OverUsed pool (flagged). A CAL shows 60 days of validity, extended by 60 days at a sign-in within
/// <see cref="CalRules.PerUserExtensionWindow"/> of expiry. A user who does not sign in before expiry drops
/// off the list and reappears on the next sign-in; the license stays theirs until
/// <see cref="CalRules.PerUserReassignmentDelay"/> after it was assigned. An OverUsed user moves into the
/// pool at the first sign-in when a license is free. Not activated servers issue Per User CALs too.
/// </summary>
public static class PerUserCalPolicy
{
    public static CalDecision Decide(PerUserRequest request)
    {
        var now = request.Now;
        var renewed = now + CalRules.PerUserValidity;
        var acceptable = request.UserCals.Where(c => VersionCompatibility.SessionHostAccepts(request.HostVersion, c.Version)).ToList();

        var live = acceptable.Where(c => c.Status == CalStatus.Active && !c.IsExpiredAt(now))
            .OrderBy(c => c.OverUsed).ThenByDescending(c => c.ExpiresAt).FirstOrDefault();
        if (live is not null)
        {
            if (live.OverUsed && ChoosePack(request, out _) is { } pack)
                return new CalDecision.PerUserExtended(live, renewed, pack);
            return live.ExpiresAt - now <= CalRules.PerUserExtensionWindow
                ? new CalDecision.PerUserExtended(live, renewed, null)
                : new CalDecision.Valid(live);
        }

        var stillAssigned = acceptable.Where(c => c.HoldsSlot).OrderByDescending(c => c.IssuedAt).FirstOrDefault();
        if (stillAssigned is not null)
            return new CalDecision.PerUserExtended(stillAssigned, renewed, null);

        var fromPool = ChoosePack(request, out var why);
        return fromPool is not null
            ? new CalDecision.PerUserIssued(fromPool, fromPool.Version, renewed, null)
            : new CalDecision.PerUserIssued(null, request.HostVersion, renewed, why);
    }

    private static KeyPack? ChoosePack(PerUserRequest request, out NoPermanentReason why) =>
        KeyPackSelector.Choose(request.KeyPacks, CalType.PerUser, request.HostVersion, request.PreventUpgrade, request.Now, out why);
}
