using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using static RdLicensing.EndToEnd.ActivationEndToEndTests;

namespace RdLicensing.EndToEnd;

/// <summary>
/// Issue 11, item 7: reactivation reasons mean what they say. "key-compromised" (and "certificate-corrupt") replace the
/// identity key, keep the Product ID, retire the old key at the clearinghouse and for the hosts, and CALs signed by the old
/// key are signed again at their next presentation. The other reasons keep the key.
/// </summary>
public sealed class KeyRotationEndToEndTests
{
    private static async Task<LicenseServerInfoView> InfoAsync(HttpClient host) =>
        (await host.GetFromJsonAsync<LicenseServerInfoView>("/api/sessionhost/license-server"))!;

    private static CalTokenContent? VerifiesWith(string publicKey, string productId, string token)
    {
        using var verifier = CalTokenVerifier.FromSubjectPublicKeyInfo(Convert.FromBase64String(publicKey), productId);
        try { return verifier.Verify(Convert.FromBase64String(token)); }
        catch (CalTokenException) { return null; }
    }

    [Fact]
    public async Task Key_compromised_replaces_the_key_old_cals_are_signed_again_and_the_old_key_can_no_longer_act()
    {
        await using var deployment = await Deployment.StartAsync();
        var server = await Deployment.ActivateAsync(await deployment.AddServerAsync());
        await deployment.InstallRetailAsync(server, ProductVersion.WindowsServer2025, CalType.PerDevice, 5);
        var hostToken = await server.EnrollHostAsync("rdsh-rot");
        var host = new SessionHost(hostToken, "2025");
        await host.ConnectAsync("hw-1");
        await host.SignInAsync("hw-1");
        var permanent = await host.ConnectAsync("hw-1");
        var oldToken = permanent.License!;
        var before = await InfoAsync(hostToken);
        var oldIdentity = server.Identity;
        var licenseServerId = (await Deployment.StatusAsync(server)).Activation.LicenseServerId;

        var output = await Rdlic.OkAsync(server, "server", "reactivate", "--reason", "key-compromised", "--method", "automatic");

        Assert.Contains("its identity key was replaced", output);
        var after = await InfoAsync(hostToken);
        Assert.Equal(before.ProductId, after.ProductId); // key packs and activation stay bound to it
        Assert.NotEqual(before.PublicKey, after.PublicKey);
        var retired = Assert.Single(after.RetiredKeys!);
        Assert.Equal((before.PublicKey, "key-compromised"), (retired.PublicKey, retired.Reason));

        // New CALs are signed by the new key only.
        await host.ConnectAsync("hw-2");
        await host.SignInAsync("hw-2");
        var fresh = (await host.ConnectAsync("hw-2")).License!;
        Assert.NotNull(VerifiesWith(after.PublicKey, after.ProductId, fresh));
        Assert.Null(VerifiesWith(before.PublicKey, before.ProductId, fresh));

        // The CAL signed before is signed again at its next presentation: same CAL, new token.
        var presented = await hostToken.PostAsJsonAsync("/api/sessionhost/cals",
            new CalRequestBody("per-device", "2025", "hw-1", "PC-hw-1", null, oldToken));
        var answer = (await presented.Content.ReadFromJsonAsync<CalResponseBody>())!;
        Assert.Equal("valid", answer.Outcome);
        Assert.Null(answer.PresentedLicenseProblem);
        Assert.Equal(permanent.Cal!.Id, answer.Cal!.Id);
        Assert.Equal(permanent.Cal.Id, VerifiesWith(after.PublicKey, after.ProductId, answer.License!)!.CalId);

        // The old key can no longer act at the clearinghouse.
        var withOldKey = await deployment.Clearinghouse.Public.PostSignedAsync("/api/reissue",
            new ReissueRequestBody(server.ProductId, (await Deployment.StatusAsync(server)).Activation.LicenseServerId), oldIdentity, server.InstallationId);
        Assert.Equal(HttpStatusCode.Conflict, withOldKey.StatusCode);
        Assert.Contains("proof-key-retired", await withOldKey.Content.ReadAsStringAsync());
        Assert.Contains(await deployment.Clearinghouse.Store.SecurityEventsAsync(server.ProductId), e => e.Kind == "proof-key-retired");
        // Positive control: the new key acts (install), and the old License Server ID was replaced.
        await deployment.InstallRetailAsync(server, ProductVersion.WindowsServer2025, CalType.PerUser, 3);
        Assert.NotEqual(licenseServerId, (await Deployment.StatusAsync(server)).Activation.LicenseServerId);
    }

