namespace RdLicensing.Core.Protocol;

// The license server's JSON wire format, shared by the server, `rdlic` and session hosts.
// Types, versions and statuses travel as their short names ("per-device", "2022", "temporary").

/// <summary>
/// POST /api/sessionhost/cals — a session host asks a CAL for one client connection. <see cref="HostGraceEndsAt"/>:
/// when the host's licensing grace period ends, shown on the Licensing Manager dashboard.
/// </summary>
public sealed record CalRequestBody(
    string? CalType,
    string? HostVersion,
    string? HardwareId,
    string? ClientName,
    string? UserName,
    string? PresentedLicense,
    DateTimeOffset? HostGraceEndsAt = null);

/// <summary>
/// The answer to a CAL request. <see cref="License"/> is the CAL token (base64 X.509) the device must store,
/// present only when it differs from what the device presented. <see cref="RevocationListNumber"/>: the server's current
/// revocation list number — a host holding an older list fetches it again. <see cref="HostGraceStartedAt"/>: the host's grace
/// period start as the server anchored it, which the host adopts when it is earlier than its own.
/// </summary>
public sealed record CalResponseBody(
    bool Licensed,
    string Outcome,
    string Message,
    CalView? Cal,
    string? License,
    RefusalView? Refusal,
    string? PresentedLicenseProblem,
    long? RevocationListNumber = null,
    DateTimeOffset? HostGraceStartedAt = null);

/// <summary>GET /api/sessionhost/grace — the calling host's grace period start as the server anchored it (null: none recorded yet).</summary>
public sealed record HostGraceView(DateTimeOffset? StartedAt, DateTimeOffset? EndsAt);

public sealed record RefusalView(string Code, string Reason, string Message);

/// <summary>POST /api/sessionhost/cals/sign-in — the user signed in on this device: validates its temporary CAL.</summary>
public sealed record SignInBody(string? HardwareId);

public sealed record SignInResponse(bool Validated, string Message, CalView? Cal);

public sealed record CalView(
    long Id,
    string Type,
    string Status,
    string Version,
    Guid? KeyPackId,
    bool Temporary,
    bool Validated,
    bool OverUsed,
    string? HardwareId,
    string ClientName,
    string? UserName,
    string HostName,
    DateTimeOffset IssuedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? RevokedAt);

public sealed record CalPage(IReadOnlyList<CalView> Items, int Page, int PageSize, long Total);

public sealed record KeyPackView(
    Guid Id,
    string Program,
    string ProgramName,
    string Version,
    string VersionName,
    string Type,
    int Total,
    int Issued,
    int Available,
    DateTimeOffset? ExpiresAt,
    string Description,
    string Clearinghouse,
    string LicenseServer,
    string ProgramReference,
    DateTimeOffset InstalledAt);

/// <summary>POST /api/admin/keypacks: the text of a signed key pack file.</summary>
public sealed record SignedFileBody(string? Content);

public sealed record RevocationView(string Version, int Installed, int Limit, int RevokedNow, int RevocableNow, DateTimeOffset? NextPossibleAt);

public sealed record RevokeResponse(CalView Cal, RevocationView Revocation);

public sealed record EventView(long Sequence, DateTimeOffset At, int EventId, string Name, string Level, string Message,
    string? SessionHost, string? Device, string? User, long? CalId);

public sealed record PoliciesView(bool SecurityGroupEnabled, bool PreventLicenseUpgrade);

public sealed record PoliciesUpdate(bool? SecurityGroupEnabled, bool? PreventLicenseUpgrade);

public sealed record ClockView(string Mode, DateTimeOffset Now, string Offset);

public sealed record ClockAdvanceBody(string? By);

public sealed record EnrollBody(string? Name, bool? InSecurityGroup);

public sealed record SessionHostView(string Name, bool InSecurityGroup, DateTimeOffset EnrolledAt, DateTimeOffset? LastSeenAt);

/// <summary>The host's credential, returned once at enrollment.</summary>
public sealed record EnrollResponse(SessionHostView Host, string Token, bool NewlyEnrolled);

public sealed record SecurityGroupBody(bool? Member);

public sealed record ReportCreateBody(string? Type);

public sealed record ReportView(string Id, string Type, DateTimeOffset CreatedAt, string Scope, string Summary);

public sealed record ActivationView(string Status, string? LicenseServerId, DateTimeOffset? ActivatedAt, DateTimeOffset? ExpiresAt);

/// <summary>POST /api/admin/activation: the License Server ID the clearinghouse issued for this server's Product ID.</summary>
public sealed record ActivationCodeBody(string? LicenseServerId);

public sealed record PoolView(string Type, string Version, int Total, int Issued, int Available, int Temporary, int OverUsed, int Revoked);

public sealed record StatusView(
    string ProductId,
    string ServerVersion,
    ActivationView Activation,
    string? Clearinghouse,
    ClockView Clock,
    PoliciesView Policies,
    IReadOnlyList<PoolView> Pools,
    int OverUsedPerUserCals,
    int KeyPacks,
    int SessionHosts,
    string Database,
    IReadOnlyList<string> Warnings,
    long RevocationListNumber = 0,
    IReadOnlyList<HostSyncView>? Hosts = null,
    IReadOnlyList<string>? Notices = null);

/// <summary>
/// One enrolled session host in the server's status: when it last fetched the revocation list and which number it got
/// (<see cref="RevocationState"/> "synced", "stale" or "never"), and its grace period as anchored here (<see cref="GraceMovedAt"/>:
/// when it last reported a later start, i.e. its state was reset).
/// </summary>
public sealed record HostSyncView(
    string Name,
    DateTimeOffset? LastSeenAt,
    DateTimeOffset? RevocationsSyncedAt,
    long? RevocationListNumber,
    string RevocationState,
    DateTimeOffset? GraceStartedAt,
    DateTimeOffset? GraceEndsAt,
    DateTimeOffset? GraceMovedAt);
