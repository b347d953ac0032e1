using RdLicensing.Core.Versions;

namespace RdLicensing.Core.Cals;

/// <summary>
/// One issued CAL. A Per Device CAL belongs to a hardware id; a Per User CAL to a user name.
/// <see cref="HoldsSlot"/> is true while the CAL consumes one license of its key pack.
/// </summary>
public sealed record IssuedCal
{
    public long Id { get; init; }
    public CalType Type { get; init; }
    public CalStatus Status { get; init; }
    public ProductVersion Version { get; init; }
    public Guid? KeyPackId { get; init; }
    public bool IsTemporary { get; init; }
    public bool OverUsed { get; init; }
    public bool Validated { get; init; }
    public bool HoldsSlot { get; init; }
    public string? HardwareId { get; init; }
    public string ClientName { get; init; } = "";
    public string? UserName { get; init; }
    public string HostName { get; init; } = "";
    public DateTimeOffset IssuedAt { get; init; }
    public DateTimeOffset ExpiresAt { get; init; }
    public DateTimeOffset? RevokedAt { get; init; }

    public bool IsExpiredAt(DateTimeOffset now) => ExpiresAt <= now;
}
