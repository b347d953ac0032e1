using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using RdLicensing.LicenseServer.Alerts;
using RdLicensing.Testing;

namespace RdLicensing.LicenseServer.Tests;

/// <summary>
/// Alerts: raised when an attention item appears, notified once by e-mail (a real SMTP server, aiosmtpd) and by a signed
/// webhook (a local HTTP receiver), cleared when it goes; settings whose secrets are write-only.
/// </summary>
public sealed class AlertTests
{
    private const string WebhookSecret = "whsec-0123456789abcdef-test";

    [Fact]
    public async Task A_low_pool_is_raised_once_by_email_and_signed_webhook_and_cleared_when_licenses_are_installed()
    {
        await using var smtp = await SmtpReceiver.StartAsync();
        await using var hook = new WebhookReceiver();
        await using var server = await TestLicenseServer.StartAsync(clearinghouseUrl: "http://127.0.0.1:1");
        await server.ActivateAsync();
        await ProblemAssert.OkAsync<AlertConfigView>(await server.Admin.PutAsJsonAsync("/api/admin/alerts/settings", new AlertConfigUpdate(
            LowAvailable: 5, SmtpHost: "127.0.0.1", SmtpPort: smtp.Port, SmtpFrom: "rdlicensing@example.test", SmtpTo: ["admin@example.test"],
            Webhooks: [hook.Url()], WebhookSecret: WebhookSecret)));
        await server.InstallAsync(ProductVersion.WindowsServer2025, CalType.PerDevice, 5); // 5 available: at the threshold

        var alerts = (await server.Admin.GetFromJsonAsync<List<AlertView>>("/api/admin/alerts"))!;

        var alert = Assert.Single(alerts);
        Assert.Equal(("pool-low", "warning", "per-device", "2025"), (alert.Kind, alert.Severity, alert.Type, alert.Version));
        var mail = Assert.Single(smtp.Messages);
        Assert.Equal($"[RdLicensing {server.ProductId}] Alert: Only 5 of 5 Windows Server 2025 Per Device CALs are left.", mail.Subject);
        Assert.Equal(["admin@example.test"], mail.RcptTos);
        Assert.Contains("rdlicensing@example.test", mail.From);
        Assert.Contains("Only 5 of 5 Windows Server 2025 Per Device CALs are left.", mail.Body);
        Assert.Contains("Kind: pool-low (warning)", mail.Body);
        var post = Assert.Single(hook.Received);
        Assert.Equal("/hook", post.Path);
        Assert.StartsWith("application/json", post.ContentType);
        AssertSigned(post, WebhookSecret);
        using (var body = JsonDocument.Parse(post.Body))
        {
            Assert.Equal("raised", body.RootElement.GetProperty("event").GetString());
            Assert.Equal(server.ProductId, body.RootElement.GetProperty("productId").GetString());
            Assert.Equal("pool-low", body.RootElement.GetProperty("alert").GetProperty("kind").GetString());
        }

        // Evaluated again (the list, the periodic evaluation): still raised, not notified again.
        Assert.Single((await server.Admin.GetFromJsonAsync<List<AlertView>>("/api/admin/alerts"))!);
        await server.Services.GetRequiredService<AlertMonitor>().EvaluateAsync(CancellationToken.None);
        Assert.Single(smtp.Messages);
        Assert.Single(hook.Received);

        await server.InstallAsync(ProductVersion.WindowsServer2025, CalType.PerDevice, 50); // 55 available: above 5 and 10%
        Assert.Empty((await server.Admin.GetFromJsonAsync<List<AlertView>>("/api/admin/alerts"))!);
        Assert.Equal(2, smtp.Messages.Count);
        Assert.StartsWith($"[RdLicensing {server.ProductId}] Cleared: ", smtp.Messages[1].Subject);
        var cleared = hook.Received[1];
        AssertSigned(cleared, WebhookSecret);
        Assert.Contains("\"event\":\"cleared\"", cleared.Text);

        var events = (await server.Admin.GetFromJsonAsync<List<EventView>>("/api/admin/events"))!;
        Assert.Single(events, e => e.EventId == 5095 && e.Message.Contains("Only 5 of 5", StringComparison.Ordinal));
        Assert.Single(events, e => e.EventId == 5096);
    }

