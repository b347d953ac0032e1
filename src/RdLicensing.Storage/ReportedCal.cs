using RdLicensing.Core.Cals;
using RdLicensing.Core.Versions;

namespace RdLicensing.Storage;

/// <summary>
/// One live CAL as the CAL Usage report lists it. A value read straight off the database row (no row object, no
/// <see cref="IssuedCal"/>), so a report over a million CALs allocates little more per CAL than its names.
/// </summary>
public readonly record struct ReportedCal(
    long Id, CalType Type, ProductVersion Version, CalStatus Status, string? UserName, string ClientName, string? HardwareId,
    string HostName, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt, bool OverUsed, Guid? KeyPackId);
