using RdLicensing.Core.Protocol;

namespace RdLicensing.LicenseServer.Console.Models;

/// <summary>What the Session hosts form posts: the host's computer name and, for a new host, its security group membership.</summary>
public sealed class EnrollHostForm
{
    public string? Name { get; set; }
    public bool InSecurityGroup { get; set; }
}

/// <summary>What the removal's confirmation posts: the host's name.</summary>
public sealed class RemoveHostForm
{
    public string? Name { get; set; }
}

/// <summary>What the page shows after an enrollment: the token (once), what happened, and the step on the host.</summary>
/// <param name="OldTokenStops">For a re-issue: the host's old token no longer works (POST /api/admin/sessionhosts replaces it).</param>
public sealed record EnrolledHost(string Name, string Heading, string Token, string? OldTokenStops, string HostCommand);

/// <summary>
/// The Session hosts page's logic that needs no call: the name's check (the API's own rule, so the error is named before
/// any call), the button's wording for a new or an enrolled host, and the result with the one-time token.
/// </summary>
public static class SessionHostsModel
{
    public const int MaxName = 253;

    /// <summary>The error for the Name field, or null when the license server will accept it.</summary>
    public static string? Check(string? name)
    {
        var trimmed = name?.Trim();
        if (string.IsNullOrEmpty(trimmed)) return "Enter the session host's computer name (as the host knows itself, e.g. RDSH01).";
        if (trimmed.Length > MaxName) return $"The name is {trimmed.Length} characters long: a computer name has at most {MaxName}.";
        var wrong = trimmed.Where(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_')).Distinct().ToList();
        return wrong.Count == 0
            ? null
            : $"The name may hold only letters, digits, '-', '.' and '_': remove {string.Join(" ", wrong.Select(c => c == ' ' ? "the space" : $"'{c}'"))}.";
    }

    /// <summary>True when a host of that name (case-insensitive, as the license server compares) is enrolled already.</summary>
    public static bool IsEnrolled(IEnumerable<SessionHostView> hosts, string? name) => Find(hosts, name) is not null;

    private static SessionHostView? Find(IEnumerable<SessionHostView> hosts, string? name) =>
        hosts.FirstOrDefault(h => string.Equals(h.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>The action a host's row offers: a new token, which ends the old one.</summary>
    public static string ReissueLabel(string name) => $"New token for {name}";

    /// <summary>The row's link: the form with the name filled in and the warning shown before anything changes.</summary>
    public static string ReissueHref(string name) => $"/console/sessionhosts?name={Uri.EscapeDataString(name)}#enroll-heading";

    /// <summary>Above the form when the name is an enrolled host's: what the license server does on a re-issue.</summary>
    public static string ReissueWarning(string name) =>
        $"{name.Trim()} is enrolled already: a new token replaces its current one, which stops working at once. {name.Trim()} is refused until it stores the new token.";

    /// <summary>What the page shows once the license server answered.</summary>
    public static EnrolledHost Result(EnrollResponse response, string serverUrl)
    {
        var name = response.Host.Name;
        return new EnrolledHost(
            name,
            response.NewlyEnrolled ? $"{name} is enrolled." : $"{name} has a new token.",
            response.Token,
            response.NewlyEnrolled ? null : $"The old token of {name} no longer works: {name} is refused by this license server until it stores this one.",
            $"rdlic sessionhost enroll --license-server {serverUrl.TrimEnd('/')} --host-token {response.Token}");
    }

    /// <summary>The row's other action: removal, confirmed before anything changes.</summary>
    public static string RemoveLabel(string name) => $"Remove {name}";

    public static string RemoveHref(string name) => $"/console/sessionhosts?remove={Uri.EscapeDataString(name)}#remove-heading";

    public static string RemovedUrl(string name) => $"/console/sessionhosts?removed={Uri.EscapeDataString(name)}";

    /// <summary>
    /// The host a removal asks about (?remove=NAME), or why there is none. Nothing while the confirmation is being posted:
    /// the list may no longer hold the host by then, and the post says what happened.
    /// </summary>
    public static (SessionHostView? Host, string? Error) ToConfirm(IEnumerable<SessionHostView> hosts, string? removeName, bool posting)
    {
        if (removeName is not { Length: > 0 } name || posting) return (null, null);
        return Find(hosts, name) is { } host ? (host, null) : (null, NotEnrolled(name));
    }

    /// <summary>Why a host cannot be removed: it is not (or no longer) enrolled — the page's words, not the API's CLI hint.</summary>
    public static string NotEnrolled(string name) => $"No session host named {name.Trim()} is enrolled: it may have been removed already.";

    /// <summary>What removing the host does, asked before anything changes.</summary>
    public static string RemoveQuestion(string name) =>
        $"Remove {name}? Its token stops working at once: {name} can no longer ask this license server for CALs until it is enrolled again " +
        "and stores the new token. The CALs it obtained stay issued to their devices and users.";

    /// <summary>The host to remove, or why the confirmation cannot be carried out.</summary>
    public static (string? Name, string? Error) CheckRemove(RemoveHostForm? form) =>
        form?.Name?.Trim() is { Length: > 0 } name ? (name, null) : (null, "Choose the session host to remove in the list.");

    /// <summary>The notice after a removal (?removed=NAME), once the host is no longer listed.</summary>
    public static string? Removed(IEnumerable<SessionHostView> hosts, string? removedName) =>
        removedName?.Trim() is { Length: > 0 } name && !IsEnrolled(hosts, name)
            ? $"{name} was removed: its token no longer works. Enroll it again to give it a new one."
            : null;

    /// <summary>The notice after the license server refused.</summary>
    public static string Refused(string name, string reason) => $"{name.Trim()} was not enrolled: {reason}";
}