    [Fact]
    public async Task OverUsed_per_user_cals_raise_an_error_alert()
    {
        await using var hook = new WebhookReceiver();
        await using var server = await TestLicenseServer.StartAsync(clearinghouseUrl: "http://127.0.0.1:1");
        await server.ActivateAsync();
        await server.InstallAsync(ProductVersion.WindowsServer2022, CalType.PerUser, 1);
        var host = new HostClient(await server.EnrollHostAsync());
        (await server.Admin.PutAsJsonAsync("/api/admin/alerts/settings", new AlertConfigUpdate(Webhooks: [hook.Url()]))).EnsureSuccessStatusCode();
        Assert.Equal("per-user-issued", (await host.ConnectUserAsync("CONTOSO\\ann")).Outcome);
        Assert.Equal("per-user-overused", (await host.ConnectUserAsync("CONTOSO\\ben")).Outcome);

        var alerts = (await server.Admin.GetFromJsonAsync<List<AlertView>>("/api/admin/alerts"))!;

        Assert.Contains(alerts, a => a is { Kind: "overused", Severity: "error", Type: "per-user" });
        Assert.Contains(hook.Received, r => r.Text.Contains("\"kind\":\"overused\"", StringComparison.Ordinal));
        Assert.DoesNotContain(hook.Received, r => r.Headers.ContainsKey(AlertNotifier.SignatureHeader)); // no secret set: not signed
    }

