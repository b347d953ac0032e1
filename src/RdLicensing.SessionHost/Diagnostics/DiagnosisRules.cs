using RdLicensing.Core.Cals;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.SessionHost;
using RdLicensing.Core.Versions;
using RdLicensing.SessionHost.Configuration;

namespace RdLicensing.SessionHost.Diagnostics;

/// <summary>Everything the diagnoser compares: the host's configuration and grace period, and what each of its license servers said.</summary>
/// <param name="RevocationSyncs">The host's last revocation list fetch from each license server URL.</param>
public sealed record DiagnosisInput(string HostName, SessionHostConfiguration Config, GracePeriod Grace, DateTimeOffset Now, IReadOnlyList<ServerProbe> Servers,
    IReadOnlyList<Storage.RevocationSyncRecord>? RevocationSyncs = null);

/// <summary>
/// The Licensing Diagnoser's rules: compares the host's licensing mode, version and license server list with what
/// the license servers report, and names each problem with its cause and the steps that fix it. Pure: no I/O.
/// </summary>
public static class DiagnosisRules
{
    /// <summary>An activation certificate this close to its end is reported.</summary>
    public static readonly TimeSpan ActivationWarning = TimeSpan.FromDays(30);

    public const string NotAvailableWording =
        "This could be caused by network connectivity problems, the Remote Desktop Licensing service is stopped on the license server, or RD Licensing is no longer installed.";

    public static IReadOnlyList<DiagnosisProblemView> Find(DiagnosisInput input)
    {
        var problems = new List<DiagnosisProblemView>();
        var host = input.HostName;
        var config = input.Config;
        var grace = input.Grace;
        var now = input.Now;
        var graceText = grace.HasStarted
            ? $"{grace.DaysLeftAt(now)} days left, until {grace.EndsAt:yyyy-MM-dd}"
            : "it has not started: it starts with the first client connection and lasts 120 days";

        foreach (var problem in config.Policy.Problems)
            problems.Add(new("policy-file-invalid", "warning", $"Part of the policy file of session host {host} is ignored.", problem,
                [$"Correct {config.Policy.Path}: {{\"licensingMode\": \"per-device\", \"licenseServers\": [\"http://…:5080\"], \"version\": \"2022\"}} (any subset)."], null));

        var mode = config.Mode.Value;
        if (mode == LicensingMode.NotConfigured)
        {
            problems.Add(new("licensing-mode-not-configured", "error", "The licensing mode for the Remote Desktop Session Host server is not configured.",
                grace.IsActiveAt(now)
                    ? $"Neither the policy file nor the local settings set it. Clients connect only while the grace period runs ({graceText}); after it every client connection is refused (event 1069)."
                    : "Neither the policy file nor the local settings set it, and the grace period has expired: every client connection is refused (event 1069).",
                [config.Mode.Source == SettingSource.Policy
                    ? $"Set licensingMode to \"per-device\" or \"per-user\" in {config.Policy.Path}, matching the CALs installed on the license servers."
                    : "Set the mode matching the CALs installed on the license servers: 'rdlic sessionhost config set --mode per-device' (or --mode per-user)."], null));
        }

        if (config.LicenseServers.Value.Count == 0)
        {
            var steps = new List<string>
            {
                config.LicenseServers.Source == SettingSource.Policy
                    ? $"List a license server in licenseServers in {config.Policy.Path}."
                    : "Configure a license server: 'rdlic sessionhost config set --license-server http://HOST:5080'.",
                $"Enroll this host there ('rdlic hosts enroll {host} --server URL') and store the token: 'rdlic sessionhost enroll --license-server URL --host-token rdlh_…'.",
            };
            problems.Add(grace.IsActiveAt(now)
                ? new("no-license-server", "warning",
                    $"The Remote Desktop Session Host server {host} is within its grace period, but the Remote Desktop Session Host server has not been configured with any license server.",
                    $"Clients connect without CALs only while the grace period runs ({graceText}); after it every client connection is refused (0x101, event 1130).", steps, null)
                : new("no-license-server", "error",
                    $"The grace period for the Remote Desktop Session Host server {host} has expired, but the Remote Desktop Session Host server has not been configured with any license servers. Connections to the Remote Desktop Session Host server will be denied unless a license server is configured.",
                    $"The grace period ended on {grace.EndsAt:yyyy-MM-dd} and no license server is configured: clients are refused with 0x101 (event 1130).", steps, null));
        }

        foreach (var server in input.Servers)
        {
            problems.AddRange(ServerProblems(input, server));
            if (RevocationProblem(input, server) is { } stale) problems.Add(stale);
        }
        return problems;
    }

