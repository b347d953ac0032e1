using System.Net;
using System.Net.Http.Json;
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
}
