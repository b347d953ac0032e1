using System.CommandLine;
using RdLicensing.Cli.Output;
using RdLicensing.Core.Protocol;
using Spectre.Console;

namespace RdLicensing.Cli.Commands;

/// <summary>`rdlic alerts`: the alerts raised, `alerts config [set]` (thresholds, SMTP, webhooks) and `alerts test`.</summary>
internal static class AlertCommands
{
    public static Command Create(CliContext cli)
    {
        var json = Options.Json();
        var command = new Command("alerts", "The alerts raised now (low licenses, OverUsed Per User CALs, grace periods ending, hosts not reaching the server, activation ending); `alerts config` and `alerts test` set and try their notifications")
        {
            json, Config(cli), Test(cli),
        };
        command.SetAction(async (result, ct) =>
        {
            using var client = cli.Client(result);
            var reply = await client.AlertsAsync(ct);
            if (result.GetValue(json)) { cli.Out.Json(reply.Json); return 0; }
            if (reply.Value.Count == 0) { cli.Out.Line("No alerts."); return 0; }
            var table = Render.Table("Severity", "Kind", "Since", "Alert");
            foreach (var a in reply.Value)
                table.AddRow(Render.Cell(a.Severity), Render.Cell(a.Kind), Render.Cell(Render.Time(a.RaisedAt)), Render.Cell(a.Message));
            cli.Out.Write(table);
            return 0;
        });
        return command;
    }

    private static Command Config(CliContext cli)
    {
        var json = Options.Json();
        var command = new Command("config", "The alert settings (secrets are shown only as set or not set)") { json, Set(cli) };
        command.SetAction(async (result, ct) =>
        {
            using var client = cli.Client(result);
            var reply = await client.AlertSettingsAsync(ct);
            if (result.GetValue(json)) { cli.Out.Json(reply.Json); return 0; }
            Print(cli, reply.Value);
            return 0;
        });
        return command;
    }

    private static Command Set(CliContext cli)
    {
        var lowAvailable = Options.Int("--low-available", "N", "A pool is low at N available licenses or fewer (default 1)", 0, 1_000_000);
        var lowPercent = Options.Int("--low-percent", "P", "…or at P% of its installed licenses or fewer (default 10)", 0, 100);
        var graceDays = Options.Int("--grace-days", "DAYS", "Alert when a session host's grace period ends within DAYS (default 14)", 1, 120);
        var activationDays = Options.Int("--activation-days", "DAYS", "Alert when the activation ends within DAYS (default 30)", 1, 3650);
        var smtpHost = Options.Text("--smtp-host", "HOST", "SMTP server to send alert e-mail through (\"\" removes it)");
        var smtpPort = Options.Int("--smtp-port", "PORT", "SMTP port (default 25)", 1, 65535);
        var smtpTls = Options.OnOff("--smtp-tls", "STARTTLS to the SMTP server (needed for a password unless the server is on this machine)");
        var smtpFrom = Options.Text("--smtp-from", "ADDRESS", "Sender address of alert e-mail");
        var smtpTo = new Option<string[]>("--smtp-to") { Description = "Recipient; repeat for several (replaces the list; \"\" empties it)", HelpName = "ADDRESS", AllowMultipleArgumentsPerToken = false };
        var smtpUser = Options.Text("--smtp-user", "USER", "Account to sign in to the SMTP server as");
        var smtpPasswordFile = Options.ExistingFile("--smtp-password-file", "File holding the SMTP password (an empty file removes it); never shown again", required: false);
        var webhooks = new Option<string[]>("--webhook") { Description = "URL to POST alerts to as JSON; repeat for several (replaces the list; \"\" empties it)", HelpName = "URL", AllowMultipleArgumentsPerToken = false };
        var webhookSecretFile = Options.ExistingFile("--webhook-secret-file", "File holding the secret that signs webhook bodies (HMAC-SHA256, at least 16 characters; an empty file removes it); never shown again", required: false);
        var json = Options.Json();
        var command = new Command("set", "Change the alert settings; options left out keep their value")
        {
            lowAvailable, lowPercent, graceDays, activationDays, smtpHost, smtpPort, smtpTls, smtpFrom, smtpTo, smtpUser, smtpPasswordFile,
            webhooks, webhookSecretFile, json,
        };
        command.SetAction(async (result, ct) =>
        {
            var update = new AlertConfigUpdate(result.GetValue(lowAvailable), result.GetValue(lowPercent), result.GetValue(graceDays), result.GetValue(activationDays),
                result.GetValue(smtpHost), result.GetValue(smtpPort), result.GetValue(smtpTls) is { } tls ? tls == "on" : null, result.GetValue(smtpFrom),
                result.GetResult(smtpTo) is null ? null : result.GetValue(smtpTo), result.GetValue(smtpUser),
                await SecretAsync(result.GetValue(smtpPasswordFile), ct),
                result.GetResult(webhooks) is null ? null : result.GetValue(webhooks), await SecretAsync(result.GetValue(webhookSecretFile), ct));
            if (update == new AlertConfigUpdate())
                throw new UsageException("alerts config set needs at least one setting (see rdlic alerts config set --help)");
            using var client = cli.Client(result);
            var reply = await client.SetAlertSettingsAsync(update, ct);
            if (result.GetValue(json)) { cli.Out.Json(reply.Json); return 0; }
            cli.Out.Line("Alert settings changed.");
            Print(cli, reply.Value);
            return 0;
        });
        return command;
    }

