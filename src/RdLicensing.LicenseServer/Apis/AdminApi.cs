using Microsoft.AspNetCore.Http.HttpResults;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Events;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.SessionHost;
using RdLicensing.Core.Time;
using RdLicensing.Core.Versions;
using RdLicensing.LicenseServer.Activation;
using RdLicensing.LicenseServer.Auth;
using RdLicensing.LicenseServer.Hosting;
using RdLicensing.LicenseServer.Licensing;
using RdLicensing.Storage;

namespace RdLicensing.LicenseServer.Apis;

/// <summary>Server status, events, policies and the clock.</summary>
public static class AdminApi
{
    public static RouteGroupBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/admin").WithTags("Administration").RequireAuthorization(TokenAuthenticationHandler.AdminRole);
        api.MapGet("/status", Status).WithSummary("Identity, activation, pools, OverUsed CALs, policies, clock and warnings.");
        api.MapGet("/events", Events).WithSummary("The license server's event log, newest first; before=N pages back from sequence N, after=N follows it.");
        api.MapGet("/policies", GetPolicies);
        api.MapPut("/policies", SetPolicies).WithSummary("Turn the security group and prevent-upgrade policies on or off.");
        api.MapGet("/clock", GetClock);
        api.MapPost("/clock/advance", AdvanceClock).WithSummary("Move the simulated clock forward (only when started with --clock simulated).");
        return api;
    }

    public static async Task<Ok<StatusView>> Status(LicenseStore store, ServerState server, TimeProvider clock, CalIssuer issuer, PendingKeyService pendingKeys,
        CancellationToken cancellationToken)
    {
        await issuer.SweepAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var packs = await store.KeyPacksAsync(cancellationToken);
        var counts = await store.CalCountsAsync(cancellationToken);
        var pools = packs.Select(p => (p.Type, p.Version)).Union(counts.Select(c => (c.Type, c.Version))).Distinct()
            .OrderBy(k => k.Type).ThenBy(k => k.Version)
            .Select(k =>
            {
                var inPool = packs.Where(p => p.Type == k.Type && p.Version == k.Version && !p.IsExpired(now)).ToList();
                var c = counts.FirstOrDefault(x => x.Type == k.Type && x.Version == k.Version) ?? new CalCounts(k.Type, k.Version, 0, 0, 0, 0);
                return new PoolView(k.Type.ToShortName(), k.Version.ToShortName(), inPool.Sum(p => p.Total), inPool.Sum(p => p.Issued),
                    inPool.Sum(p => p.Available), c.Temporary, c.OverUsed, c.Revoked);
            }).ToList();
        var overUsed = counts.Where(c => c.Type == CalType.PerUser).Sum(c => c.OverUsed);

        var warnings = new List<string>();
        var notices = new List<string>(); // what the server recorded and the attention list shows as it is
        // One read of the activation: another node's activation may reach this node (SharedStateRefresher) while status is made.
        var current = server.CurrentActivation;
        var activation = current.Certificate;
        if (await store.SettingAsync(SettingNames.InstallationRetiredNotice, cancellationToken) is { } retiredHere)
            notices.Add("This installation of the license server was retired at the clearinghouse: " + retiredHere);
        if (await store.SettingAsync(SettingNames.CloneDetectedNotice, cancellationToken) is { } clone)
            notices.Add("The clearinghouse refused this copy of the license server as a clone: " + clone);
        if (await pendingKeys.StatusNoticeAsync(cancellationToken) is { } pendingKey) // waiting for the vendor's operator, or unreadable
            notices.Add(pendingKey);
        warnings.AddRange(notices);
        if (server.Clearinghouse is null)
            warnings.Add("No clearinghouse certificate is trusted: key packs and activations cannot be verified. Start the server with --clearinghouse-cert FILE.");
        var activationStatus = current.StatusAt(now);
        if (activationStatus == "deactivated")
            warnings.Add($"The license server is deactivated: {Core.Activation.ActivationLicensingPolicy.Deactivated}. Reactivate it with 'rdlic server reactivate'.");
        else if (!current.IsActivatedAt(now))
            warnings.Add(activation is null
                ? "The license server is not activated: it issues only temporary Per Device CALs (and Per User CALs)."
                : $"The activation expired on {activation.ExpiresAt:yyyy-MM-dd}: reactivate the license server ('rdlic server reactivate --reason expired').");
        else if (activation!.ExpiresAt - now < TimeSpan.FromDays(30))
            warnings.Add($"The activation certificate expires on {activation.ExpiresAt:yyyy-MM-dd}: renew it before then with 'rdlic server reactivate --reason expired'.");
        if (overUsed > 0)
            warnings.Add($"{overUsed} Per User CAL(s) come from the OverUsed pool: install more Per User CALs to be compliant.");
        foreach (var pool in pools.Where(p => p.Total > 0 && p.Available == 0))
            warnings.Add($"No {ProductVersions.Parse(pool.Version).ToDisplayName()} {(pool.Type == "per-device" ? "Per Device" : "Per User")} CALs are left.");
        if (await store.SettingAsync(MigratedAwayRecorder.Setting, cancellationToken) is { } migratedAway)
        {
            var lines = migratedAway.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            notices.AddRange(lines);
            warnings.AddRange(lines);
        }
        if (clock is SimulatedTimeProvider)
            warnings.Add("The clock is simulated: dates are not real.");

        var sessionHosts = await store.SessionHostsAsync(cancellationToken);
        var revocationNumber = await store.RevocationListNumberAsync(cancellationToken);
        var hosts = new List<HostSyncView>();
        foreach (var h in await store.SessionHostSyncsAsync(cancellationToken))
        {
            var sync = HostSyncRules.Evaluate(h.Name, h.LastSeenAt, h.RevocationsSyncedAt, h.RevocationListNumber, revocationNumber, h.GraceMovedAt, h.GraceStartedAt, now);
            if (sync.Warning is { } w) warnings.Add(w);
            if (sync.GraceWarning is { } g) warnings.Add(g);
            hosts.Add(new HostSyncView(h.Name, h.LastSeenAt, h.RevocationsSyncedAt, h.RevocationListNumber, sync.RevocationState, h.GraceStartedAt,
                h.GraceStartedAt + GracePeriod.Length, h.GraceMovedAt));
        }
        var database = StoreDialects.Describe(store.Dialect);
        return TypedResults.Ok(new StatusView(server.ProductId, server.Version.ToShortName(),
            new ActivationView(activationStatus, activation?.LicenseServerId, activation?.IssuedAt, activation?.ExpiresAt),
            server.Clearinghouse?.Subject, ClockView(clock), (await LicensingPolicies.ReadAsync(store, cancellationToken)).ToView(),
            pools, overUsed, packs.Count, sessionHosts.Count, database, warnings, revocationNumber, hosts, notices));
    }

    public static async Task<Results<Ok<IEnumerable<EventView>>, ProblemHttpResult>> Events(
        int? eventId, string? level, long? after, long? before, int? limit, LicenseStore store, CancellationToken cancellationToken)
    {
        EventLevel? minimum = null;
        if (level is not null)
        {
            if (!Enum.TryParse<EventLevel>(level, true, out var l) || int.TryParse(level, out _))
                return Problems.Invalid("level", "level must be information, warning or error.");
            minimum = l;
        }
        if (limit is < 1 or > 10_000) return Problems.Invalid("limit", "limit must be from 1 to 10000.");
        var events = await store.EventsAsync(new EventQuery((LicensingEventId?)eventId, minimum, after, limit ?? 100, before), cancellationToken);
        return TypedResults.Ok(events.Select(e => e.ToView()));
    }

    public static async Task<Ok<PoliciesView>> GetPolicies(LicenseStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok((await LicensingPolicies.ReadAsync(store, cancellationToken)).ToView());

    public static async Task<Ok<PoliciesView>> SetPolicies(PoliciesUpdate body, LicenseStore store, TimeProvider clock, CancellationToken cancellationToken)
    {
        var updated = await store.WriteAsync(async s =>
        {
            var current = await LicensingPolicies.ReadAsync(s);
            var next = new LicensingPolicies(body.SecurityGroupEnabled ?? current.SecurityGroupEnabled, body.PreventLicenseUpgrade ?? current.PreventLicenseUpgrade);
            if (next != current)
            {
                await next.WriteAsync(s);
                await s.AddEventAsync(clock.GetUtcNow(), LicensingEventId.PolicyChanged,
                    $"Policies changed: license server security group {(next.SecurityGroupEnabled ? "on" : "off")}, prevent license upgrade {(next.PreventLicenseUpgrade ? "on" : "off")}.");
            }
            return next;
        }, cancellationToken);
        return TypedResults.Ok(updated.ToView());
    }

    public static Ok<ClockView> GetClock(TimeProvider clock) => TypedResults.Ok(ClockView(clock));

    public static async Task<Results<Ok<ClockView>, ProblemHttpResult>> AdvanceClock(
        ClockAdvanceBody body, TimeProvider clock, LicenseStore store, CalIssuer issuer, CancellationToken cancellationToken)
    {
        if (clock is not SimulatedTimeProvider simulated)
            return Problems.Conflict("clock-not-simulated", "The clock is real",
                "Only a simulated clock can be advanced. Start the server with '--clock simulated' for tests and demos.");
        if (!DurationText.TryParse(body.By, out var by) || by > TimeSpan.FromDays(3650))
            return Problems.Invalid("by", "by must be a duration like 91d, 2w, 12h or 1d12h (at most 3650 days).");
        await store.WriteAsync(async s =>
        {
            simulated.Advance(by);
            await s.SetSettingAsync(SettingNames.SimulatedClockOffset, simulated.Offset.Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture));
            await s.AddEventAsync(clock.GetUtcNow(), LicensingEventId.ClockAdvanced, $"The simulated clock was advanced by {body.By} to {clock.GetUtcNow():yyyy-MM-dd HH:mm} UTC.");
        }, cancellationToken);
        await issuer.SweepAsync(cancellationToken);
        return TypedResults.Ok(ClockView(clock));
    }

    internal static ClockView ClockView(TimeProvider clock) => clock is SimulatedTimeProvider simulated
        ? new ClockView("simulated", clock.GetUtcNow(), $"{simulated.Offset.TotalDays:0.###}d")
        : new ClockView("real", clock.GetUtcNow(), "0d");

    private static PoliciesView ToView(this LicensingPolicies p) => new(p.SecurityGroupEnabled, p.PreventLicenseUpgrade);
}
