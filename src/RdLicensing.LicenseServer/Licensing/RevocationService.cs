using RdLicensing.Core.Cals;
using RdLicensing.Core.Events;
using RdLicensing.Core.Versions;
using RdLicensing.Storage;

namespace RdLicensing.LicenseServer.Licensing;

public enum RevokeError
{
    NotFound,
    NotRevocable,
    LimitReached,
}

public sealed record RevokeResult(IssuedCal? Cal, RevocationAllowance Allowance, RevokeError? Error, string Message);

/// <summary>Revokes permanent Per Device CALs within the 20% limit; the license returns to its pack at once.</summary>
public sealed class RevocationService(LicenseStore store, TimeProvider clock, RevocationListPublisher publisher)
{
    public Task<RevocationAllowance> AllowanceAsync(ProductVersion version, CancellationToken cancellationToken) =>
        store.WriteAsync(async s =>
        {
            var now = clock.GetUtcNow();
            await s.ExpireDueAsync(now);
            var (installed, revoked) = await s.RevocationStateAsync(version, now);
            return RevocationPolicy.Evaluate(installed, revoked, now);
        }, cancellationToken);

    public async Task<RevokeResult> RevokeAsync(long calId, CancellationToken cancellationToken)
    {
        var result = await RevokeInTransactionAsync(calId, cancellationToken);
        if (result.Error is null) publisher.Invalidate();
        return result;
    }

    private Task<RevokeResult> RevokeInTransactionAsync(long calId, CancellationToken cancellationToken) =>
        store.WriteAsync(async s =>
        {
            var now = clock.GetUtcNow();
            await s.ExpireDueAsync(now);
            var cal = await s.CalAsync(calId);
            var empty = new RevocationAllowance(0, 0, 0, 0, null);
            if (cal is null)
                return new RevokeResult(null, empty, RevokeError.NotFound, $"There is no issued CAL with id {calId}.");

            var (installed, revoked) = await s.RevocationStateAsync(cal.Version, now);
            var allowance = RevocationPolicy.Evaluate(installed, revoked, now);
            var notRevocable = cal switch
            {
                { Type: CalType.PerUser } => "Per User CALs cannot be revoked.",
                { IsTemporary: true } => "Temporary CALs cannot be revoked; only permanent Per Device CALs can.",
                { Status: CalStatus.Revoked } => $"CAL {calId} is already revoked.",
                { Status: not CalStatus.Active } => $"CAL {calId} is {cal.Status.ToShortName()}; only an active permanent Per Device CAL can be revoked.",
                _ => null,
            };
            if (notRevocable is not null)
                return new RevokeResult(cal, allowance, RevokeError.NotRevocable, notRevocable);

            if (allowance.RevocableNow == 0)
            {
                var message = $"The revocation limit for {cal.Version.ToDisplayName()} Per Device CALs is reached: {allowance.RevokedNow} of at most {allowance.Limit} " +
                              $"(20% of {allowance.Installed} installed) are revoked. 0 can be revoked now; the next revocation is possible on {allowance.NextPossibleAt:yyyy-MM-dd HH:mm} UTC.";
                await s.AddEventAsync(now, LicensingEventId.RevocationLimitReached, message, device: cal.HardwareId, calId: cal.Id);
                return new RevokeResult(cal, allowance, RevokeError.LimitReached, message);
            }

            var revokedCal = cal with { Status = CalStatus.Revoked, RevokedAt = now, HoldsSlot = false };
            await s.UpdateCalAsync(revokedCal);
            if (cal.HoldsSlot && cal.KeyPackId is { } pack) await s.ReturnLicenseAsync(pack);
            var listNumber = await s.NextRevocationListNumberAsync();
            await s.AddEventAsync(now, LicensingEventId.CalRevoked,
                $"The {cal.Version.ToDisplayName()} Per Device CAL {cal.Id} of {cal.ClientName} was revoked; its license is back in the pool. " +
                $"Session hosts stop accepting it once they have revocation list {listNumber} (at their next sync, within the hour, or with their next CAL answer).",
                device: cal.HardwareId, calId: cal.Id);
            var after = RevocationPolicy.Evaluate(installed, revoked.Append(cal.ExpiresAt), now);
            return new RevokeResult(revokedCal, after, null, $"CAL {cal.Id} was revoked. {after.RevocableNow} more can be revoked now.");
        }, cancellationToken);
}
