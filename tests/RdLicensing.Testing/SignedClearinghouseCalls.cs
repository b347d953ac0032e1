using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json;
using RdLicensing.Core.Identity;
using RdLicensing.Core.Proof;

namespace RdLicensing.Testing;

/// <summary>
/// Clearinghouse calls as a license server makes them (automatic method): the body serialised once, and those exact bytes
/// signed in the <see cref="ServerRequestProof.HeaderName"/> header by a <see cref="LicenseServerIdentity"/>. Tests that
/// talk to a clearinghouse directly use these instead of unsigned posts; an attacker's request is the same call signed by
/// the wrong key, or no signature at all.
/// </summary>
public static class SignedClearinghouseCalls
{
    public static JsonSerializerOptions Json => RdLicensing.ServiceDefaults.WireJson.Options;
    private static readonly ConcurrentDictionary<string, LicenseServerIdentity> Identities = new();

    /// <summary>The installation id signed when a test names none.</summary>
    public const string DefaultInstallationId = "test-installation";

    /// <summary>A new license server identity, remembered so <see cref="PostAsServerAsync{T}"/> can sign for its Product ID.</summary>
    public static LicenseServerIdentity NewIdentity()
    {
        var identity = LicenseServerIdentity.Create();
        Identities[identity.ProductId] = identity;
        return identity;
    }

    /// <summary>The identity <see cref="NewIdentity"/> made for this Product ID.</summary>
    public static LicenseServerIdentity IdentityOf(string productId) =>
        Identities.TryGetValue(productId, out var identity) ? identity
            : throw new InvalidOperationException($"No test identity has Product ID {productId}: make it with SignedClearinghouseCalls.NewIdentity().");

    // Contact numbers of the proofs signed here: far above any a test's real license server reaches, so the two never meet.
    private static long _contact = 1_000_000_000;

    /// <summary>
    /// POST signed by <paramref name="signer"/>; <paramref name="productId"/> overrides the Product ID the proof claims (an attacker's).
    /// The proof carries a contact number (version 2) as a license server's does, unless <paramref name="numbered"/> is false (version 1).
    /// </summary>
    public static Task<HttpResponseMessage> PostSignedAsync<T>(this HttpClient http, string path, T body, LicenseServerIdentity signer,
        string installationId = DefaultInstallationId, string? productId = null, bool numbered = true)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(body, Json);
        var header = ServerRequestProof.Create(signer.Key, productId ?? signer.ProductId, installationId, "POST", path, bytes,
            numbered ? Interlocked.Increment(ref _contact) : null);
        return http.PostSignedBytesAsync(path, bytes, header);
    }

    /// <summary>POST signed by the test identity of the body's "productId" (made with <see cref="NewIdentity"/>).</summary>
    public static Task<HttpResponseMessage> PostAsServerAsync<T>(this HttpClient http, string path, T body, string installationId = DefaultInstallationId)
    {
        using var document = JsonDocument.Parse(JsonSerializer.SerializeToUtf8Bytes(body, Json));
        var productId = document.RootElement.GetProperty("productId").GetString()!;
        return http.PostSignedAsync(path, body, IdentityOf(productId), installationId);
    }

    /// <summary>Sends exactly these bytes with this proof header (null: none) — for replays and tampering.</summary>
    public static async Task<HttpResponseMessage> PostSignedBytesAsync(this HttpClient http, string path, byte[] body, string? proofHeader)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        if (proofHeader is not null) request.Headers.TryAddWithoutValidation(ServerRequestProof.HeaderName, proofHeader);
        return await http.SendAsync(request);
    }
}
