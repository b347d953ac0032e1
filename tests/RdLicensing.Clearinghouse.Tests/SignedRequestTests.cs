using System.Net.Http.Json;
using System.Text.Json;
using RdLicensing.Core.Proof;
using RdLicensing.Core.Protocol;
using RdLicensing.Testing;
using static RdLicensing.Clearinghouse.Tests.Support;

namespace RdLicensing.Clearinghouse.Tests;

/// <summary>
/// Proof of possession on the routes where a license server acts for itself: only a request signed by the key the
/// clearinghouse holds for the Product ID is served; every other attempt is refused, changes nothing and leaves a security event.
/// </summary>
public sealed class SignedRequestTests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static async Task<IReadOnlyList<Storage.SecurityEventRecord>> EventsAsync(TestClearinghouse ch, string productId) =>
        await ch.Store.SecurityEventsAsync(productId);

    [Fact]
    public async Task Knowing_a_product_id_is_not_enough_to_reactivate_a_server_and_the_attempts_are_recorded()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        var (productId, licenseServerId) = await ch.NewActivatedServerAsync();
        var attacker = SignedClearinghouseCalls.NewIdentity();
        var reactivate = new ActivationRequestBody(productId, "automatic", new CompanyInformation("Eve", "Mallory", null, null), "redeployed");

        var unsigned = await ch.Public.PostAsJsonAsync("/api/activations", reactivate);
        var otherKey = await ch.Public.PostSignedAsync("/api/activations", reactivate, attacker, productId: productId);
        var ownSignatureOtherServer = await ch.Public.PostSignedAsync("/api/activations", reactivate, attacker);

        Assert.Equal(Slug("proof-required"), (await unsigned.ProblemAsync(422)).Type);
        Assert.Equal(Slug("proof-not-recognized"), (await otherKey.ProblemAsync(422)).Type);
        Assert.Equal(Slug("proof-product-mismatch"), (await ownSignatureOtherServer.ProblemAsync(422)).Type);
        // Nothing changed: the server's License Server ID is still the active one.
        var active = (await ch.ActivationsAsync()).Where(a => a.ProductId == productId && a.Status == "active").ToList();
        Assert.Equal(licenseServerId, Assert.Single(active).LicenseServerId);
        var events = await EventsAsync(ch, productId);
        Assert.Equal(["proof-required", "proof-not-recognized", "proof-product-mismatch"], events.Select(e => e.Kind).Reverse());
        Assert.All(events, e => Assert.Equal("POST /api/activations", e.Route));

        // Positive control: the server itself reactivates.
        var own = await ch.Public.PostAsServerAsync("/api/activations", reactivate);
        Assert.True(own.IsSuccessStatusCode, await own.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_signed_request_is_good_once_and_only_for_the_bytes_it_signed()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        var (productId, licenseServerId) = await ch.NewActivatedServerAsync();
        var identity = SignedClearinghouseCalls.IdentityOf(productId);
        var body = JsonSerializer.SerializeToUtf8Bytes(new ReissueRequestBody(productId, licenseServerId), Json);
        var header = ServerRequestProof.Create(identity.Key, productId, SignedClearinghouseCalls.DefaultInstallationId, "POST", "/api/reissue", body, contact: 42);

        var first = await ch.Public.PostSignedBytesAsync("/api/reissue", body, header);
        var replayed = await ch.Public.PostSignedBytesAsync("/api/reissue", body, header);
        var tampered = await ch.Public.PostSignedBytesAsync("/api/reissue", [.. body[..^1], (byte)' ', (byte)'}'], header);
        var otherPath = await ch.Public.PostSignedBytesAsync("/api/conversions", body, header);

        Assert.True(first.IsSuccessStatusCode, await first.Content.ReadAsStringAsync());
        Assert.Equal(Slug("proof-replayed"), (await replayed.ProblemAsync(409)).Type);
        Assert.Equal(Slug("proof-invalid"), (await tampered.ProblemAsync(422)).Type);
        Assert.Equal(Slug("proof-invalid"), (await otherPath.ProblemAsync(422)).Type);
        Assert.Equal(["proof-replayed", "proof-invalid", "proof-invalid"], (await EventsAsync(ch, productId)).Select(e => e.Kind).Reverse());
    }

    [Fact]
    public async Task A_first_activation_must_be_signed_by_the_key_the_product_id_comes_from()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        var victim = SignedClearinghouseCalls.NewIdentity(); // never contacted the clearinghouse
        var attacker = SignedClearinghouseCalls.NewIdentity();

        var claimed = await ch.Public.PostSignedAsync("/api/activations", new ActivationRequestBody(victim.ProductId, "automatic", Company), attacker,
            productId: victim.ProductId);

        Assert.Equal(Slug("proof-not-recognized"), (await claimed.ProblemAsync(422)).Type);
        Assert.DoesNotContain(await ch.ActivationsAsync(), a => a.ProductId == victim.ProductId);
        // Positive control: the real server activates, and its key is then the one recorded.
        await ch.ActivateAsync(victim.ProductId);
    }

    [Fact]
    public async Task A_body_over_64_KiB_is_refused_before_anything_is_read_into_a_request()
    {
        await using var ch = await TestClearinghouse.StartAsync();
        var identity = SignedClearinghouseCalls.NewIdentity();
        var big = JsonSerializer.SerializeToUtf8Bytes(new ActivationRequestBody(identity.ProductId, "automatic", Company with { Address = new string('a', 70_000) }), Json);
        var response = await ch.Public.PostSignedBytesAsync("/api/activations", big,
            ServerRequestProof.Create(identity.Key, identity.ProductId, "inst", "POST", "/api/activations", big));
        Assert.Equal(Slug("request-too-large"), (await response.ProblemAsync(413)).Type);
    }
}
