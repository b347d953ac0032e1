using System.Text.Json;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Identity;
using RdLicensing.Core.Proof;
using RdLicensing.Storage;

namespace RdLicensing.LicenseServer.Hosting;

/// <summary>A key this server signed with before a rotation: CAL tokens it signed are re-signed at their next presentation.</summary>
public sealed record RetiredServerKey(byte[] PublicKey, DateTimeOffset RetiredAt, string Reason)
{
    public string Fingerprint => ServerRequestProof.Fingerprint(PublicKey);
}

/// <summary>
/// The identity as the settings table keeps it: the private key (<see cref="SettingNames.IdentityKey"/>), the Product ID
/// once a rotation made it differ from the key's (<see cref="SettingNames.IdentityProductId"/>) and the retired keys
/// (<see cref="SettingNames.RetiredKeys"/>, JSON).
/// </summary>
internal static class ServerIdentityStore
{
    private static JsonSerializerOptions Json => RdLicensing.ServiceDefaults.WireJson.Options;

    private sealed record StoredRetiredKey(string PublicKey, DateTimeOffset RetiredAt, string Reason);

    public static async Task<(LicenseServerIdentity Identity, string StoredKey, IReadOnlyList<RetiredServerKey> Retired)?> LoadAsync(LicenseWriteSession s)
    {
        if (await s.SettingAsync(SettingNames.IdentityKey) is not { } stored) return null;
        var identity = LicenseServerIdentity.FromPkcs8(Convert.FromBase64String(stored), await s.SettingAsync(SettingNames.IdentityProductId));
        return (identity, stored, Retired(await s.SettingAsync(SettingNames.RetiredKeys)));
    }

    public static IReadOnlyList<RetiredServerKey> Retired(string? json) =>
        string.IsNullOrEmpty(json) ? [] :
            (JsonSerializer.Deserialize<List<StoredRetiredKey>>(json, Json) ?? [])
            .Select(k => new RetiredServerKey(Convert.FromBase64String(k.PublicKey), k.RetiredAt, k.Reason)).ToList();

    /// <summary>Stores <paramref name="next"/> as the identity and retires <paramref name="previous"/>'s key with the reason; returns the stored key text and the retired list.</summary>
    public static async Task<(string StoredKey, IReadOnlyList<RetiredServerKey> Retired)> RotateAsync(LicenseWriteSession s, LicenseServerIdentity previous,
        LicenseServerIdentity next, string reason, DateTimeOffset now)
    {
        var retired = Retired(await s.SettingAsync(SettingNames.RetiredKeys)).Append(new RetiredServerKey(previous.PublicKey, now, reason)).ToList();
        var stored = Convert.ToBase64String(next.ExportPkcs8());
        await s.SetSettingAsync(SettingNames.IdentityKey, stored);
        await s.SetSettingAsync(SettingNames.IdentityProductId, next.ProductId);
        await s.SetSettingAsync(SettingNames.RetiredKeys, JsonSerializer.Serialize(
            retired.Select(k => new StoredRetiredKey(Convert.ToBase64String(k.PublicKey), k.RetiredAt, k.Reason)), Json));
        return (stored, retired);
    }

    /// <summary>A verifier per retired key, bound to this server's Product ID.</summary>
    public static IReadOnlyList<CalTokenVerifier> Verifiers(IEnumerable<RetiredServerKey> retired, string productId) =>
        retired.Select(k => CalTokenVerifier.FromSubjectPublicKeyInfo(k.PublicKey, productId)).ToList();
}
