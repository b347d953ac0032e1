using Microsoft.Extensions.Options;
using RdLicensing.Core.Protocol;
using RdLicensing.SessionHost.Apis;
using RdLicensing.Core.Versions;
using RdLicensing.SessionHost.Configuration;
using RdLicensing.SessionHost.Connections;
using RdLicensing.SessionHost.LicenseServers;
using RdLicensing.Storage;

namespace RdLicensing.SessionHost.Diagnostics;

/// <summary>
/// The Remote Desktop Licensing Diagnoser: builds the host's license server list, contacts each server
/// (GET /api/sessionhost/diagnostics, which also answers hosts outside the security group), and compares what
/// they report with the host's mode and version; then each desktop behind the RDP endpoint (<see cref="DesktopProbe"/>, and for one on this machine its xrdp.ini: <see cref="XrdpLoginScreen"/>).
/// Problems come first, each with its cause and steps to fix.
/// </summary>
public sealed class LicensingDiagnoser(
    HostConfiguration configuration,
    SessionHostStore store,
    LicenseServerCalls calls,
    IOptions<SessionHostOptions> options,
    TimeProvider clock,
    IEnumerable<Rdp.RdpEndpointOptions> endpoints)
{
    /// <summary>How long one desktop check may take (connection, X.224, TLS).</summary>
    public static readonly TimeSpan DesktopTimeout = TimeSpan.FromSeconds(5);

    public async Task<DiagnosisView> DiagnoseAsync(CancellationToken cancellationToken)
    {
        var config = await configuration.LoadAsync(cancellationToken);
        var grace = await GracePeriodState.ReadAsync(store, cancellationToken);
        var probes = await Task.WhenAll(config.LicenseServers.Value.Select(url => ProbeAsync(url, config.Version.Value, cancellationToken)));
        var now = clock.GetUtcNow();
        var host = options.Value.Name;
        var syncs = await store.RevocationSyncsAsync(cancellationToken);
        // Each server says when this host last fetched its revocation list, whatever else it found.
        probes = probes.Select(p => syncs.FirstOrDefault(r => string.Equals(r.Url, p.Url, StringComparison.OrdinalIgnoreCase)) is { SyncedAt: { } at } sync
            ? p with { Message = $"{p.Message} Revocation list {sync.Number} last fetched {at:yyyy-MM-dd HH:mm} UTC." }
            : p with { Message = $"{p.Message} Revocation list never fetched." }).ToArray();
        var desktopUris = endpoints.SelectMany(e => e.Desktops).Distinct().ToList();
        var desktops = await Task.WhenAll(desktopUris
            .Select(d => DesktopProbe.CheckAsync(d, DesktopTimeout, cancellationToken)));
        var unreachable = await store.EventsAsync(new SessionHostEventQuery(Core.SessionHost.SessionHostEventId.DesktopUnreachable, Limit: 500), cancellationToken);
        desktops = desktops.Select(d => DesktopProbe.WithRecentFailures(d, unreachable, now)).ToArray();
        desktops = await Task.WhenAll(desktopUris.Zip(desktops, (uri, check) => LoginScreenAsync(uri, check, cancellationToken)));
        var problems = DiagnosisRules.Find(new DiagnosisInput(host, config, grace, now, probes, syncs))
            .Concat(desktops.Where(d => d.Problem is not null).Select(d => d.Problem!))
            .Concat(desktops.Where(d => d.LoginScreenProblem is not null).Select(d => d.LoginScreenProblem!)).ToList();
        return new DiagnosisView(host, now, config.ModeView, config.LicenseServersView, config.VersionView, Views.Grace(grace, now),
            problems, probes.Select(p => p.ToView()).ToList(), DiagnosisRules.Summary(host, problems.Count), desktops.Select(d => d.ToView()).ToList());
    }

    /// <summary>A desktop on this machine: whether its xrdp.ini (<see cref="SessionHostOptions.XrdpConfigPath"/>) keeps xrdp's login screen from letting another account sign in.</summary>
    private async Task<DesktopCheck> LoginScreenAsync(Uri desktop, DesktopCheck check, CancellationToken cancellationToken)
    {
        var local = XrdpLoginScreen.IsThisMachine(desktop.Host);
        var path = options.Value.XrdpConfigPath;
        var (text, error) = local ? await XrdpLoginScreen.ReadAsync(path, cancellationToken) : (null, null);
        return XrdpLoginScreen.Apply(check, local, path, text, error);
    }

    private async Task<ServerProbe> ProbeAsync(string url, ProductVersion hostVersion, CancellationToken cancellationToken)
    {
        var reply = await calls.DiagnosticsAsync(url, cancellationToken);
        switch (reply.Contact)
        {
            case LicenseServerContact.NotConnectable:
                return new ServerProbe(url, Connectivity.NotConnectable, reply.Problem!, null);
            case LicenseServerContact.NotEnrolled or LicenseServerContact.AccessDenied:
                return new ServerProbe(url, Connectivity.AccessDenied, reply.Problem!, null);
            case LicenseServerContact.NotInSecurityGroup:
                return new ServerProbe(url, Connectivity.NotInTscGroup, reply.Problem!, null);
            case LicenseServerContact.Failed or LicenseServerContact.Rejected:
                return new ServerProbe(url, Connectivity.Unknown, reply.Problem!, null);
        }
        var d = reply.Value!;
        if (d.Policies.SecurityGroupEnabled && !d.HostInSecurityGroup)
            return new ServerProbe(url, Connectivity.NotInTscGroup, $"The security group policy is on and {d.HostName} is not in the group.", d);
        if (ProductVersions.TryParse(d.Version, out var serverVersion) && !Core.Versions.VersionCompatibility.LicenseServerHosts(serverVersion, hostVersion))
            return new ServerProbe(url, Connectivity.LowerVersion, $"The license server ({serverVersion.ToDisplayName()}) is older than this {hostVersion.ToDisplayName()} host.", d);
        return new ServerProbe(url, Connectivity.Valid, $"Product ID {d.ProductId}, {(ProductVersions.TryParse(d.Version, out var v) ? v.ToDisplayName() : d.Version)}, {d.Activation.Status}.", d);
    }
}
