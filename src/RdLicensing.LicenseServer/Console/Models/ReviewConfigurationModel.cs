using RdLicensing.Core.Protocol;
using RdLicensing.Core.Review;
using RdLicensing.LicenseServer.Console.Components.Cals;

namespace RdLicensing.LicenseServer.Console.Models;

/// <summary>What a Review Configuration button posts: the change, as "verb:subject" (e.g. "group-add:rdsh-01", "security-group:off").</summary>
public sealed class ReviewFixForm
{
    public string? Action { get; set; }
}

/// <summary>The changes Review Configuration can make.</summary>
public enum ReviewFixKind
{
    /// <summary>Not a change the page offers: refused, nothing is sent.</summary>
    Unknown,

    /// <summary>Add a session host to the license server security group.</summary>
    AddToGroup,

    /// <summary>Remove a session host from the license server security group.</summary>
    RemoveFromGroup,

    /// <summary>Turn the security group policy on or off.</summary>
    SecurityGroupPolicy,

    /// <summary>Turn Prevent license upgrade on or off.</summary>
    PreventUpgrade,
}

/// <summary>A change read from a button: what, on which session host (group changes), and on or off (policies).</summary>
public sealed record ReviewFix(ReviewFixKind Kind, string? Host = null, bool On = false);

/// <summary>
/// Review Configuration's logic that needs no call: problems apart from passed checks, the headings (never "no problems"
/// without saying what needs attention), the buttons' changes read and refused when unknown, and what the page says after one.
/// </summary>
public static class ReviewConfigurationModel
{
    public static IReadOnlyList<ReviewCheckView> Problems(ConfigurationReviewView review) =>
        review.Checks.Where(c => c.Status != ConfigurationReview.Ok).ToList();

    public static IReadOnlyList<ReviewCheckView> Passed(ConfigurationReviewView review) =>
        review.Checks.Where(c => c.Status == ConfigurationReview.Ok).ToList();

    public static string AttentionHeading(int items) => items == 0 ? "Needs attention: nothing" : $"Needs attention ({items})";

    public static string ProblemsHeading(int problems) => problems == 0 ? "No problems found" : $"{problems} problem(s) found";

    /// <summary>Said when no check failed: what needs attention, if anything, is pointed at, never contradicted.</summary>
    public static string NoProblems(int attentionItems) =>
        "Review Configuration did not find any problem in this license server's configuration" + (attentionItems == 0 ? "." : " (what needs attention is listed above).");

    /// <summary>The button's value as a change; anything else is <see cref="ReviewFixKind.Unknown"/>.</summary>
    public static ReviewFix Read(string? action)
    {
        action ??= "";
        var colon = action.IndexOf(':');
        var (verb, subject) = colon < 0 ? (action, "") : (action[..colon], action[(colon + 1)..]);
        return (verb, subject) switch
        {
            ("group-add", { Length: > 0 }) => new(ReviewFixKind.AddToGroup, subject),
            ("group-remove", { Length: > 0 }) => new(ReviewFixKind.RemoveFromGroup, subject),
            ("security-group", "on" or "off") => new(ReviewFixKind.SecurityGroupPolicy, On: subject == "on"),
            ("prevent-upgrade", "on" or "off") => new(ReviewFixKind.PreventUpgrade, On: subject == "on"),
            _ => new(ReviewFixKind.Unknown),
        };
    }

    public const string UnknownFix = "That change is not known: reload the page and try again.";

    public static string GroupChanged(SessionHostView host) => host.InSecurityGroup
        ? $"Session host {host.Name} was added to the license server security group."
        : $"Session host {host.Name} was removed from the license server security group.";

    public static string SecurityGroupChanged(bool on) => $"The license server security group policy is now {OnOff(on).ToLowerInvariant()}.";

    public static string PreventUpgradeChanged(bool on) => $"Prevent license upgrade is now {OnOff(on).ToLowerInvariant()}.";

    /// <summary>The buttons' values: the opposite of the state now.</summary>
    public static string SecurityGroupToggle(bool on) => on ? "security-group:off" : "security-group:on";

    public static string PreventUpgradeToggle(bool on) => on ? "prevent-upgrade:off" : "prevent-upgrade:on";

    public static string GroupToggle(SessionHostView host) => (host.InSecurityGroup ? "group-remove:" : "group-add:") + host.Name;

    /// <summary>A host outside the group: refused only while the policy is on.</summary>
    public static string NotMember(bool policyOn) => policyOn ? "Not a member — refused" : "Not a member";

    public static string OnOff(bool on) => on ? "On" : "Off";

    public static string ActivationText(string status) => status switch
    {
        "activated" => "Activated",
        "expired" => "Expired",
        "deactivated" => "Deactivated",
        "not-activated" => "Not activated",
        var other => other,
    };

    /// <summary>"2027-06-01 (in 176 days)" or "… (expired)".</summary>
    public static string Expiry(DateTimeOffset expires, DateTimeOffset now) =>
        UsageText.Date(expires) + (expires > now ? $" (in {Math.Ceiling((expires - now).TotalDays):0} days)" : " (expired)");
}
