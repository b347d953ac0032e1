using System.Text.Json;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Versions;
using RdLicensing.Testing;

namespace RdLicensing.Cli.Tests;

/// <summary>`rdlic alerts`, `alerts config set` (secrets from files, never printed) and `alerts test` (one line a channel).</summary>
public sealed class AlertCommandTests
{
    [Fact]
    public async Task Alerts_are_listed_configured_from_files_and_tested_one_line_per_channel()
    {
        await using var server = await TestLicenseServer.StartAsync(clearinghouseUrl: "http://127.0.0.1:1");
        await using var hook = new WebhookReceiver();
        using var files = new TempDirectory();
        const string secret = "cli-webhook-secret-5d1e0a";
        await File.WriteAllTextAsync(files.File("secret.txt"), secret + "\n");
        await server.ActivateAsync();
        await server.InstallAsync(ProductVersion.WindowsServer2025, CalType.PerDevice, 2);

        var set = await Rdlic.OkAsync(server, "alerts", "config", "set", "--low-available", "3", "--webhook", hook.Url(),
            "--webhook-secret-file", files.File("secret.txt"), "--smtp-host", "127.0.0.1", "--smtp-port", "1", "--smtp-from", "rdl@example.test",
            "--smtp-to", "a@example.test");
        var shown = await Rdlic.OkAsync(server, "alerts", "config", "--json");
        var listed = await Rdlic.OkAsync(server, "alerts");
        using var json = JsonDocument.Parse(await Rdlic.OkAsync(server, "alerts", "--json"));
        var test = await Rdlic.RunAsync(server, "alerts", "test");

        Assert.Contains("Webhook secret", set);
        Assert.Contains("set (bodies are signed)", set);
        Assert.DoesNotContain(secret, set + shown + test.Stdout + test.Stderr);
        Assert.True(JsonDocument.Parse(shown).RootElement.GetProperty("webhookSecretSet").GetBoolean());
        Assert.Contains("Only 2 of 2 Windows Server 2025 Per Device CALs are left.", listed);
        Assert.Equal("pool-low", json.RootElement[0].GetProperty("kind").GetString());
        Assert.Equal(1, test.ExitCode); // the SMTP server at port 1 does not answer
        Assert.Equal(2, test.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("smtp 127.0.0.1:1: FAILED: ", test.Stdout);
        Assert.Contains($"webhook http://127.0.0.1:{hook.Port}: delivered", test.Stdout);
        Assert.Contains(hook.Received, r => r.Text.Contains("\"event\":\"test\"", StringComparison.Ordinal));
    }
}
