using System.Net;
using System.Net.Mail;
using System.Text.Json;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Review;
using RdLicensing.Storage;

namespace RdLicensing.LicenseServer.Alerts;

/// <summary>
/// The alert settings as stored (setting <c>alerts.settings</c>, JSON, in the owner-only database): thresholds, the SMTP
/// server and recipients, the webhooks, and two secrets — the SMTP password and the webhook signing secret — which the API
/// accepts but never returns and nothing logs.
/// </summary>
public sealed record AlertSettings(
    int LowAvailable = 1, int LowPercent = AttentionPolicy.LowPercent, int GraceDays = 14, int ActivationDays = 30,
    string? SmtpHost = null, int SmtpPort = 25, bool SmtpTls = false, string? SmtpFrom = null, IReadOnlyList<string>? SmtpTo = null,
    string? SmtpUser = null, string? SmtpPassword = null, IReadOnlyList<string>? Webhooks = null, string? WebhookSecret = null)
{
    public const string Setting = "alerts.settings";
    public const int MaxRecipients = 20;
    public const int MaxWebhooks = 10;
    public const int MinSecretLength = 16;

    private static JsonSerializerOptions Json => RdLicensing.ServiceDefaults.WireJson.Options;

    public AttentionThresholds Thresholds => new(LowAvailable, LowPercent, GraceDays, ActivationDays);

    public IReadOnlyList<string> Recipients => SmtpTo ?? [];

    public IReadOnlyList<string> WebhookUrls => Webhooks ?? [];

    /// <summary>E-mail is sent when a server, a sender and at least one recipient are set.</summary>
    public bool SmtpConfigured => SmtpHost is not null && SmtpFrom is not null && Recipients.Count > 0;

    public AlertConfigView ToView() => new(LowAvailable, LowPercent, GraceDays, ActivationDays, SmtpHost, SmtpPort, SmtpTls, SmtpFrom,
        Recipients, SmtpUser, SmtpPassword is not null, WebhookUrls, WebhookSecret is not null);

    public static async Task<AlertSettings> ReadAsync(LicenseStore store, CancellationToken cancellationToken) =>
        Parse(await store.SettingAsync(Setting, cancellationToken));

    public static AlertSettings Parse(string? json) =>
        json is null ? new AlertSettings() : JsonSerializer.Deserialize<AlertSettings>(json, Json) ?? new AlertSettings();

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>The settings with <paramref name="update"/> applied, or the field it names wrongly and what to do.</summary>
    public (AlertSettings? Settings, string? Field, string? Error) Apply(AlertConfigUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        var next = this with
        {
            LowAvailable = update.LowAvailable ?? LowAvailable,
            LowPercent = update.LowPercent ?? LowPercent,
            GraceDays = update.GraceDays ?? GraceDays,
            ActivationDays = update.ActivationDays ?? ActivationDays,
            SmtpHost = Text(update.SmtpHost, SmtpHost),
            SmtpPort = update.SmtpPort ?? SmtpPort,
            SmtpTls = update.SmtpTls ?? SmtpTls,
            SmtpFrom = Text(update.SmtpFrom, SmtpFrom),
            SmtpTo = update.SmtpTo?.Select(t => t?.Trim() ?? "").Where(t => t.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).ToList() ?? SmtpTo,
            SmtpUser = Text(update.SmtpUser, SmtpUser),
            SmtpPassword = Secret(update.SmtpPassword, SmtpPassword),
            Webhooks = update.Webhooks?.Select(w => w?.Trim() ?? "").Where(w => w.Length > 0).Distinct(StringComparer.Ordinal).ToList() ?? Webhooks,
            WebhookSecret = Secret(update.WebhookSecret, WebhookSecret),
        };
        return next.Check() is { } problem ? (null, problem.Field, problem.Error) : (next, null, null);
    }

    private (string Field, string Error)? Check()
    {
        if (LowAvailable is < 0 or > 1_000_000) return ("lowAvailable", "lowAvailable must be from 0 to 1000000 licenses.");
        if (LowPercent is < 0 or > 100) return ("lowPercent", "lowPercent must be from 0 to 100.");
        if (GraceDays is < 1 or > 120) return ("graceDays", "graceDays must be from 1 to 120 days.");
        if (ActivationDays is < 1 or > 3650) return ("activationDays", "activationDays must be from 1 to 3650 days.");
        if (SmtpHost is { } host && (host.Length > 253 || Uri.CheckHostName(host) == UriHostNameType.Unknown))
            return ("smtpHost", $"smtpHost '{Printable(host)}' is not a host name or IP address.");
        if (SmtpPort is < 1 or > 65535) return ("smtpPort", "smtpPort must be from 1 to 65535.");
        if (SmtpFrom is { } from && !IsAddress(from)) return ("smtpFrom", $"smtpFrom '{Printable(from)}' is not an e-mail address.");
        if (Recipients.Count > MaxRecipients) return ("smtpTo", $"smtpTo holds at most {MaxRecipients} addresses.");
        if (Recipients.FirstOrDefault(t => !IsAddress(t)) is { } to) return ("smtpTo", $"smtpTo '{Printable(to)}' is not an e-mail address.");
        if (SmtpUser is { } user && user.Any(char.IsControl)) return ("smtpUser", "smtpUser must be one line of printable characters.");
        if (SmtpPassword is not null && SmtpUser is null) return ("smtpUser", "An SMTP password needs smtpUser (the account it signs in as).");
        // Credentials never cross the network in clear: without TLS only an SMTP server on this machine gets them.
        if (SmtpPassword is not null && !SmtpTls && !IsLoopback(SmtpHost))
            return ("smtpTls", "The SMTP password would travel in clear: turn smtpTls on (STARTTLS), or use an SMTP server on this machine.");
        if (WebhookUrls.Count > MaxWebhooks) return ("webhooks", $"At most {MaxWebhooks} webhooks.");
        foreach (var url in WebhookUrls)
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.UserInfo.Length > 0 || url.Any(char.IsControl))
                return ("webhooks", $"webhook '{Origin(url)}' must be an absolute http:// or https:// URL without user name or password.");
        if (WebhookSecret is { Length: < MinSecretLength }) return ("webhookSecret", $"webhookSecret must be at least {MinSecretLength} characters (a random string both sides keep).");
        return null;
    }

    /// <summary>null keeps, "" clears, anything else sets (trimmed).</summary>
    private static string? Text(string? update, string? current) => update is null ? current : update.Trim() is { Length: > 0 } t ? t : null;

    private static string? Secret(string? update, string? current) => update is null ? current : update.Length > 0 ? update : null;

    private static bool IsAddress(string text) => !text.Any(char.IsControl) && MailAddress.TryCreate(text, out var address) && address.Address == text.Trim();

    private static bool IsLoopback(string? host) =>
        host is "localhost" || (host is not null && IPAddress.TryParse(host, out var ip) && IPAddress.IsLoopback(ip));

    private static string Printable(string text) => new(text.Take(100).Select(c => char.IsControl(c) ? ' ' : c).ToArray());

    /// <summary>A webhook's scheme, host and port only: its path and query may hold a token (as chat webhooks do), so nothing shows or logs more.</summary>
    public static string Origin(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri.GetLeftPart(UriPartial.Authority) : "(not a URL)";
}