    /// <summary>
    /// A server the host can use whose revocation list it has not fetched within <see cref="HostSyncRules.StaleAfter"/>: revoked
    /// CALs of that server may still be accepted here.
    /// </summary>
    private static DiagnosisProblemView? RevocationProblem(DiagnosisInput input, ServerProbe server)
    {
        if (server.Connectivity == Connectivity.AccessDenied) return null; // not enrolled there: reported on its own
        var sync = input.RevocationSyncs?.FirstOrDefault(r => string.Equals(r.Url, server.Url, StringComparison.OrdinalIgnoreCase));
        if (sync?.SyncedAt is { } synced && input.Now >= synced && input.Now - synced <= HostSyncRules.StaleAfter) return null;
        var when = sync?.SyncedAt is { } at ? $"last fetched on {at:yyyy-MM-dd HH:mm} UTC (list {sync.Number})" : "never fetched";
        return new DiagnosisProblemView("revocation-list-not-synced", "warning",
            $"Session host {input.HostName} has not synced the revocation list of license server {server.Url}.",
            $"The list was {when}{(sync?.Problem is { } p ? $"; the last attempt failed: {p}" : "")}. Until it is fetched, CALs that server revoked may still be accepted here.",
            ["Check that the license server is reachable and this host's token is accepted; the host fetches the list at start, every hour and with every CAL answer.",
             "Restart the session host to fetch it at once."], server.Url);
    }

    public static string Summary(string hostName, int problems) => problems == 0
        ? $"The Remote Desktop Licensing Diagnoser did not identify any licensing problems for the Remote Desktop Session Host server {hostName}."
        : $"The Remote Desktop Licensing Diagnoser identified {problems} licensing problem{(problems == 1 ? "" : "s")} for the Remote Desktop Session Host server {hostName}.";

