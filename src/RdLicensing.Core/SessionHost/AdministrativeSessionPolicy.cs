namespace RdLicensing.Core.SessionHost;

/// <summary>What the host knows when an administrative (console) connection asks for a session.</summary>
/// <param name="Administrators">The host's listed administrators ("alice", or "DOMAIN\alice" for one domain only).</param>
/// <param name="ClaimedUser">The user name the client claimed (not authenticated yet).</param>
/// <param name="OpenSessionsLastActivity">The last activity of each administrative session still open.</param>
public sealed record AdministrativeSnapshot(IReadOnlyList<string> Administrators, string? ClaimedUser, IReadOnlyList<DateTimeOffset> OpenSessionsLastActivity);

/// <summary>The answer to an administrative connection at the licensing decision.</summary>
public abstract record AdministrativeDecision
{
    /// <summary>A listed administrator with a free slot: an administrative session, no CAL.</summary>
    public sealed record Granted(int Number, string Message) : AdministrativeDecision;

    /// <summary>Not a listed administrator: licensed like any connection (the console flag gives nothing).</summary>
    public sealed record LicenseAsClient(string Message) : AdministrativeDecision;

    /// <summary>Both administrative sessions are in use; the first idle end is when one frees at the latest.</summary>
    public sealed record LimitReached(DateTimeOffset FirstIdleEnd) : AdministrativeDecision;
}

/// <summary>The answer at sign-in for an administrative session: the account the desktop authenticated decides.</summary>
public abstract record AdministrativeSignInDecision
{
    public sealed record Continue(string Message) : AdministrativeSignInDecision;

    /// <summary>The authenticated account is not a listed administrator: the session does not go on.</summary>
    public sealed record Refused(string Message) : AdministrativeSignInDecision;
}

/// <summary>
/// Remote Desktop for Administration on this host: an administrative session without a CAL only for the users the host
/// lists as administrators, at most <see cref="AdministrativeConnections.Limit"/> at once. At the licensing decision only
/// the claimed name is known (a claimed non-administrator is licensed like any client); at sign-in the account the
/// desktop authenticated is checked again, so claiming an administrator's name gains nothing.
/// </summary>
public static class AdministrativeSessionPolicy
{
    public static AdministrativeDecision AtConnection(AdministrativeSnapshot snapshot, DateTimeOffset now)
    {
        if (!IsAdministrator(snapshot.Administrators, snapshot.ClaimedUser, null))
            return new AdministrativeDecision.LicenseAsClient(snapshot.Administrators.Count == 0
                ? "This host lists no administrators: an administrative (console) connection is licensed like any other. List them with 'rdlic sessionhost config set --administrators NAME[,NAME]'."
                : $"{Shown(snapshot.ClaimedUser)} is not one of this host's administrators: the administrative (console) connection is licensed like any other.");
        var open = snapshot.OpenSessionsLastActivity.Where(a => !AdministrativeConnections.IsIdleAt(a, now)).ToList();
        if (open.Count >= AdministrativeConnections.Limit)
            return new AdministrativeDecision.LimitReached(open.Min() + AdministrativeConnections.IdleTimeout);
        return new AdministrativeDecision.Granted(open.Count + 1,
            $"Administrative connection {open.Count + 1} of {AdministrativeConnections.Limit} for administrator {snapshot.ClaimedUser}: no CAL needed.");
    }

    /// <summary>
    /// An administrative session's sign-in. Without a desktop behind the endpoint (no authenticated account), the
    /// claimed name checked at the connection stands; with one, the authenticated account must be a listed administrator.
    /// </summary>
    public static AdministrativeSignInDecision AtSignIn(IReadOnlyList<string> administrators, string? authenticatedUser, string? domain)
    {
        if (authenticatedUser is null) return new AdministrativeSignInDecision.Continue("Signed in to an administrative session: no CAL is involved.");
        if (IsAdministrator(administrators, authenticatedUser, domain))
            return new AdministrativeSignInDecision.Continue($"Administrator {Qualified(authenticatedUser, domain)} signed in to an administrative session: no CAL is involved.");
        return new AdministrativeSignInDecision.Refused(
            $"{Qualified(authenticatedUser, domain)} signed in to an administrative (console) session but is not one of this host's administrators: the session was ended. " +
            "Connect without the administrative option (xfreerdp without /admin, rdesktop without -0), or have the user listed with 'rdlic sessionhost config set --administrators'.");
    }

    /// <summary>
    /// Whether <paramref name="user"/> is listed: names compare case-insensitively; a user given as DOMAIN\user or
    /// user@domain is split; an entry with a domain matches only that domain, one without matches any.
    /// </summary>
    public static bool IsAdministrator(IReadOnlyList<string> administrators, string? user, string? domain)
    {
        if (string.IsNullOrWhiteSpace(user)) return false;
        var (name, userDomain) = Split(user.Trim());
        userDomain ??= string.IsNullOrWhiteSpace(domain) ? null : domain.Trim();
        foreach (var entry in administrators)
        {
            if (string.IsNullOrWhiteSpace(entry)) continue;
            var (listedName, listedDomain) = Split(entry.Trim());
            if (!string.Equals(listedName, name, StringComparison.OrdinalIgnoreCase)) continue;
            if (listedDomain is null || string.Equals(listedDomain, userDomain, StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }

    /// <summary>Two spellings of one account (user, DOMAIN\user, user@domain), compared as <see cref="IsAdministrator"/> does.</summary>
    public static bool SameUser(string? a, string? b)
    {
        if (string.IsNullOrWhiteSpace(a) || string.IsNullOrWhiteSpace(b)) return false;
        return string.Equals(Split(a.Trim()).Name, Split(b.Trim()).Name, StringComparison.OrdinalIgnoreCase);
    }

    private static (string Name, string? Domain) Split(string user)
    {
        var slash = user.IndexOf('\\');
        if (slash >= 0) return (user[(slash + 1)..], slash == 0 ? null : user[..slash]);
        var at = user.IndexOf('@');
        if (at > 0) return (user[..at], at == user.Length - 1 ? null : user[(at + 1)..]);
        return (user, null);
    }

    private static string Qualified(string user, string? domain) => string.IsNullOrWhiteSpace(domain) || user.Contains('\\') ? user : $"{domain}\\{user}";

    private static string Shown(string? user) => string.IsNullOrWhiteSpace(user) ? "A client without a user name" : user;
}
