using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Versions;

namespace RdLicensing.Core.Cals;

/// <summary>What the license server does with one CAL request. The store applies it in one transaction.</summary>
public abstract record CalDecision
{
    /// <summary>The presented or recorded CAL is valid as it is: nothing is written.</summary>
    public sealed record Valid(IssuedCal Cal) : CalDecision;

    /// <summary>A permanent Per Device CAL within 7 days of expiry gets a new random validity.</summary>
    public sealed record Renewed(IssuedCal Cal, DateTimeOffset NewExpiry) : CalDecision;

    /// <summary>A first connection: a temporary Per Device CAL for 90 days.</summary>
    public sealed record TemporaryIssued(ProductVersion Version, DateTimeOffset ExpiresAt) : CalDecision;

    /// <summary>The device keeps its temporary CAL; <see cref="Why"/> says why it was not upgraded.</summary>
    public sealed record TemporaryKept(IssuedCal Temporary, TemporaryKeptReason Why) : CalDecision;

    /// <summary>A permanent CAL from <see cref="Pack"/>; <see cref="Replaces"/> is the temporary it upgrades, if any.</summary>
    public sealed record PermanentIssued(KeyPack Pack, DateTimeOffset ExpiresAt, IssuedCal? Replaces) : CalDecision;

    /// <summary>A Per User CAL from the pool, or from the OverUsed pool when <see cref="Pack"/> is null.</summary>
    public sealed record PerUserIssued(KeyPack? Pack, ProductVersion Version, DateTimeOffset ExpiresAt, NoPermanentReason? WhyOverUsed) : CalDecision;

    /// <summary>A Per User CAL's expiry moves on (sign-in shortly before expiry, or the user reappears), optionally into a pool license.</summary>
    public sealed record PerUserExtended(IssuedCal Cal, DateTimeOffset NewExpiry, KeyPack? MovedToPack) : CalDecision;

    public sealed record Refused(RefusalReason Reason, string Message) : CalDecision;
}

public enum TemporaryKeptReason
{
    AwaitingSignIn,
    NotActivated,
    NoneInstalled,
    NoneLeft,
    UpgradePrevented,
}

/// <summary>Refusals with the licensing error the client is shown.</summary>
public enum RefusalReason
{
    /// <summary>0x102: no Remote Desktop client access licenses available for this computer.</summary>
    NoLicense = 0x102,
}
