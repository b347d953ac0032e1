using Microsoft.AspNetCore.Http.HttpResults;
using RdLicensing.Core.Events;
using RdLicensing.Core.Protocol;
using RdLicensing.LicenseServer.Alerts;
using RdLicensing.LicenseServer.Auth;
using RdLicensing.Storage;

namespace RdLicensing.LicenseServer.Apis;

/// <summary>Alerts: the ones raised, their settings (thresholds, SMTP, webhooks; secrets write-only) and a test notification.</summary>
public static class AlertsApi
{
    public static RouteGroupBuilder MapAlertsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/admin/alerts").WithTags("Alerts").RequireAuthorization(TokenAuthenticationHandler.AdminRole);
        api.MapGet("/", List).WithSummary("The alerts raised now (evaluated first: a new one is notified, one whose cause went is cleared); evaluate=false: as the last evaluation left them (the console's banner).");
        api.MapGet("/settings", GetSettings).WithSummary("Thresholds, SMTP server and recipients, webhooks; whether an SMTP password and a webhook secret are set (never their values).");
        api.MapPut("/settings", SetSettings).WithSummary("Change the alert settings: fields left out keep their value; \"\" or [] clears one.");
        api.MapPost("/test", Test).WithSummary("Send a test notification to every channel and answer each result.");
        return api;
    }

    public static async Task<Ok<List<AlertView>>> List(bool? evaluate, AlertMonitor monitor, CancellationToken cancellationToken) =>
        TypedResults.Ok((evaluate == false ? await monitor.ActiveAsync(cancellationToken) : await monitor.EvaluateAsync(cancellationToken))
            .Select(a => a.ToView()).ToList());

    public static async Task<Ok<AlertConfigView>> GetSettings(LicenseStore store, CancellationToken cancellationToken) =>
        TypedResults.Ok((await AlertSettings.ReadAsync(store, cancellationToken)).ToView());

    public static async Task<Results<Ok<AlertConfigView>, ProblemHttpResult>> SetSettings(AlertConfigUpdate body, LicenseStore store, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var outcome = await store.WriteAsync<(AlertSettings?, string?, string?)>(async s =>
        {
            var current = AlertSettings.Parse(await s.SettingAsync(AlertSettings.Setting));
            var (next, field, error) = current.Apply(body);
            if (next is null) return (null, field, error);
            if (next != current)
            {
                await s.SetSettingAsync(AlertSettings.Setting, next.ToJson());
                // Names what changed, never a secret's value.
                await s.AddEventAsync(clock.GetUtcNow(), LicensingEventId.AlertSettingsChanged, "Alert settings changed: " + Describe(current, next));
            }
            return (next, null, null);
        }, cancellationToken);
        return outcome.Item1 is { } settings ? TypedResults.Ok(settings.ToView()) : Problems.Invalid(outcome.Item2!, outcome.Item3!);
    }

    public static async Task<Results<Ok<List<AlertTestResult>>, ProblemHttpResult>> Test(LicenseStore store, AlertNotifier notifier, CancellationToken cancellationToken)
    {
        var settings = await AlertSettings.ReadAsync(store, cancellationToken);
        if (!settings.SmtpConfigured && settings.WebhookUrls.Count == 0)
            return Problems.Conflict("no-alert-channels", "No alert channel is set",
                "Set an SMTP server, sender and recipient (rdlic alerts config set --smtp-host H --smtp-from A --smtp-to B) or a webhook (--webhook URL) first.");
        return TypedResults.Ok((await notifier.SendAsync(settings, new AlertNotice("test", null), cancellationToken)).ToList());
    }

    private static string Describe(AlertSettings before, AlertSettings after)
    {
        var changed = new List<string>();
        if (before.Thresholds != after.Thresholds)
            changed.Add($"thresholds {after.LowAvailable} license(s) or {after.LowPercent}%, grace {after.GraceDays} d, activation {after.ActivationDays} d");
        if (before.SmtpHost != after.SmtpHost || before.SmtpPort != after.SmtpPort || before.SmtpTls != after.SmtpTls)
            changed.Add(after.SmtpHost is null ? "SMTP server removed" : $"SMTP server {after.SmtpHost}:{after.SmtpPort} (TLS {(after.SmtpTls ? "on" : "off")})");
        if (before.SmtpFrom != after.SmtpFrom || !before.Recipients.SequenceEqual(after.Recipients))
            changed.Add($"e-mail from {after.SmtpFrom ?? "(none)"} to {after.Recipients.Count} recipient(s)");
        if (before.SmtpUser != after.SmtpUser) changed.Add(after.SmtpUser is null ? "SMTP user removed" : $"SMTP user {after.SmtpUser}");
        if (before.SmtpPassword != after.SmtpPassword) changed.Add(after.SmtpPassword is null ? "SMTP password removed" : "SMTP password set");
        if (!before.WebhookUrls.SequenceEqual(after.WebhookUrls))
            changed.Add($"webhooks {(after.WebhookUrls.Count == 0 ? "(none)" : string.Join(", ", after.WebhookUrls.Select(AlertSettings.Origin)))}");
        if (before.WebhookSecret != after.WebhookSecret) changed.Add(after.WebhookSecret is null ? "webhook secret removed" : "webhook secret set");
        return string.Join("; ", changed) + ".";
    }
}