    [Fact]
    public async Task Key_rotation_survives_a_restart_and_redeployed_keeps_the_key()
    {
        await using var deployment = await Deployment.StartAsync();
        var server = await Deployment.ActivateAsync(await deployment.AddServerAsync());
        var hostToken = await server.EnrollHostAsync("rdsh-keep");
        var before = await InfoAsync(hostToken);

        await Rdlic.OkAsync(server, "server", "reactivate", "--reason", "redeployed", "--method", "automatic");

        var kept = await InfoAsync(hostToken);
        Assert.Equal(before.PublicKey, kept.PublicKey);
        Assert.Empty(kept.RetiredKeys!);

        await Rdlic.OkAsync(server, "server", "reactivate", "--reason", "certificate-corrupt", "--method", "automatic");
        var rotated = await InfoAsync(hostToken);
        Assert.NotEqual(before.PublicKey, rotated.PublicKey);

        // After a restart the server loads the rotated key and the Product ID it keeps.
        var dataDirectory = server.DataDirectory;
        server.KeepDataDirectory = true;
        await deployment.StopAsync(server);
        var again = await deployment.AddServerAsync(dataDirectory: dataDirectory, authority: server.Authority);
        Assert.Equal(before.ProductId, again.ProductId);
        Assert.Equal("activated", (await Deployment.StatusAsync(again)).Activation.Status);
        await deployment.InstallRetailAsync(again, ProductVersion.WindowsServer2025, CalType.PerUser, 3);
    }

