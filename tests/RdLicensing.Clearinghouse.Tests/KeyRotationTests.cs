using System.Net.Http.Json;
using RdLicensing.Core.Identity;
using RdLicensing.Core.Proof;
using RdLicensing.Core.Protocol;
using RdLicensing.Testing;
using static RdLicensing.Clearinghouse.Tests.Support;

namespace RdLicensing.Clearinghouse.Tests;

/// <summary>A key rotation needs both keys: the request signed by the current key, the new key's own signature in the body.</summary>
public sealed class KeyRotationTests
{
    private static readonly CompanyInformation Names = new("Ada", "Lovelace", null, null);

    private static ActivationRequestBody Rotation(string productId, LicenseServerIdentity old, LicenseServerIdentity next, LicenseServerIdentity? provenBy = null)
    {
        var (nonce, signature) = KeyRotationProof.Create((provenBy ?? next).Key, productId, ServerRequestProof.Fingerprint(old.PublicKey));
        return new ActivationRequestBody(productId, "automatic", Names, "key-compromised",
            new NewKeyBody(Convert.ToBase64String(next.PublicKey), nonce, Convert.ToBase64String(signature)));
    }

    [Fact]
    public async Task A_rotation_without_the_new_keys_proof_or_signed_by_another_key_changes_nothing()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        var (productId, _) = await ch.NewActivatedServerAsync();
        var old = SignedClearinghouseCalls.IdentityOf(productId);
        using var next = old.WithNewKey();
        using var attacker = LicenseServerIdentity.Create();

        var unproven = await ch.Public.PostSignedAsync("/api/activations", Rotation(productId, old, next, provenBy: attacker), old);
        var byAttacker = await ch.Public.PostSignedAsync("/api/activations", Rotation(productId, old, attacker), attacker, productId: productId);

        Assert.Equal(Slug("key-rotation-not-proven"), (await unproven.ProblemAsync(422)).Type);
        Assert.Equal(Slug("proof-not-recognized"), (await byAttacker.ProblemAsync(422)).Type);
        var key = Assert.Single(await ch.Store.WriteAsync(s => s.ServerKeysAsync(productId)));
        Assert.Equal(old.PublicKey, key.PublicKey);

        // Positive control: both keys → rotated; the old key is retired, the new one acts.
        var rotated = await ch.Public.PostSignedAsync("/api/activations", Rotation(productId, old, next), old);
        Assert.True(rotated.IsSuccessStatusCode, await rotated.Content.ReadAsStringAsync());
        var keys = await ch.Store.WriteAsync(s => s.ServerKeysAsync(productId));
        Assert.Equal([next.PublicKey, old.PublicKey], keys.Select(k => k.PublicKey));
        Assert.Equal("key-compromised", keys[1].RetiredReason);
        var again = await ch.Public.PostSignedAsync("/api/activations", new ActivationRequestBody(productId, "automatic", Names, "expired"), old);
        Assert.Equal(Slug("proof-key-retired"), (await again.ProblemAsync(409)).Type);
        var byNew = await ch.Public.PostSignedAsync("/api/activations", new ActivationRequestBody(productId, "automatic", Names, "expired"), next);
        Assert.True(byNew.IsSuccessStatusCode, await byNew.Content.ReadAsStringAsync());
    }
}

/// <summary>The vendor operator's path when the old key cannot sign: a purchase identifier installed on the server proves ownership.</summary>
public sealed class VendorKeyRecordingTests
{
    [Fact]
    public async Task The_operator_records_a_new_key_only_with_a_purchase_identifier_installed_on_that_server()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        var (productId, licenseServerId) = await ch.NewActivatedServerAsync();
        var code = await ch.IssueRetailCodeAsync(Core.Versions.ProductVersion.WindowsServer2025, Core.Cals.CalType.PerDevice, 5);
        (await ch.InstallAsync(new LicenseInstallRequestBody(productId, licenseServerId, "2025", "retail", code))).EnsureSuccessStatusCode();
        var otherCode = await ch.IssueRetailCodeAsync(Core.Versions.ProductVersion.WindowsServer2025, Core.Cals.CalType.PerDevice, 5);
        var old = SignedClearinghouseCalls.IdentityOf(productId);
        using var next = old.WithNewKey();
        var (nonce, signature) = KeyRotationProof.Create(next.Key, productId, ServerRequestProof.Fingerprint(old.PublicKey));
        var newKey = new NewKeyBody(Convert.ToBase64String(next.PublicKey), nonce, Convert.ToBase64String(signature));

        var anonymous = await ch.Public.PostAsJsonAsync($"/api/admin/servers/{productId}/keys", new VendorKeyBody(newKey, RetailCode: code));
        var notTheirs = await ch.Admin.PostAsJsonAsync($"/api/admin/servers/{productId}/keys", new VendorKeyBody(newKey, RetailCode: otherCode));

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(Slug("ownership-not-proven"), (await notTheirs.ProblemAsync(422)).Type);
        Assert.Equal(old.PublicKey, Assert.Single(await ch.Store.WriteAsync(s => s.ServerKeysAsync(productId))).PublicKey);

        // Positive control: the code installed there proves ownership; the new key then completes the reactivation, the old key is retired.
        var recorded = await ch.Admin.PostAsJsonAsync($"/api/admin/servers/{productId}/keys", new VendorKeyBody(newKey, RetailCode: code));
        Assert.True(recorded.IsSuccessStatusCode, await recorded.Content.ReadAsStringAsync());
        var reactivated = await ch.Public.PostSignedAsync("/api/activations",
            new ActivationRequestBody(productId, "automatic", new CompanyInformation("Ada", "Lovelace", null, null), "key-compromised"), next);
        Assert.True(reactivated.IsSuccessStatusCode, await reactivated.Content.ReadAsStringAsync());
        var byOld = await ch.Public.PostSignedAsync("/api/reissue", new ReissueRequestBody(productId, licenseServerId), old);
        Assert.Equal(Slug("proof-key-retired"), (await byOld.ProblemAsync(409)).Type);
    }
}
