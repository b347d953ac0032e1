using RdLicensing.Core.Codes;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Proof;
using RdLicensing.Core.Protocol;
using RdLicensing.Storage;

namespace RdLicensing.Clearinghouse.Granting;

/// <summary>
/// The documented "private key compromised" path with the vendor's operator, for when the old key cannot sign the rotation
/// (lost, corrupted, or an attacker already rotated it away): the operator records a new key for a Product ID only with the
/// ownership proof of an original purchase installed on it — a retail code, an Open License number with its authorization
/// number, or the agreement number of a pack installed there — and the new key's own proof of possession. The old key is
/// retired with the reason; the installation is learned again at the new key's first signed contact.
/// </summary>
public sealed class VendorKeyRecording(ClearinghouseStore store, TimeProvider clock, ILogger<VendorKeyRecording> log)
{
    public Task<ServerKeyView> RecordAsync(string productIdText, VendorKeyBody body, CancellationToken cancellationToken)
    {
        var productId = RequestFields.ProductId(productIdText);
        if (body.NewKey is not { PublicKey: { } keyText, Nonce: { } nonce, Signature: { } signatureText })
            throw ClearinghouseRefusal.Invalid("newKey", "newKey (publicKey, nonce, signature) is required: the license server creates it (rdlic server new-key).");
        byte[] newKey, signature;
        try
        {
            newKey = Convert.FromBase64String(keyText);
            signature = Convert.FromBase64String(signatureText);
        }
        catch (FormatException)
        {
            throw ClearinghouseRefusal.Invalid("newKey", "newKey.publicKey and newKey.signature must be base64.");
        }
        var reason = (body.Reason ?? "key-compromised").Trim().ToLowerInvariant();
        if (!ActivationService.RotatesKey(reason))
            throw ClearinghouseRefusal.Invalid("reason", "The reason must be key-compromised or certificate-corrupt.");

        return store.WriteAsync(async s =>
        {
            var now = clock.GetUtcNow();
            var current = await s.CurrentServerKeyAsync(productId)
                ?? throw ClearinghouseRefusal.NotFound("server-not-known", $"The clearinghouse holds no key for license server {productId}: it has never made a signed request.");
            if (!KeyRotationProof.Verifies(newKey, productId, current.Fingerprint, nonce.Trim().ToLowerInvariant(), signature))
                throw ClearinghouseRefusal.Unprocessable("key-rotation-not-proven", "New key not proven",
                    $"The new key's signature does not cover license server {productId} and its current key {current.Fingerprint}: create the request on that license server again.", "newKey");
            var fingerprint = ServerRequestProof.Fingerprint(newKey);
            if ((await s.ServerKeysAsync(productId)).Any(k => k.Fingerprint == fingerprint))
                throw ClearinghouseRefusal.Conflict("key-rotation-reused-key", "Key used before", "The new key is one this license server used before: create a new one.");
            var installs = await s.ActiveInstallsAsync(productId);
            var proven = await OwnershipProvenAsync(s, body, installs);
            if (proven is null)
                throw ClearinghouseRefusal.Unprocessable("ownership-not-proven", "Ownership not proven",
                    $"None of the purchase identifiers given is installed on license server {productId}. Give a retail code, an Open License number with its authorization number, " +
                    "or the agreement number of a key pack installed there.", "ownership");
            if (!await s.TryUseNonceAsync("rotation-" + nonce.Trim().ToLowerInvariant(), productId, "VendorKeyRotation", now))
                throw ClearinghouseRefusal.Conflict("proof-replayed", "Request already used", "This new key's proof was used before: create a new one on the license server.");
            await s.RecordServerKeyAsync(productId, newKey, fingerprint, null, now, reason + " (vendor operator)");
            log.LogWarning("The vendor operator recorded key {Fingerprint} for license server {ProductId} ({Reason}), ownership proven by {Proof}; key {Old} retired",
                fingerprint, productId, reason, proven, current.Fingerprint);
            return new ServerKeyView(productId, fingerprint, current.Fingerprint, reason, now);
        }, cancellationToken);
    }

    /// <summary>Which identifier proved ownership (its program), or null.</summary>
    private static async Task<string?> OwnershipProvenAsync(ClearinghouseWriteSession s, VendorKeyBody body, IReadOnlyList<InstallRecord> installs)
    {
        string? Norm(string? v) => string.IsNullOrWhiteSpace(v) ? null : v.Trim().ToUpperInvariant();
        if (LicenseIdentifiers.TryParseRetailCode(body.RetailCode, out var code, out _)
            && installs.Any(i => i.Program == LicenseProgram.Retail && i.Identifier == code))
            return "a retail code";
        if (Norm(body.OpenLicenseNumber) is { } open && Norm(body.AuthorizationNumber) is { } authorization
            && installs.Any(i => i.Program == LicenseProgram.Open && i.Identifier == open)
            && (await s.OpenLicenseAsync(open))?.AuthorizationNumber == authorization)
            return "an Open License";
        if (Norm(body.AgreementNumber) is { } agreement
            && installs.Any(i => i.Program is not LicenseProgram.Retail and not LicenseProgram.Open && i.Identifier == agreement))
            return "an agreement number";
        return null;
    }
}