    private static Command Test(CliContext cli)
    {
        var json = Options.Json();
        var command = new Command("test", "Send a test notification to each channel (e-mail, every webhook) and print each result on one line") { json };
        command.SetAction(async (result, ct) =>
        {
            using var client = cli.Client(result);
            var reply = await client.TestAlertsAsync(ct);
            var failed = reply.Value.Count(r => !r.Delivered);
            if (result.GetValue(json)) cli.Out.Json(reply.Json);
            else
                foreach (var r in reply.Value)
                    cli.Out.Line(r.Delivered ? $"{r.Channel} {r.Target}: delivered" : $"{r.Channel} {r.Target}: FAILED: {r.Error}");
            return failed == 0 ? 0 : CliException.Failure;
        });
        return command;
    }

    private static void Print(CliContext cli, AlertConfigView c)
    {
        cli.Out.Fields([
            ("Low pool", new($"{c.LowAvailable} license(s) or {c.LowPercent}% available")),
            ("Grace period ending", new($"within {c.GraceDays} days")),
            ("Activation ending", new($"within {c.ActivationDays} days")),
            ("SMTP server", new(c.SmtpHost is null ? "(none)" : $"{c.SmtpHost}:{c.SmtpPort} (TLS {Names.OnOff(c.SmtpTls)})")),
            ("E-mail", new(c.SmtpFrom is null && c.SmtpTo.Count == 0 ? "(none)" : $"from {c.SmtpFrom ?? "(none)"} to {(c.SmtpTo.Count == 0 ? "(none)" : string.Join(", ", c.SmtpTo))}")),
            ("SMTP sign-in", new(c.SmtpUser is null ? "(none)" : $"{c.SmtpUser}, password {(c.SmtpPasswordSet ? "set" : "not set")}")),
            ("Webhooks", new(c.Webhooks.Count == 0 ? "(none)" : string.Join(", ", c.Webhooks))),
            ("Webhook secret", new(c.WebhookSecretSet ? "set (bodies are signed)" : "not set (bodies are not signed)")),
        ]);
    }

    /// <summary>A secret read from a file, so it never appears on a command line (ps) or in shell history; the last line break is not part of it.</summary>
    private static async Task<string?> SecretAsync(string? file, CancellationToken ct) =>
        file is null ? null : (await File.ReadAllTextAsync(file, ct)).TrimEnd('\r', '\n');
}
