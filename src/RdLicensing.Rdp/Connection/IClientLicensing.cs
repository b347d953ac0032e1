using System.Net;
using RdLicensing.Core.SessionHost;

namespace RdLicensing.Rdp.Connection;

/// <summary>The client as the licensing protocol identifies it: the HWID (16 bytes, PlatformId left out), its names, where it connects from.</summary>
public sealed record RdpClientIdentity(string ClientName, string? HardwareId, string? UserName, bool Administrative, IPEndPoint? Remote);

/// <summary>
/// The answer for one RDP client: allowed or refused (with the licensing error the client shows), and the CAL bytes to
/// hand it when it must store a new one (issued, upgraded or renewed); null when what it holds (or grace) suffices.
/// </summary>
public sealed record RdpLicensingVerdict(bool Allowed, byte[]? License, LicensingErrorCode? Refusal, string Message, string? SessionId, bool TemporaryLicense = false)
{
    public static RdpLicensingVerdict Refused(LicensingErrorCode? code, string message) => new(false, null, code, message, null);
}

/// <summary>The sign-in as the desktop behind the endpoint reported it: the account it authenticated (null when there is no desktop).</summary>
public sealed record RdpSignIn(string? AuthenticatedUser, string? Domain)
{
    public static readonly RdpSignIn WithoutDesktop = new(null, null);
}

/// <summary>Whether the session may go on after the sign-in; if not, the Set Error Info code and the reason the client and the log get.</summary>
public sealed record RdpSignInOutcome(bool Continue, uint ErrorInfo, string Message)
{
    public static readonly RdpSignInOutcome Proceed = new(true, 0, "signed in");
}

/// <summary>
/// What the RDP endpoint needs from the session host: the one licensing decision for a client (the same engine as every
/// other front end), and the two moments after it — the user reached the session (sign-in, which validates a
/// temporary CAL), and the connection ended.
/// </summary>
public interface IClientLicensing
{
    Task<RdpLicensingVerdict> DecideAsync(RdpClientIdentity client, byte[]? presentedLicense, CancellationToken cancellationToken);

    /// <summary>
    /// The user signed in to the session. Without a desktop behind the endpoint, reaching the session is the sign-in and
    /// <paramref name="signIn"/> names no account; with a desktop (the relay), it is the account the desktop
    /// authenticated. The answer says whether the session may go on (an administrative session of a user who is not a
    /// listed administrator, say, may not).
    /// </summary>
    Task<RdpSignInOutcome> SignedInAsync(RdpLicensingVerdict verdict, RdpSignIn signIn, CancellationToken cancellationToken);

    Task EndedAsync(RdpLicensingVerdict verdict, CancellationToken cancellationToken);
}
