using System.Text.Json;
using RdLicensing.Core.Alerts;
using RdLicensing.Core.Events;
using RdLicensing.Core.Review;
using RdLicensing.LicenseServer.Apis;
using RdLicensing.LicenseServer.Hosting;
using RdLicensing.LicenseServer.Licensing;
using RdLicensing.Storage;

namespace RdLicensing.LicenseServer.Alerts;

/// <summary>
/// Raises and clears alerts: evaluates the attention list (<see cref="AttentionPolicy"/>, with the configured thresholds)
/// against the alerts already raised (setting <c>alerts.active</c>), in one write transaction, so that of several
/// evaluations — or several nodes of one database — exactly one raises an alert; each raise and clearing is an event and
/// one notification. Run every <see cref="LicenseServerOptions.AlertInterval"/> and before <c>GET /api/admin/alerts</c> answers.
/// </summary>
public sealed class AlertMonitor(LicenseStore store, ServerState server, TimeProvider clock, CalIssuer issuer, Activation.PendingKeyService pendingKeys,
    AlertNotifier notifier, ILogger<AlertMonitor> log)
{
    public const string ActiveSetting = "alerts.active";

    private static JsonSerializerOptions Json => RdLicensing.ServiceDefaults.WireJson.Options;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public async Task<IReadOnlyList<ActiveAlert>> EvaluateAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var status = (await AdminApi.Status(store, server, clock, issuer, pendingKeys, cancellationToken)).Value!;
            var settings = await AlertSettings.ReadAsync(store, cancellationToken);
            var now = clock.GetUtcNow();
            var items = AttentionPolicy.Evaluate(status, now, settings.Thresholds);
            var changes = await store.WriteAsync(async s =>
            {
                var before = Parse(await s.SettingAsync(ActiveSetting));
                var changes = AlertRules.Diff(before, items, now);
                if (changes.Any || !changes.Active.SequenceEqual(before))
                    await s.SetSettingAsync(ActiveSetting, JsonSerializer.Serialize(changes.Active, Json));
                foreach (var raised in changes.Raised)
                    await s.AddEventAsync(now, LicensingEventId.AlertRaised, $"Alert raised ({AlertRules.KindName(raised.Kind)}): {raised.Message}", host: raised.Host);
                foreach (var cleared in changes.Cleared)
                    await s.AddEventAsync(now, LicensingEventId.AlertCleared, $"Alert cleared ({AlertRules.KindName(cleared.Kind)}): {cleared.Message}", host: cleared.Host);
                return changes;
            }, cancellationToken);
            if (changes.Any) await NotifyAsync(settings, changes, cancellationToken);
            return changes.Active;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The alerts raised at the last evaluation, without evaluating (the console's banner).</summary>
    public async Task<IReadOnlyList<ActiveAlert>> ActiveAsync(CancellationToken cancellationToken) =>
        Parse(await store.SettingAsync(ActiveSetting, cancellationToken));

    private async Task NotifyAsync(AlertSettings settings, AlertChanges changes, CancellationToken cancellationToken)
    {
        var notices = changes.Raised.Select(a => new AlertNotice("raised", a.ToView()))
            .Concat(changes.Cleared.Select(a => new AlertNotice("cleared", a.ToView())));
        foreach (var notice in notices)
        {
            foreach (var result in await notifier.SendAsync(settings, notice, cancellationToken))
            {
                if (result.Delivered) continue;
                // The target is the SMTP server's host and port or a webhook's origin: never a path, a user or a secret.
                log.LogWarning("Alert notification to {Channel} {Target} failed: {Error}", result.Channel, result.Target, result.Error);
                await store.WriteAsync(s => s.AddEventAsync(clock.GetUtcNow(), LicensingEventId.AlertNotificationFailed,
                    $"The {notice.Event} notification of alert '{notice.Alert!.Kind}' could not be delivered to {result.Channel} {result.Target}: {result.Error}"), cancellationToken);
            }
        }
    }

    private static IReadOnlyList<ActiveAlert> Parse(string? json) =>
        json is null ? [] : JsonSerializer.Deserialize<List<ActiveAlert>>(json, Json) ?? [];
}

/// <summary>Evaluates the alerts periodically, timed by the server's <see cref="TimeProvider"/>.</summary>
public sealed class AlertMonitorService(AlertMonitor monitor, TimeProvider clock, Microsoft.Extensions.Options.IOptions<LicenseServerOptions> options,
    ILogger<AlertMonitorService> log) : BackgroundService
{
    private TimeSpan Interval => options.Value.AlertInterval;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (Interval == Timeout.InfiniteTimeSpan || Interval <= TimeSpan.Zero) return;
        using var timer = new PeriodicTimer(Interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await monitor.EvaluateAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogError(e, "The alert evaluation failed; it runs again in {Interval}", Interval);
            }
        }
    }
}
