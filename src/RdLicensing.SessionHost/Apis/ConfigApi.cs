using Microsoft.AspNetCore.Http.HttpResults;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.SessionHost;
using RdLicensing.Core.Versions;
using RdLicensing.SessionHost.Configuration;
using RdLicensing.SessionHost.Hosting;
using RdLicensing.SessionHost.LicenseServers;

namespace RdLicensing.SessionHost.Apis;

/// <summary>The licensing configuration: each value with its source (policy, local, default); local changes unless policy sets the value.</summary>
public static class ConfigApi
{
    public static RouteGroupBuilder MapConfigApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/config").WithTags("Configuration").RequireAdministrator();
        api.MapGet("/", Get).WithSummary("Licensing mode, license servers and version in effect, each with its source.");
        api.MapPut("/", Set).WithSummary("Change local settings; refused for a value the policy file sets. Warns when the mode disagrees with the CALs installed.");
        return api;
    }

    public static async Task<Ok<SessionHostConfigView>> Get(HostConfiguration configuration, CancellationToken cancellationToken) =>
        TypedResults.Ok((await configuration.LoadAsync(cancellationToken)).ToView());

    public static async Task<Results<Ok<SessionHostConfigChange>, ProblemHttpResult>> Set(
        SessionHostConfigUpdate body, HostConfiguration configuration, LicenseServerList servers, CancellationToken cancellationToken)
    {
        LicensingMode? mode = null;
        if (body.Mode is not null)
        {
            if (!LicensingModes.TryParse(body.Mode, out var m)) return Problems.Invalid("mode", "mode must be per-device, per-user or not-configured.");
            mode = m;
        }
        IReadOnlyList<string>? urls = null;
        if (body.LicenseServers is not null)
        {
            urls = LicenseServerUrls.TryNormalizeAll(body.LicenseServers, out var error);
            if (urls is null) return Problems.Invalid("licenseServers", $"licenseServers: {error}.");
        }
        ProductVersion? version = null;
        if (body.Version is not null)
        {
            if (!ProductVersions.TryParse(body.Version, out var v))
                return Problems.Invalid("version", $"version must be one of {string.Join(", ", ProductVersions.All.Select(x => x.ToShortName()))}.");
            version = v;
        }
        IReadOnlyList<string>? administrators = null;
        if (body.Administrators is not null)
        {
            administrators = AdministratorNames.TryNormalize(body.Administrators, out var error);
            if (administrators is null) return Problems.Invalid("administrators", $"administrators: {error}.");
        }
        if (mode is null && urls is null && version is null && administrators is null)
            return Problems.Invalid("mode", "Nothing to change: give mode, licenseServers, version or administrators.");

        SessionHostConfiguration config;
        try
        {
            config = await configuration.SetLocalAsync(new LocalSettingsChange(mode, urls, version, administrators), cancellationToken);
        }
        catch (PolicyControlledException e)
        {
            return Problems.Conflict("policy-controlled", "Set by policy", e.Message);
        }
        var warnings = new List<string>();
        if (mode is not null) warnings.AddRange(await ModeWarningsAsync(config, servers, cancellationToken));
        return TypedResults.Ok(new SessionHostConfigChange(config.ToView(), warnings));
    }

    /// <summary>Compares the mode in effect with the CAL types installed on the first license server that answers.</summary>
    private static async Task<IEnumerable<string>> ModeWarningsAsync(SessionHostConfiguration config, LicenseServerList servers, CancellationToken cancellationToken)
    {
        var mode = config.Mode.Value;
        if (mode.CalType() is not { } type)
            return ["The licensing mode is not configured: clients connect only while the grace period runs, and are refused after it."];
        if (config.LicenseServers.Value.Count == 0)
            return ["No license server is configured: clients connect only while the grace period runs. Add one with --license-server URL."];
        var reply = await servers.FirstReachableDiagnosticsAsync(config.LicenseServers.Value, cancellationToken);
        if (reply is null)
            return [$"No license server answered, so the {mode.ToDisplayName()} mode could not be compared with the CALs installed (run 'rdlic diagnose')."];
        var installed = reply.Value!.Pools.Where(p => p.Total > 0).ToList();
        if (installed.Any(p => CalTypes.TryParse(p.Type, out var t) && t == type)) return [];
        var other = type == CalType.PerDevice ? CalType.PerUser : CalType.PerDevice;
        return installed.Count == 0
            ? [$"License server {reply.Url} has no CALs installed yet: install {type.ToDisplayName()}s there."]
            : [$"The licensing mode is now {mode.ToDisplayName()}, but license server {reply.Url} has only {other.ToDisplayName()}s installed: " +
               $"install {type.ToDisplayName()}s there, or set --mode {(other == CalType.PerDevice ? "per-device" : "per-user")}."];
    }
}
