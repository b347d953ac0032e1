namespace RdLicensing.Core.SessionHost;

/// <summary>
/// Remote Desktop for Administration: two administrative connections at once need no CAL; a third is refused.
/// An administrative session ends when the client ends it, or after <see cref="IdleTimeout"/> of the host's
/// clock without activity, so a client that crashed does not keep an administrator out for ever.
/// </summary>
public static class AdministrativeConnections
{
    public const int Limit = 2;

    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(10);

    /// <summary>The wording Windows shows when every administrative connection is in use.</summary>
    public const string LimitReachedMessage =
        "The number of connections to this computer is limited and all connections are in use right now. Try connecting later or contact your system administrator.";

    public static bool IsIdleAt(DateTimeOffset lastActivity, DateTimeOffset now) => now - lastActivity >= IdleTimeout;
}
