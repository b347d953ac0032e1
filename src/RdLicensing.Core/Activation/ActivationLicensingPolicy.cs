namespace RdLicensing.Core.Activation;

/// <summary>What a license server issues in an activation state; <see cref="Summary"/> is the sentence every message uses.</summary>
public sealed record ActivationLicensing(string Status, bool IssuesPermanentPerDevice, bool IssuesTemporaryPerDevice, bool IssuesPerUser, string Summary);

/// <summary>
/// The reference's rule for the activation states: only an activated server issues (or renews) permanent Per Device CALs. A
/// server never activated, whose activation expired, or that was deactivated — which returns it to not activated — still
/// issues temporary Per Device CALs (90 days) and Per User CALs, and the CALs it issued stay valid until they expire.
/// </summary>
public static class ActivationLicensingPolicy
{
    private const string NotActivatedIssues =
        "it issues no permanent Per Device CALs until it is activated; new clients get only temporary Per Device CALs (90 days) and Per User CALs, and issued CALs stay valid until they expire";

    /// <param name="status">"activated" | "expired" | "deactivated" | "not-activated", as status reports it.</param>
    public static ActivationLicensing Decide(string status) => status switch
    {
        "activated" => new(status, true, true, true, "it issues permanent and temporary Per Device CALs and Per User CALs"),
        "deactivated" => new(status, false, true, true,
            "it returns to not activated: " + NotActivatedIssues.Replace("until it is activated", "until it is reactivated", StringComparison.Ordinal)),
        "expired" => new(status, false, true, true, "its activation expired: " + NotActivatedIssues.Replace("until it is activated", "until it is reactivated", StringComparison.Ordinal)),
        _ => new("not-activated", false, true, true, NotActivatedIssues),
    };

    /// <summary>The deactivated server's sentence: "it returns to not activated: it issues no permanent Per Device CALs until it is reactivated; …".</summary>
    public static string Deactivated => Decide("deactivated").Summary;
}
