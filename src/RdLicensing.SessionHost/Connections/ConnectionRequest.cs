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
public sealed record ConnectionRequest(string ClientName, string? HardwareId, string? UserName, byte[]? PresentedLicense, bool Administrative = false,
    bool PerUserAtSignIn = false);
