namespace RdLicensing.LicenseServer.Console;

/// <summary>A step the console itself can take: a link or button on the page, with the CLI command kept as a secondary hint.</summary>
public sealed record WebAction(string Href, string Text);

/// <summary>
/// Advice inside the web is web: what a session host's diagnosis (or an event) asks for, as the console page that does it —
/// on the signed-in license server only; a problem at another license server leads to Servers, to connect to it.
/// </summary>
public static class ConsoleAdvice
{
    private static readonly HashSet<string> AtLicenseServer = new(StringComparer.Ordinal)
    {
        "not-in-security-group", "license-server-not-activated", "activation-expiring", "no-licenses-installed", "no-licenses-available", "cals-older-than-host", "license-server-access-denied",
    };

    /// <param name="problemId">The diagnosis problem's stable id (SessionHost DiagnosisRules).</param>
    /// <param name="licenseServer">The license server the problem is at, when it names one.</param>
    /// <param name="thisServer">The license server the console is signed in to.</param>
    public static WebAction? ForDiagnosis(string problemId, string host, string? licenseServer, string thisServer)
    {
        if (!AtLicenseServer.Contains(problemId)) return null; // the host's own settings: only rdlic on the host changes them
        if (licenseServer is not null && !ConsoleConnections.SameUrl(licenseServer, thisServer))
            return new WebAction("/console/servers", $"Connect to {licenseServer} in Servers");
        return problemId switch
        {
            "not-in-security-group" => new WebAction(SecurityGroupHref, $"Add {host} to the security group"),
            "license-server-not-activated" => new WebAction("/console/review", "Activate or reactivate on Review Configuration"),
            "activation-expiring" => new WebAction("/console/reactivate", "Reactivate Server"),
            "license-server-access-denied" => new WebAction(Models.SessionHostsModel.ReissueHref(host), $"Enroll {host} or issue it a new token in Session hosts"),
            _ => new WebAction("/console/install", "Install Licenses"),
        };
    }

    /// <summary>Where a session host is added to the license server security group (or the policy turned off): Review Configuration.</summary>
    public const string SecurityGroupHref = "/console/review#hosts-heading";

    /// <summary>Where a session host is enrolled, or given a new token: Session hosts.</summary>
    public const string EnrollHref = "/console/sessionhosts";
}
