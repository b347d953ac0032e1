using System.Globalization;
using System.Net;
using System.Net.Mail;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using RdLicensing.Core.Alerts;
using RdLicensing.Core.Protocol;

namespace RdLicensing.LicenseServer.Alerts;

/// <summary>What a notification says: "raised", "cleared" or "test", and the alert (none for a test).</summary>
public sealed record AlertNotice(string Event, AlertView? Alert);

/// <summary>
/// Sends alert notifications: an e-mail through the configured SMTP server, and a JSON POST to each webhook, signed when a
/// webhook secret is set. A webhook body is signed as HMAC-SHA256(secret, timestamp + "." + body), sent as
/// <c>RdLicensing-Signature: sha256=HEX</c> with <c>RdLicensing-Timestamp</c> (Unix seconds): the receiver recomputes it
/// with its copy of the secret to know the license server sent this body at that time, unaltered. Every result is one
/// <see cref="AlertTestResult"/>; nothing here writes a secret or a webhook's path anywhere.
/// </summary>
public sealed class AlertNotifier(IHttpClientFactory httpClients, TimeProvider clock, Hosting.ServerState server)
{
    public const string HttpClientName = "alert-webhooks";
    public const string SignatureHeader = "RdLicensing-Signature";
    public const string TimestampHeader = "RdLicensing-Timestamp";
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static JsonSerializerOptions Json => RdLicensing.ServiceDefaults.WireJson.Options;

    public async Task<IReadOnlyList<AlertTestResult>> SendAsync(AlertSettings settings, AlertNotice notice, CancellationToken cancellationToken)
    {
        var results = new List<AlertTestResult>();
        if (settings.SmtpConfigured) results.Add(await MailAsync(settings, notice, cancellationToken));
        foreach (var url in settings.WebhookUrls) results.Add(await PostAsync(settings, url, notice, cancellationToken));
        return results;
    }

    private async Task<AlertTestResult> MailAsync(AlertSettings settings, AlertNotice notice, CancellationToken cancellationToken)
    {
        var target = $"{settings.SmtpHost}:{settings.SmtpPort.ToString(CultureInfo.InvariantCulture)}";
        try
        {
            using var message = new MailMessage { From = new MailAddress(settings.SmtpFrom!), Subject = Subject(notice), Body = Body(notice), BodyEncoding = Encoding.UTF8, SubjectEncoding = Encoding.UTF8 };
            foreach (var to in settings.Recipients) message.To.Add(new MailAddress(to));
            using var smtp = new SmtpClient(settings.SmtpHost, settings.SmtpPort)
            {
                EnableSsl = settings.SmtpTls,
                DeliveryMethod = SmtpDeliveryMethod.Network,
                Timeout = (int)Timeout.TotalMilliseconds,
            };
            if (settings.SmtpUser is { } user) smtp.Credentials = new NetworkCredential(user, settings.SmtpPassword);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Timeout);
            await smtp.SendMailAsync(message, timeout.Token);
            return new AlertTestResult("smtp", target, true, null);
        }
        catch (Exception e) when (e is SmtpException or InvalidOperationException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new AlertTestResult("smtp", target, false, Reason(e));
        }
    }

    private async Task<AlertTestResult> PostAsync(AlertSettings settings, string url, AlertNotice notice, CancellationToken cancellationToken)
    {
        var target = AlertSettings.Origin(url);
        try
        {
            var body = JsonSerializer.SerializeToUtf8Bytes(new WebhookBody(notice.Event, server.ProductId, clock.GetUtcNow(), notice.Alert), Json);
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new("application/json") { CharSet = "utf-8" };
            if (settings.WebhookSecret is { } secret)
            {
                var timestamp = clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
                request.Headers.Add(TimestampHeader, timestamp);
                request.Headers.Add(SignatureHeader, "sha256=" + Sign(secret, timestamp, body));
            }
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(Timeout);
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, timeout.Token);
            return response.IsSuccessStatusCode
                ? new AlertTestResult("webhook", target, true, null)
                : new AlertTestResult("webhook", target, false, $"answered {(int)response.StatusCode} {response.ReasonPhrase}");
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return new AlertTestResult("webhook", target, false, Reason(e));
        }
    }

    /// <summary>Lower-case hex of HMAC-SHA256(secret, timestamp + "." + body): what a receiver recomputes.</summary>
    public static string Sign(string secret, string timestamp, ReadOnlySpan<byte> body)
    {
        var prefix = Encoding.UTF8.GetBytes(timestamp + ".");
        var signed = new byte[prefix.Length + body.Length];
        prefix.CopyTo(signed, 0);
        body.CopyTo(signed.AsSpan(prefix.Length));
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed));
    }

    private string Subject(AlertNotice notice) => notice.Alert is { } a
        ? $"[RdLicensing {server.ProductId}] {(notice.Event == "cleared" ? "Cleared" : "Alert")}: {OneLine(a.Message, 150)}"
        : $"[RdLicensing {server.ProductId}] Test notification";

    private string Body(AlertNotice notice)
    {
        var text = new StringBuilder();
        if (notice.Alert is { } a)
        {
            text.AppendLine(notice.Event == "cleared" ? "This alert is cleared:" : "An alert is raised:");
            text.AppendLine();
            text.AppendLine(a.Message);
            text.AppendLine();
            text.AppendLine(CultureInfo.InvariantCulture, $"Kind: {a.Kind} ({a.Severity})");
            if (a.Type is not null) text.AppendLine(CultureInfo.InvariantCulture, $"Pool: {a.Type} {a.Version}");
            if (a.Host is not null) text.AppendLine(CultureInfo.InvariantCulture, $"Session host: {a.Host}");
            text.AppendLine(CultureInfo.InvariantCulture, $"Raised: {a.RaisedAt.UtcDateTime:yyyy-MM-dd HH:mm} UTC");
        }
        else text.AppendLine("A test notification: alerts of this license server reach this address.");
        text.AppendLine(CultureInfo.InvariantCulture, $"License server Product ID: {server.ProductId}");
        text.AppendLine("See 'rdlic alerts' or the Licensing Manager console.");
        return text.ToString();
    }

    private static string Reason(Exception e)
    {
        var inner = e.InnerException is { } i && i.Message != e.Message ? $" ({i.Message.TrimEnd('.')})" : "";
        return OneLine(e is OperationCanceledException ? $"no answer within {Timeout.TotalSeconds:0} s" : e.Message.TrimEnd('.') + inner, 300);
    }

    private static string OneLine(string text, int max)
    {
        var line = new string(text.Select(c => char.IsControl(c) ? ' ' : c).ToArray()).Trim();
        return line.Length <= max ? line : line[..max] + "…";
    }

    private sealed record WebhookBody(string Event, string ProductId, DateTimeOffset At, AlertView? Alert);
}

public static class AlertViews
{
    public static AlertView ToView(this ActiveAlert a) => new(a.Key, AlertRules.KindName(a.Kind), a.Severity.ToString().ToLowerInvariant(), a.Message,
        a.Type, a.Version, a.Host, a.RaisedAt);
}
