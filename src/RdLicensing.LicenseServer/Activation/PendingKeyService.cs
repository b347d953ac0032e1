using System.Text.Json;
using RdLicensing.Core.Events;
using RdLicensing.Core.Identity;
using RdLicensing.Core.Proof;
using RdLicensing.Core.Protocol;
using RdLicensing.LicenseServer.Hosting;
using RdLicensing.LicenseServer.Licensing;
using RdLicensing.Storage;

namespace RdLicensing.LicenseServer.Activation;

/// <summary>
/// The license server's half of the vendor's "private key compromised" procedure, for when the current key cannot sign its own
/// rotation (lost, corrupted, or an attacker already rotated it away at the clearinghouse): the server prepares a new key and
/// the new key's proof of possession (<see cref="KeyRotationProof"/>: its signature over the Product ID, the current key's
/// fingerprint and a nonce), which the administrator carries to the vendor's operator (<c>rdlic clearinghouse keys record</c>)
/// with a purchase identifier installed here. The new key is <em>pending</em>: it signs no CAL and no request until a
/// key-rotating reactivation (<c>rdlic server reactivate --reason key-compromised</c>) succeeds at the clearinghouse signed by it
/// — only then does it replace the identity key, and the old one is retired.
/// </summary>
/// <remarks>
/// Invariants: at most one pending key; asking again returns the same proof (the file can be made again) unless it is replaced;
/// the proof names the key current when it was made, so a rotation by any other path discards it; a restore to a new identity
/// drops it (<see cref="Recovery.DatabaseRestorer"/>).
/// </remarks>
public sealed class PendingKeyService(LicenseStore store, ServerState server, TimeProvider clock, ILogger<PendingKeyService> log)
{
    private static JsonSerializerOptions Json => RdLicensing.ServiceDefaults.WireJson.Options;

    /// <summary>What the settings table keeps: the private key (PKCS#8) and its proof, made for the key it replaces.</summary>
    private sealed record Stored(string PrivateKey, string PublicKey, string Nonce, string Signature, string Replaces, DateTimeOffset CreatedAt);

    /// <summary>A pending key loaded for signing: dispose it.</summary>
    public sealed record Pending(LicenseServerIdentity Identity, string Fingerprint, string Replaces, DateTimeOffset CreatedAt) : IDisposable
    {
        public void Dispose() => Identity.Dispose();
    }

    public async Task<PendingKeyView?> GetAsync(CancellationToken cancellationToken) =>
        Current(await store.SettingAsync(SettingNames.PendingIdentityKey, cancellationToken)) is { } stored ? View(stored, created: false) : null;

    /// <summary>The pending key (made now if there is none, or if <paramref name="replace"/>): its proof for the vendor's operator.</summary>
    public Task<PendingKeyView> PrepareAsync(bool replace, CancellationToken cancellationToken) =>
        store.WriteAsync(async s =>
        {
            if (!replace && Current(await s.SettingAsync(SettingNames.PendingIdentityKey)) is { } existing)
                return View(existing, created: false);
            var now = clock.GetUtcNow();
            var replaces = ServerRequestProof.Fingerprint(server.Identity.PublicKey);
            using var next = server.Identity.WithNewKey();
            var (nonce, signature) = KeyRotationProof.Create(next.Key, server.ProductId, replaces);
            var stored = new Stored(Convert.ToBase64String(next.ExportPkcs8()), Convert.ToBase64String(next.PublicKey), nonce,
                Convert.ToBase64String(signature), replaces, now);
            await s.SetSettingAsync(SettingNames.PendingIdentityKey, JsonSerializer.Serialize(stored, Json));
            var fingerprint = ServerRequestProof.Fingerprint(next.PublicKey);
            await s.AddEventAsync(now, LicensingEventId.NewKeyPrepared,
                $"A new identity key {fingerprint} was prepared to replace key {replaces} through the vendor's key-compromise procedure. It signs nothing until " +
                "the vendor's operator has recorded it and a reactivation (reason key-compromised or certificate-corrupt) adopts it.");
            log.LogWarning("New identity key {Fingerprint} prepared to replace {Replaces} (vendor key-compromise procedure)", fingerprint, replaces);
            return View(stored, created: true);
        }, cancellationToken);