    /// <summary>
    /// The vendor's key-compromise procedure from the license server's side: `rdlic server new-key` prepares a key that signs
    /// nothing until the vendor's operator recorded it and a reactivation signed by it adopts it.
    /// </summary>
    [Fact]
    public async Task A_new_key_for_the_vendor_signs_nothing_until_the_operator_recorded_it_then_a_reactivation_adopts_it()
    {
        await using var deployment = await Deployment.StartAsync();
        var server = await Deployment.ActivateAsync(await deployment.AddServerAsync());
        var other = await Deployment.ActivateAsync(await deployment.AddServerAsync());
        var code = await deployment.Clearinghouse.IssueRetailCodeAsync(ProductVersion.WindowsServer2025, CalType.PerDevice, 5);
        (await server.Admin.PostAsJsonAsync("/api/admin/licenses", new LicenseInstallBody("retail", code))).EnsureSuccessStatusCode();
        var otherCode = await deployment.Clearinghouse.IssueRetailCodeAsync(ProductVersion.WindowsServer2025, CalType.PerDevice, 5);
        (await other.Admin.PostAsJsonAsync("/api/admin/licenses", new LicenseInstallBody("retail", otherCode))).EnsureSuccessStatusCode();
        var hostToken = await server.EnrollHostAsync("rdsh-vendor");
        var host = new SessionHost(hostToken, "2025");
        var before = await InfoAsync(hostToken);
        var file = Path.Combine(Rdlic.TemporaryDirectory("rdlic-new-key-"), "new-key.json");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        string[] vendor = ["--clearinghouse", deployment.Clearinghouse.BaseAddress.ToString(), "--clearinghouse-token", deployment.Clearinghouse.AdminToken];
        try
        {
            var prepared = await Rdlic.OkAsync(server, "server", "new-key", "--out", file);
            var proof = JsonSerializer.Deserialize<NewKeyBody>(await File.ReadAllTextAsync(file), new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
            var fingerprint = Core.Proof.ServerRequestProof.Fingerprint(Convert.FromBase64String(proof.PublicKey!));
            Assert.Contains($"Prepared new identity key {fingerprint}", prepared);
            if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            // Asked again, the same key (the file can be made again); the event log says a key was prepared.
            Assert.Contains($"The new identity key {fingerprint} prepared on", await Rdlic.OkAsync(server, "server", "new-key", "--out", file));
            Assert.Equal(proof, JsonSerializer.Deserialize<NewKeyBody>(await File.ReadAllTextAsync(file), new JsonSerializerOptions(JsonSerializerDefaults.Web)));

            // Until the vendor recorded it, the prepared key signs nothing: new CALs are the old key's, and a reactivation is refused with the next step.
            await host.ConnectAsync("hw-1");
            await host.SignInAsync("hw-1");
            var permanent = await host.ConnectAsync("hw-1");
            Assert.NotNull(VerifiesWith(before.PublicKey, before.ProductId, permanent.License!));
            var early = await Rdlic.FailsAsync(server, 1, "server", "reactivate", "--reason", "key-compromised", "--method", "automatic",
                "--first-name", "Ada", "--last-name", "Lovelace");
            Assert.Contains($"does not know the new identity key {fingerprint}", early);
            Assert.Equal(before.PublicKey, (await InfoAsync(hostToken)).PublicKey);
            Assert.Contains((await Deployment.StatusAsync(server)).Warnings, w => w.Contains($"A new identity key {fingerprint}", StringComparison.Ordinal));

            // An attacker carrying this server's proof to another server's Product ID (with that server's own retail code) records nothing.
            var carried = Rdlic.OneErrorLine(await Rdlic.RunAsync(["clearinghouse", "keys", "record", "--product-id", other.ProductId, "--new-key", file,
                "--retail-code", otherCode, .. vendor]), 1);
            Assert.Contains("does not cover license server " + other.ProductId, carried);
            // Nor does the operator record it without a purchase identifier installed on this server.
            var wrongProof = Rdlic.OneErrorLine(await Rdlic.RunAsync(["clearinghouse", "keys", "record", "--product-id", server.ProductId, "--new-key", file,
                "--retail-code", otherCode, .. vendor]), 1);
            Assert.Contains("None of the purchase identifiers given is installed", wrongProof);

            // Positive control: the operator records it with the code installed here; the reactivation, signed by the new key, adopts it.
            await Rdlic.OkAsync(["clearinghouse", "keys", "record", "--product-id", server.ProductId, "--new-key", file, "--retail-code", code, .. vendor]);
            var reactivated = await Rdlic.OkAsync(server, "server", "reactivate", "--reason", "key-compromised", "--method", "automatic",
                "--first-name", "Ada", "--last-name", "Lovelace");

            Assert.Contains("its identity key was replaced", reactivated);
            var after = await InfoAsync(hostToken);
            Assert.Equal(proof.PublicKey, after.PublicKey);
            Assert.Equal(before.PublicKey, Assert.Single(after.RetiredKeys!).PublicKey);
            Assert.Equal("activated", (await Deployment.StatusAsync(server)).Activation.Status);
            // The CAL signed by the old key is signed again by the adopted one; the other server's key was never touched.
            var presented = await hostToken.PostAsJsonAsync("/api/sessionhost/cals",
                new CalRequestBody("per-device", "2025", "hw-1", "PC-hw-1", null, permanent.License));
            var answer = (await presented.Content.ReadFromJsonAsync<CalResponseBody>())!;
            Assert.Equal(permanent.Cal!.Id, VerifiesWith(after.PublicKey, after.ProductId, answer.License!)!.CalId);
            await deployment.InstallRetailAsync(server, ProductVersion.WindowsServer2025, CalType.PerUser, 3);
            await deployment.InstallRetailAsync(other, ProductVersion.WindowsServer2025, CalType.PerUser, 3);
            // Nothing is left prepared.
            Assert.DoesNotContain((await Deployment.StatusAsync(server)).Warnings, w => w.Contains("A new identity key", StringComparison.Ordinal));
            Assert.Equal(HttpStatusCode.NotFound, (await server.Admin.GetAsync("/api/admin/identity/new-key")).StatusCode);
            Assert.Contains("nothing to discard", await Rdlic.FailsAsync(server, 1, "server", "new-key", "--discard"));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
        }
    }

    [Fact]
    public async Task A_prepared_key_can_be_discarded_and_a_reactivation_is_then_signed_by_the_current_key()
    {
        await using var deployment = await Deployment.StartAsync();
        var server = await Deployment.ActivateAsync(await deployment.AddServerAsync());
        var hostToken = await server.EnrollHostAsync("rdsh-discard");
        var before = await InfoAsync(hostToken);
        var file = Path.Combine(Rdlic.TemporaryDirectory("rdlic-new-key-"), "new-key.json");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        try
        {
            Assert.Contains("needs --out FILE", await Rdlic.FailsAsync(server, 2, "server", "new-key"));
            await Rdlic.OkAsync(server, "server", "new-key", "--out", file);
            var prepared = JsonSerializer.Deserialize<NewKeyBody>(await File.ReadAllTextAsync(file), new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
            Assert.Contains("discarded", await Rdlic.OkAsync(server, "server", "new-key", "--discard"));

            await Rdlic.OkAsync(server, "server", "reactivate", "--reason", "key-compromised", "--method", "automatic", "--first-name", "Ada", "--last-name", "Lovelace");

            var after = await InfoAsync(hostToken);
            Assert.NotEqual(before.PublicKey, after.PublicKey);
            Assert.NotEqual(prepared.PublicKey, after.PublicKey);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
        }
    }
}
