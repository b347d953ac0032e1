using RdLicensing.Core.Cals;
using RdLicensing.Core.Versions;

namespace RdLicensing.LicenseServer.Licensing;

/// <summary>A validated CAL request from an enrolled session host.</summary>
public sealed record CalRequest(
    string HostName,
    CalType Type,
    ProductVersion HostVersion,
    string? HardwareId,
    string ClientName,
    string? UserName,
    byte[]? PresentedLicense,
    DateTimeOffset? HostGraceEndsAt = null);

/// <summary>What happened, for the API to report: the decision's outcome, the CAL, a new token if any.</summary>
public sealed record CalOutcome(
    string Outcome,
    string Message,
    IssuedCal? Cal,
    byte[]? License,
    RefusalReason? Refusal,
    string? PresentedLicenseProblem,
    DateTimeOffset? HostGraceStartedAt = null)
{
    public bool Licensed => Refusal is null;

    /// <summary>The new CAL token to sign once the transaction has committed (then <see cref="License"/>); see CalIssuer.</summary>
    internal CalTokenContent? TokenToSign { get; init; }
}