    /// <summary>Discards the pending key; false when there was none.</summary>
    public Task<bool> DiscardAsync(CancellationToken cancellationToken) =>
        store.WriteAsync(async s =>
        {
            if (await s.SettingAsync(SettingNames.PendingIdentityKey) is null) return false;
            await s.DeleteSettingAsync(SettingNames.PendingIdentityKey);
            log.LogInformation("The pending identity key was discarded");
            return true;
        }, cancellationToken);

    /// <summary>The pending key made for the current key, to sign a reactivation with; null when there is none (or it is stale).</summary>
    public async Task<Pending?> LoadAsync(CancellationToken cancellationToken)
    {
        if (Current(await store.SettingAsync(SettingNames.PendingIdentityKey, cancellationToken)) is not { } stored) return null;
        var identity = LicenseServerIdentity.FromPkcs8(Convert.FromBase64String(stored.PrivateKey), server.ProductId);
        return new Pending(identity, ServerRequestProof.Fingerprint(identity.PublicKey), stored.Replaces, stored.CreatedAt);
    }

    /// <summary>Removes the pending key inside the adopting transaction.</summary>
    internal static Task ClearAsync(LicenseWriteSession s) => s.DeleteSettingAsync(SettingNames.PendingIdentityKey);

    /// <summary>
    /// What status (and so the attention list) says about the pending key: that it waits for the vendor's operator, that it cannot
    /// be read and how to clear it, or null when there is none (or it is stale). Never throws for an unreadable key: status must
    /// answer whatever the setting holds.
    /// </summary>
    public async Task<string?> StatusNoticeAsync(CancellationToken cancellationToken)
    {
        var (stored, unreadable) = Read(await store.SettingAsync(SettingNames.PendingIdentityKey, cancellationToken));
        if (unreadable) return UnreadableNotice;
        if (stored is null) return null;
        var pending = View(stored, created: false);
        return $"A new identity key {pending.Fingerprint} prepared on {pending.CreatedAt:yyyy-MM-dd} waits for the vendor's operator: give them the file made by " +
               "'rdlic server new-key', then reactivate with reason key-compromised (or discard it: 'rdlic server new-key --discard').";
    }

    /// <summary>The notice and refusal for a pending key that cannot be read: what is wrong, what it means and what to do.</summary>
    public const string UnreadableNotice =
        "The new identity key prepared for the vendor's operator (setting identity.pendingKey) cannot be read: it is not the key this server wrote, " +
        "so it signs nothing and no reactivation can adopt it. Clear it with 'rdlic server new-key --discard', then prepare another with " +
        "'rdlic server new-key' if the key-compromise procedure is still under way.";

    /// <summary>The stored pending key when it was made for the key that is current now; a stale one (the key rotated since) counts as none.</summary>
    private Stored? Current(string? json)
    {
        var (stored, unreadable) = Read(json);
        return unreadable ? throw Refusal.Conflict("pending-key-unreadable", "Pending key unreadable", UnreadableNotice) : stored;
    }

    /// <summary>
    /// The stored pending key made for the current key (null when there is none or it is stale), or Unreadable when the setting
    /// is not what <see cref="PrepareAsync"/> writes (not JSON, fields missing, keys not base64).
    /// </summary>
    private (Stored? Stored, bool Unreadable) Read(string? json)
    {
        if (string.IsNullOrEmpty(json)) return (null, false);
        Stored? stored;
        try
        {
            stored = JsonSerializer.Deserialize<Stored>(json, Json);
        }
        catch (JsonException)
        {
            return (null, true);
        }
        if (stored?.Replaces is null || stored.Replaces != ServerRequestProof.Fingerprint(server.Identity.PublicKey)) return (null, false);
        var readable = stored is { PrivateKey: not null, PublicKey: not null, Nonce: not null, Signature: not null }
                       && IsBase64(stored.PrivateKey) && IsBase64(stored.PublicKey) && IsBase64(stored.Signature);
        return readable ? (stored, false) : (null, true);
    }

    private static bool IsBase64(string text) => text.Length > 0 && Convert.TryFromBase64String(text, new byte[text.Length], out _);

    private PendingKeyView View(Stored stored, bool created) =>
        new(server.ProductId, ServerRequestProof.Fingerprint(Convert.FromBase64String(stored.PublicKey)), stored.Replaces, stored.CreatedAt,
            new NewKeyBody(stored.PublicKey, stored.Nonce, stored.Signature), created);
}