    private static IEnumerable<DiagnosisProblemView> ServerProblems(DiagnosisInput input, ServerProbe server)
    {
        var url = server.Url;
        var host = input.HostName;
        switch (server.Connectivity)
        {
            case Connectivity.NotConnectable:
                yield return new("license-server-not-available", "error", $"License server {url} is not available. {NotAvailableWording}", server.Message,
                    [$"Check that the license server runs: 'rdlic server status --server {url}'; start it with 'rdlic server run' or 'rdlic up'.",
                     $"Check the address in the license server list ('rdlic sessionhost config get') and the network between this host and {url}."], url);
                yield break;
            case Connectivity.AccessDenied:
                yield return new("license-server-access-denied", "error", $"Session host {host} cannot use license server {url}: the server does not accept this host's credential.", server.Message,
                    [$"Enroll the host on that license server: 'rdlic hosts enroll {host} --server {url}' (prints a token once).",
                     $"Store the token on this host: 'rdlic sessionhost enroll --license-server {url} --host-token rdlh_…'."], url);
                yield break;
            case Connectivity.Unknown:
                yield return new("license-server-error", "error", $"License server {url} answered, but not as the diagnoser expected.", server.Message,
                    [$"Check that {url} is an RdLicensing license server ('rdlic server status --server {url}') and see its log."], url);
                yield break;
        }

        var d = server.Details!;
        var hostVersion = input.Config.Version.Value;
        var serverVersion = ProductVersions.TryParse(d.Version, out var sv) ? sv : ProductVersions.Latest;
        if (d.Policies.SecurityGroupEnabled && !d.HostInSecurityGroup)
            yield return new("not-in-security-group", "error",
                $"The Remote Desktop Session Host server {host} is not a member of the Terminal Server Computers group (license server security group) of license server {url}.",
                "The license server security group policy is on there, so the license server refuses every CAL request of this host (event 4141 on the license server).",
                [$"Add the host to the group: 'rdlic hosts group add {host} --server {url}'.", $"Or turn the policy off: 'rdlic policies set --security-group off --server {url}'."], url);
        if (!VersionCompatibility.LicenseServerHosts(serverVersion, hostVersion))
            yield return new("license-server-version-too-low", "error",
                $"License server {url} ({serverVersion.ToDisplayName()}) is older than this {hostVersion.ToDisplayName()} session host: it cannot hold the {hostVersion.ToShortName()} or newer CALs the host needs.",
                "A license server hosts CALs of its own version or older; a session host accepts CALs of its own version or newer.",
                [$"Use a license server of version {hostVersion.ToShortName()} or newer."], url);

        var activation = d.Activation;
        if (activation.Status != "activated")
            yield return new("license-server-not-activated", "error", activation.Status switch
                {
                    "expired" => $"License server {url} is not activated: its activation expired on {activation.ExpiresAt:yyyy-MM-dd}.",
                    "deactivated" => $"License server {url} is not activated: it was deactivated.",
                    _ => $"License server {url} is not activated.",
                },
                activation.Status == "expired"
                    ? $"Its activation expired on {activation.ExpiresAt:yyyy-MM-dd}: it issues no permanent CALs, only temporary Per Device CALs (90 days)."
                    : "A license server that is not activated issues only temporary Per Device CALs (90 days); clients are refused when those expire.",
                [activation.Status is "expired" or "deactivated"
                    ? $"Reactivate it: 'rdlic server reactivate --server {url}'."
                    : $"Activate it: 'rdlic server activate --server {url}'."], url);
        else if (activation.ExpiresAt is { } expires && expires - input.Now <= ActivationWarning)
            yield return new("activation-expiring", "warning",
                $"The activation certificate of license server {url} expires on {expires:yyyy-MM-dd} (in {Math.Max(0, (int)Math.Ceiling((expires - input.Now).TotalDays))} days).",
                "When it expires the license server issues no permanent CALs until it is reactivated.",
                [$"Reactivate it before then: 'rdlic server reactivate --reason expired --server {url}'."], url);

        if (input.Config.Mode.Value.CalType() is not { } type) yield break;
        var installed = d.Pools.Where(p => p.Total > 0).ToList();
        var ofType = installed.Where(p => CalTypes.TryParse(p.Type, out var t) && t == type).ToList();
        var modeName = input.Config.Mode.Value.ToDisplayName();
        var install = $"Install {modeName} CALs of version {hostVersion.ToShortName()} or newer on {url}: 'rdlic licenses install --server {url} …' or 'rdlic keypacks install FILE --server {url}'.";
        if (ofType.Count == 0)
        {
            var whatHappens = type == CalType.PerDevice
                ? "Clients get only temporary Per Device CALs (90 days) and are refused when those expire."
                : "Per User CALs are issued from the OverUsed pool, in breach of the license terms.";
            if (installed.Count == 0)
            {
                yield return new("no-licenses-installed", "error", $"License server {url} has no {modeName} CALs installed.", whatHappens, [install], url);
            }
            else
            {
                var other = type == CalType.PerDevice ? "Per User" : "Per Device";
                yield return new("licensing-mode-mismatch", "error",
                    $"The licensing mode of the Remote Desktop Session Host server ({modeName}) does not match the license type installed on license server {url} ({other} CALs).",
                    whatHappens,
                    [$"Set the mode to match the installed CALs: 'rdlic sessionhost config set --mode {(type == CalType.PerDevice ? "per-user" : "per-device")}'.", install], url);
            }
            yield break;
        }

        var compatible = ofType.Where(p => ProductVersions.TryParse(p.Version, out var v) && VersionCompatibility.SessionHostAccepts(hostVersion, v)).ToList();
        if (compatible.Count == 0)
        {
            var versions = string.Join(", ", ofType.Select(p => ProductVersions.TryParse(p.Version, out var v) ? v.ToDisplayName() : p.Version).Distinct());
            yield return new("cals-older-than-host", "error",
                $"License server {url} has only {versions} {modeName} CALs; this {hostVersion.ToDisplayName()} session host needs {hostVersion.ToShortName()} CALs or newer.",
                type == CalType.PerDevice
                    ? "A session host accepts CALs of its own version or newer: clients get only temporary CALs and are refused when those expire."
                    : "A session host accepts CALs of its own version or newer: users get Per User CALs from the OverUsed pool.",
                [install], url);
            yield break;
        }

        if (compatible.Sum(p => p.Available) == 0)
        {
            var expiring = d.TemporaryCalsExpiring;
            var cause = $"All {compatible.Sum(p => p.Total)} {modeName} CALs usable by this host are issued. "
                        + (type == CalType.PerDevice
                            ? expiring.Count > 0
                                ? $"{expiring.Count} temporary CAL{(expiring.Count == 1 ? "" : "s")} expire{(expiring.Count == 1 ? "s" : "")} in the next {expiring.Days} days, the first on {expiring.First:yyyy-MM-dd}: those clients are refused then."
                                : "New clients get temporary CALs and are refused when those expire."
                            : "New users get Per User CALs from the OverUsed pool.");
            yield return new("no-licenses-available", "error",
                $"License server {url} has no {modeName} CALs left for this {hostVersion.ToDisplayName()} session host. Number of licenses available for clients: 0",
                cause, [install, "Or revoke Per Device CALs of devices no longer in use: 'rdlic cals revoke ID --server " + url + "'."], url);
        }
    }
}
