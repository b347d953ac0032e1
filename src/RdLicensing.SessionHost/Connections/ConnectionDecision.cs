using RdLicensing.Core.Cals;
using RdLicensing.Core.SessionHost;
using RdLicensing.Core.Versions;

namespace RdLicensing.SessionHost.Connections;

public enum ConnectionOutcome
{
    /// <summary>Connected with a CAL (presented and checked by the host, or from a license server).</summary>
    Licensed,
    /// <summary>Connected without a CAL because the licensing grace period is running.</summary>
    Grace,
    /// <summary>One of the two administrative connections.</summary>
    Administrative,
    /// <summary>
    /// Per User mode with a desktop behind the endpoint: let through to the desktop's sign-in, where the Per User CAL is
    /// recorded for the account the desktop authenticated (<see cref="SessionSignIns"/>).
    /// </summary>
    AwaitingSignIn,
    Refused,
}

public enum ClientCalSource
{
    /// <summary>The CAL the client presented, checked by the host with the license server's public key alone.</summary>
    Presented,
    LicenseServer,
}

/// <summary>The CAL a connection was licensed with.</summary>
public sealed record ClientCal(
    CalType Type,
    string Status,
    ProductVersion Version,
    bool Temporary,
    bool Validated,
    bool OverUsed,
    DateTimeOffset ExpiresAt,
    ClientCalSource Source,
    string? LicenseServerProductId);

/// <summary>Why a connection was refused: the licensing error code when the protocol has one, a stable reason name, and the message.</summary>
public sealed record ConnectionRefusal(LicensingErrorCode? Code, string Reason, string Message);

/// <summary>
/// The decision on one connection. <see cref="License"/> is a CAL token the client must store (only when it
/// changed); <see cref="SessionId"/> names the open session when the connection was allowed.
/// </summary>
public sealed record ConnectionDecision(
    ConnectionOutcome Outcome,
    string Message,
    string? SessionId,
    string HostName,
    LicensingMode Mode,
    ProductVersion HostVersion,
    ClientCal? Cal,
    byte[]? License,
    string? LicenseServer,
    ConnectionRefusal? Refusal,
    GracePeriod Grace,
    IReadOnlyList<string> Notes)
{
    public bool Allowed => Outcome != ConnectionOutcome.Refused;
}
