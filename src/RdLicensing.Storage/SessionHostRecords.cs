using RdLicensing.Core.Events;
using RdLicensing.Core.SessionHost;
using RdLicensing.Core.Versions;

namespace RdLicensing.Storage;

/// <summary>The host's credential for one license server, as the administrator gave it.</summary>
public sealed record LicenseServerTokenRecord(string Url, string Token, DateTimeOffset EnrolledAt);

/// <summary>A license server public key the host learned (DER SubjectPublicKeyInfo).</summary>
public sealed record LicenseServerKeyRecord(string ProductId, string Url, ProductVersion Version, byte[] PublicKey, DateTimeOffset LearnedAt);

/// <summary>One client or administrative session on the host; open while <see cref="EndedAt"/> is null.</summary>
public sealed record HostSessionRecord(
    string Id,
    bool Administrative,
    string ClientName,
    string? HardwareId,
    string? UserName,
    string Outcome,
    string? LicenseServer,
    bool CalTemporary,
    bool CalValidated,
    bool SignedIn,
    DateTimeOffset StartedAt,
    DateTimeOffset LastActivityAt,
    DateTimeOffset? EndedAt,
    string? EndReason,
    string? AuthenticatedUser = null)
{
    public bool IsOpen => EndedAt is null;
}

/// <summary>One persisted session host event.</summary>
public sealed record SessionHostEvent(
    long Sequence,
    DateTimeOffset At,
    SessionHostEventId EventId,
    EventLevel Level,
    string Message,
    string? Device = null,
    string? User = null,
    string? LicenseServer = null);

/// <summary>An event still to be written, in the transaction that records what caused it.</summary>
public sealed record PendingSessionHostEvent(SessionHostEventId EventId, string Message, string? Device = null, string? User = null, string? LicenseServer = null);

public sealed record SessionHostEventQuery(SessionHostEventId? EventId = null, EventLevel? MinimumLevel = null, long? AfterSequence = null, int Limit = 100);
