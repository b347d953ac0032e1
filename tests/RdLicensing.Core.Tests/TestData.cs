using RdLicensing.Core.Cals;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Versions;

namespace RdLicensing.Core.Tests;

/// <summary>Shared fixed times and builders for CALs and key packs.</summary>
internal static class TestData
{
    public static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public const string ServerProductId = "12345-67890-12345-67890";
    public const string OtherProductId = "99999-88888-77777-66666";

    public static KeyPack Pack(
        ProductVersion version,
        CalType type = CalType.PerDevice,
        int total = 10,
        int issued = 0,
        DateTimeOffset? expiresAt = null,
        DateTimeOffset? installedAt = null,
        string? description = null) =>
        new(Guid.NewGuid(), LicenseProgram.Retail, version, type, total, issued, expiresAt,
            description ?? $"{version.ToShortName()} {type.ToShortName()}",
            new KeyPackOrigin("test-clearinghouse", ServerProductId, "REF-1", T0.AddDays(-60)),
            installedAt ?? T0.AddDays(-30));

    /// <summary>A temporary Per Device CAL issued at <paramref name="issuedAt"/>, valid for the documented 90 days.</summary>
    public static IssuedCal Temporary(DateTimeOffset issuedAt, bool validated = false, CalStatus status = CalStatus.Temporary) => new()
    {
        Id = 1,
        Type = CalType.PerDevice,
        Status = status,
        Version = ProductVersion.WindowsServer2022,
        IsTemporary = true,
        Validated = validated,
        HardwareId = "HW-0001",
        ClientName = "PC-0001",
        IssuedAt = issuedAt,
        ExpiresAt = issuedAt + CalRules.TemporaryValidity,
    };

    public static IssuedCal Permanent(ProductVersion version, DateTimeOffset expiresAt, CalStatus status = CalStatus.Active) => new()
    {
        Id = 2,
        Type = CalType.PerDevice,
        Status = status,
        Version = version,
        KeyPackId = Guid.NewGuid(),
        HoldsSlot = status == CalStatus.Active,
        HardwareId = "HW-0001",
        ClientName = "PC-0001",
        IssuedAt = expiresAt.AddDays(-60),
        ExpiresAt = expiresAt,
    };

    public static IssuedCal PerUser(
        ProductVersion version,
        DateTimeOffset expiresAt,
        CalStatus status = CalStatus.Active,
        bool overUsed = false,
        bool holdsSlot = true) => new()
    {
        Id = 3,
        Type = CalType.PerUser,
        Status = status,
        Version = version,
        KeyPackId = overUsed ? null : Guid.NewGuid(),
        OverUsed = overUsed,
        HoldsSlot = holdsSlot,
        UserName = @"CONTOSO\alice",
        HostName = "RDSH-01",
        IssuedAt = expiresAt - CalRules.PerUserValidity,
        ExpiresAt = expiresAt,
    };
}

/// <summary>A permanent validity that always chooses the same number of days, so expiries are predictable.</summary>
internal sealed class FixedValidity(int days) : IPermanentValidity
{
    public int NextDays() => days;
}

/// <summary>A clock that stays where the test puts it.</summary>
internal sealed class ManualTimeProvider(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
