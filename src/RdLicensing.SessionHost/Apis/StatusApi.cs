using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using RdLicensing.Core.Events;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.SessionHost;
using RdLicensing.Core.Time;
using RdLicensing.SessionHost.Configuration;
using RdLicensing.SessionHost.Connections;
using RdLicensing.SessionHost.Hosting;
using RdLicensing.Storage;

namespace RdLicensing.SessionHost.Apis;

/// <summary>The host's state at a glance, and its event log.</summary>
public static class StatusApi
{
    /// <summary>Status warns this many days before the grace period ends while mode or license servers are missing.</summary>
    public const int GraceWarningDays = 14;

    public static IEndpointRouteBuilder MapStatusApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/status", Status).WithTags("Status").RequireAdministrator().WithSummary("Mode, license servers and version with their sources, grace period, sessions, store creation, clock, warnings.");
        app.MapGet("/api/events", Events).WithTags("Status").RequireAdministrator().WithSummary("The session host's event log, newest first.");
        return app;
    }

    public static async Task<Ok<SessionHostStatusView>> Status(
        HostConfiguration configuration, SessionHostStore store, HostSessions sessions, IOptions<SessionHostOptions> options, TimeProvider clock,
        IServiceProvider services, CancellationToken cancellationToken)
    {
        var config = await configuration.LoadAsync(cancellationToken);
        var grace = await GracePeriodState.ReadAsync(store, cancellationToken);
        var open = await sessions.OpenAsync(cancellationToken);
        var enrolled = (await store.TokensAsync(cancellationToken)).Select(t => t.Url).ToList();
        var created = await store.SettingAsync(SettingNames.StoreCreatedAt, cancellationToken) is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(ms, System.Globalization.CultureInfo.InvariantCulture)) : clock.GetUtcNow();
        var now = clock.GetUtcNow();

        var warnings = new List<string>(config.Policy.Problems);
        var missing = new List<string>();
        if (config.Mode.Value == LicensingMode.NotConfigured) missing.Add("the licensing mode is not configured");
        if (config.LicenseServers.Value.Count == 0) missing.Add("no license server is configured");
        if (missing.Count > 0)
        {
            var what = string.Join(" and ", missing);
            if (!grace.IsActiveAt(now)) warnings.Add($"The grace period has expired and {what}: every client connection is refused. Run 'rdlic diagnose'.");
            else if (grace.HasStarted && grace.DaysLeftAt(now) <= GraceWarningDays) warnings.Add($"The grace period ends in {grace.DaysLeftAt(now)} days and {what}: clients will be refused then.");
            else warnings.Add($"{char.ToUpperInvariant(what[0])}{what[1..]}: clients connect only while the grace period runs.");
        }
        foreach (var url in config.LicenseServers.Value.Where(u => !enrolled.Contains(u, StringComparer.OrdinalIgnoreCase)))
            warnings.Add($"No token is stored for license server {url}: enroll this host there and run 'rdlic sessionhost enroll --license-server {url} --host-token rdlh_…'.");
        if (clock is SimulatedTimeProvider) warnings.Add("The clock is simulated: dates are not real.");

        var database = StoreDialects.Describe(store.Dialect);
        return TypedResults.Ok(new SessionHostStatusView(options.Value.Name, config.ModeView, config.LicenseServersView, config.VersionView,
            Views.Grace(grace, now), open.Count(s => s.Administrative), AdministrativeConnections.Limit, open.Count(s => !s.Administrative),
            enrolled, created, Views.Clock(clock), database, config.Policy.Path, warnings, services.GetService<IFrontEndStatus>()?.Rdp()));
    }

    public static async Task<Results<Ok<IEnumerable<SessionHostEventView>>, ProblemHttpResult>> Events(
        int? eventId, string? level, long? after, int? limit, SessionHostStore store, CancellationToken cancellationToken)
    {
        EventLevel? minimum = null;
        if (level is not null)
        {
            if (!Enum.TryParse<EventLevel>(level, true, out var l) || int.TryParse(level, out _))
                return Problems.Invalid("level", "level must be information, warning or error.");
            minimum = l;
        }
        if (limit is < 1 or > 10_000) return Problems.Invalid("limit", "limit must be from 1 to 10000.");
        var events = await store.EventsAsync(new SessionHostEventQuery((SessionHostEventId?)eventId, minimum, after, limit ?? 100), cancellationToken);
        return TypedResults.Ok(events.Select(e => e.ToView()));
    }
}
