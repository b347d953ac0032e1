using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Versions;

namespace RdLicensing.Core.Cals;

/// <summary>Everything the Per Device decision needs, read inside the transaction that will apply it.</summary>
public sealed record PerDeviceRequest(
    ProductVersion HostVersion,
    IReadOnlyList<IssuedCal> DeviceCals,
    IReadOnlyList<KeyPack> KeyPacks,
    bool Activated,
    bool PreventUpgrade,
    DateTimeOffset Now);

/// <summary>
/// The documented Per Device lifecycle: first connection → temporary CAL (90 days); the sign-in marks it
/// validated; the next connection upgrades a validated temporary CAL to a permanent one (random 52–89
/// days) when the server is activated and a compatible CAL is free, else the temporary keeps working
/// until its 90 days end and the device is then refused. A permanent CAL within 7 days of expiry is renewed — by an
/// activated server only: a server that is not activated (or was deactivated) issues no permanent CALs, so the CAL stays
/// valid until it expires (<see cref="Activation.ActivationLicensingPolicy"/>).
/// </summary>
/// <remarks>
/// A device receives one temporary period: once its temporary CAL has run out it is refused until it can
/// be upgraded. A device whose permanent CAL was revoked, expired unrenewed or is too old for the host
/// starts again with a temporary CAL. Temporary CALs are not tied to a version.
/// </remarks>
public sealed class PerDeviceCalPolicy(IPermanentValidity validity)
{
    public CalDecision Decide(PerDeviceRequest request)
    {
        var now = request.Now;
        var permanent = request.DeviceCals
            .Where(c => !c.IsTemporary && c.Status == CalStatus.Active && !c.IsExpiredAt(now)
                        && VersionCompatibility.SessionHostAccepts(request.HostVersion, c.Version))
            .OrderByDescending(c => c.ExpiresAt)
            .FirstOrDefault();
        if (permanent is not null)
        {
            return permanent.ExpiresAt - now <= CalRules.RenewalWindow && request.Activated
                ? new CalDecision.Renewed(permanent, now.AddDays(validity.NextDays()))
                : new CalDecision.Valid(permanent);
        }

        var temporary = request.DeviceCals
            .Where(c => c.IsTemporary && c.Status is CalStatus.Temporary or CalStatus.Expired)
            .OrderByDescending(c => c.IssuedAt)
            .FirstOrDefault();
        if (temporary is null)
            return new CalDecision.TemporaryIssued(request.HostVersion, now + CalRules.TemporaryValidity);

        TemporaryKeptReason why;
        KeyPack? pack = null;
        if (temporary.Validated) pack = ChoosePack(request, out why);
        else why = TemporaryKeptReason.AwaitingSignIn;
        if (pack is not null)
            return new CalDecision.PermanentIssued(pack, now.AddDays(validity.NextDays()), temporary);

        if (!temporary.IsExpiredAt(now))
            return new CalDecision.TemporaryKept(temporary, why);

        return new CalDecision.Refused(RefusalReason.NoLicense,
            $"The temporary license of this computer expired on {temporary.ExpiresAt:yyyy-MM-dd} and no permanent license can be issued: {Describe(why)}.");
    }

    private static KeyPack? ChoosePack(PerDeviceRequest request, out TemporaryKeptReason why)
    {
        if (!request.Activated) { why = TemporaryKeptReason.NotActivated; return null; }
        var pack = KeyPackSelector.Choose(request.KeyPacks, CalType.PerDevice, request.HostVersion, request.PreventUpgrade, request.Now, out var reason);
        why = reason switch
        {
            NoPermanentReason.NoneInstalled => TemporaryKeptReason.NoneInstalled,
            NoPermanentReason.UpgradePrevented => TemporaryKeptReason.UpgradePrevented,
            _ => TemporaryKeptReason.NoneLeft,
        };
        return pack;
    }

    public static string Describe(TemporaryKeptReason why) => why switch
    {
        TemporaryKeptReason.AwaitingSignIn => "the temporary license has not been validated by a completed sign-in",
        TemporaryKeptReason.NotActivated => "the license server is not activated",
        TemporaryKeptReason.NoneInstalled => "no compatible Per Device CALs are installed",
        TemporaryKeptReason.UpgradePrevented => "only newer-version CALs are left and the 'prevent license upgrade' policy is on",
        _ => "no Per Device CALs of a compatible version are left",
    };
}