    [Fact]
    public async Task Secrets_are_write_only_never_in_events_or_logs_and_a_failed_channel_is_reported()
    {
        var logs = new CapturedLogs();
        await using var hook = new WebhookReceiver();
        await using var server = await TestLicenseServer.StartAsync(clearinghouseUrl: "http://127.0.0.1:1", logging: logs.AddTo);
        const string password = "smtp-pass-7f3a9c1e";
        var closedPort = ClosedPort();
        var set = await server.Admin.PutAsJsonAsync("/api/admin/alerts/settings", new AlertConfigUpdate(
            SmtpHost: "127.0.0.1", SmtpPort: closedPort, SmtpFrom: "rdl@example.test", SmtpTo: ["a@example.test"], SmtpUser: "rdl", SmtpPassword: password,
            Webhooks: [hook.Url("/hook/path-token-9b8c")], WebhookSecret: WebhookSecret));
        var setText = await set.Content.ReadAsStringAsync();
        Assert.True(set.IsSuccessStatusCode, setText);
        var view = JsonSerializer.Deserialize<AlertConfigView>(setText, new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        Assert.True(view.SmtpPasswordSet);
        Assert.True(view.WebhookSecretSet);

        var test = await ProblemAssert.OkAsync<List<AlertTestResult>>(await server.Admin.PostAsync("/api/admin/alerts/test", null));

        Assert.Equal(2, test.Count);
        Assert.Contains(test, r => r is { Channel: "smtp", Delivered: false } && r.Target == $"127.0.0.1:{closedPort}" && r.Error is { Length: > 0 });
        Assert.Contains(test, r => r is { Channel: "webhook", Delivered: true } && r.Target == $"http://127.0.0.1:{hook.Port}");
        AssertSigned(Assert.Single(hook.Received), WebhookSecret);
        Assert.Contains("\"event\":\"test\"", hook.Received[0].Text);

        var everything = setText + await server.Admin.GetStringAsync("/api/admin/alerts/settings") + await server.Admin.GetStringAsync("/api/admin/events")
            + JsonSerializer.Serialize(test) + string.Join('\n', logs.Lines);
        Assert.Contains("SMTP password set", everything); // the event names the change...
        Assert.DoesNotContain(password, everything); // ...never the value
        Assert.DoesNotContain(WebhookSecret, everything);
        Assert.DoesNotContain("path-token-9b8c", (await server.Admin.GetStringAsync("/api/admin/events")) + string.Join('\n', logs.Lines) + JsonSerializer.Serialize(test));

        // An empty value removes a secret; leaving it out keeps it.
        var kept = await ProblemAssert.OkAsync<AlertConfigView>(await server.Admin.PutAsJsonAsync("/api/admin/alerts/settings", new AlertConfigUpdate(LowPercent: 20)));
        Assert.True(kept.WebhookSecretSet);
        var removed = await ProblemAssert.OkAsync<AlertConfigView>(await server.Admin.PutAsJsonAsync("/api/admin/alerts/settings", new AlertConfigUpdate(WebhookSecret: "")));
        Assert.False(removed.WebhookSecretSet);
    }

    [Fact]
    public async Task Settings_are_refused_to_a_session_host_and_bad_values_name_their_field()
    {
        await using var server = await TestLicenseServer.StartAsync(clearinghouseUrl: "http://127.0.0.1:1");
        var host = await server.EnrollHostAsync();

        // A session host's token is not an administrator's: it neither reads nor changes the settings, nor sends tests.
        Assert.Equal(HttpStatusCode.Forbidden, (await host.GetAsync("/api/admin/alerts/settings")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await host.PutAsJsonAsync("/api/admin/alerts/settings", new AlertConfigUpdate(Webhooks: ["http://attacker.test/"]))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await server.NewClient(null).GetAsync("/api/admin/alerts")).StatusCode);
        Assert.Empty((await server.Admin.GetFromJsonAsync<AlertConfigView>("/api/admin/alerts/settings"))!.Webhooks); // positive control below

        // A password to a remote SMTP server without TLS would cross the network in clear.
        var clear = await ProblemAssert.IsAsync(await server.Admin.PutAsJsonAsync("/api/admin/alerts/settings", new AlertConfigUpdate(
            SmtpHost: "mail.example.test", SmtpUser: "u", SmtpPassword: "p4ssword")), HttpStatusCode.BadRequest, "invalid-request");
        Assert.Equal("smtpTls", clear.Field());
        var badHook = await ProblemAssert.IsAsync(await server.Admin.PutAsJsonAsync("/api/admin/alerts/settings", new AlertConfigUpdate(
            Webhooks: ["ftp://example.test/x"])), HttpStatusCode.BadRequest, "invalid-request");
        Assert.Equal("webhooks", badHook.Field());
        var shortSecret = await ProblemAssert.IsAsync(await server.Admin.PutAsJsonAsync("/api/admin/alerts/settings", new AlertConfigUpdate(
            WebhookSecret: "short")), HttpStatusCode.BadRequest, "invalid-request");
        Assert.Equal("webhookSecret", shortSecret.Field());
        await ProblemAssert.IsAsync(await server.Admin.PostAsync("/api/admin/alerts/test", null), HttpStatusCode.Conflict, "no-alert-channels");

        var ok = await ProblemAssert.OkAsync<AlertConfigView>(await server.Admin.PutAsJsonAsync("/api/admin/alerts/settings", new AlertConfigUpdate(
            SmtpHost: "mail.example.test", SmtpTls: true, SmtpUser: "u", SmtpPassword: "p4ssword", Webhooks: ["https://hooks.example.test/x"])));
        Assert.Equal(("mail.example.test", true, true), (ok.SmtpHost, ok.SmtpTls, ok.SmtpPasswordSet));
        Assert.Equal(["https://hooks.example.test/x"], ok.Webhooks);
    }

    /// <summary>What a receiver does: recompute HMAC-SHA256(secret, timestamp + "." + body) and compare.</summary>
    private static void AssertSigned(ReceivedWebhook post, string secret)
    {
        var timestamp = post.Headers[AlertNotifier.TimestampHeader];
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret),
            Encoding.UTF8.GetBytes(timestamp + ".").Concat(post.Body).ToArray()));
        Assert.Equal(expected, post.Headers[AlertNotifier.SignatureHeader]);
        var wrong = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret + "x"),
            Encoding.UTF8.GetBytes(timestamp + ".").Concat(post.Body).ToArray()));
        Assert.NotEqual(wrong, post.Headers[AlertNotifier.SignatureHeader]);
    }

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port; // closed again when this returns
    }
}
