namespace RdLicensing.SessionHost.Connections;

/// <summary>
/// One client connection as any front end sees it: the HTTP API today, an RDP endpoint later (which passes
/// the HWID, client machine and user name and the license bytes from the client's licensing PDUs).
/// </summary>
/// <param name="HardwareId">The client's hardware id; needed for client (non-administrative) connections.</param>
/// <param name="PresentedLicense">The CAL token the client stored, if any (DER X.509).</param>
/// <param name="Administrative">One of the two administrative connections that need no CAL.</param>
/// <param name="PerUserAtSignIn">
/// The front end reports the account a desktop authenticated at sign-in (the RDP endpoint with <c>--desktop</c>): in Per
/// User mode the Per User CAL is recorded then, for that account, and never for the name the client claims before
/// anyone checked its password.
/// </param>
/// <param name="AnswerBeforeRecorded">
/// The front end waits for the session's record only where something reads it (the RDP endpoint: its sign-in and end, which
/// wait for it through <see cref="SessionWrites"/>). An allowed connection that leaves no event and changes no grace period
/// state (a valid CAL the host accepted alone) is then answered once decided, while its session row is committed by the next
/// group commit; a refusal, any event, the grace period's start and a start adopted from a license server are still committed
/// before the answer. The HTTP API answers with the
/// stored session and so leaves it false.
/// </param>
public sealed record ConnectionRequest(string ClientName, string? HardwareId, string? UserName, byte[]? PresentedLicense, bool Administrative = false,
    bool PerUserAtSignIn = false, bool AnswerBeforeRecorded = false);
