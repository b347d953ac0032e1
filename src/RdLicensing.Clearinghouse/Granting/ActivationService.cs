using Microsoft.Extensions.Options;
using RdLicensing.Clearinghouse.Hosting;
using RdLicensing.Core.Codes;
using RdLicensing.Core.Proof;
using RdLicensing.Core.Protocol;
using RdLicensing.Storage;

namespace RdLicensing.Clearinghouse.Granting;

/// <summary>
/// Activation, reactivation and deactivation of license servers: issues the License Server ID (a code the
/// clearinghouse signs for the Product ID) and records who asked, how and why.
/// </summary>
public sealed partial class ActivationService(ClearinghouseStore store, ClearinghouseKeys keys, TimeProvider clock, IOptions<ClearinghouseOptions> options)
{
    public static IReadOnlyList<string> Methods { get; } = ["automatic", "web", "telephone"];

    /// <summary>The reactivation reasons of the original's wizard, by their wire names.</summary>
    public static IReadOnlyDictionary<string, string> Reasons { get; } = new Dictionary<string, string>
    {
        ["redeployed"] = "The license server has been redeployed",
        ["certificate-corrupt"] = "The license server certificate has been corrupted",
        ["key-compromised"] = "The private key has been compromised",
        ["expired"] = "The activation key has expired",
        ["upgraded"] = "The license server has been upgraded",
    };

    public Task<ActivationResponse> ActivateAsync(ActivationRequestBody body, ServerProof proof, CancellationToken cancellationToken)
    {
        var productId = RequestFields.ProductId(body.ProductId);
        var method = (body.Method ?? "").Trim().ToLowerInvariant();
        if (!Methods.Contains(method))
            throw ClearinghouseRefusal.Invalid("method", $"The connection method must be one of {string.Join(", ", Methods)}.");
        var reason = string.IsNullOrWhiteSpace(body.Reason) ? null : body.Reason.Trim().ToLowerInvariant();
        if (reason is not null && !Reasons.ContainsKey(reason))
            throw ClearinghouseRefusal.Invalid("reason", $"The reactivation reason must be one of {string.Join(", ", Reasons.Keys)}.");
        var company = CompanyFields.Read(body.Company, reactivation: reason is not null);
        var newKey = NewKey(body, reason, proof);

        return store.WriteAsync(async s =>
        {
            var now = clock.GetUtcNow();
            var current = await proof.RequireAsync(s, productId, reason is null ? ServerRequestPurpose.Activate : ServerRequestPurpose.Reactivate, now,
                takesOverInstallation: reason == "redeployed");
            if (newKey is { } rotation && current is not null)
                await RotateAsync(s, productId, current, rotation, reason!, proof.InstallationId, now);
            else if (newKey is null && RotatesKey(reason) && proof is SignedServerRequest
                     && (current is null || await s.LatestActivationAsync(productId) is not { } last || current.RecordedAt <= last.ActivatedAt))
                throw NewKeyRequired(reason!);
            // A reactivation needs only the names; it keeps the rest of what the server gave last time.
            if (reason is not null && await s.LatestActivationAsync(productId) is { } previous)
                company = CompanyFields.FillFrom(company, previous.Company);
            return await IssueActivationAsync(s, productId, method, company, reason, now);
        }, cancellationToken);
    }

    /// <summary>Supersedes the Product ID's activation and issues a new License Server ID: the end of every method's activation.</summary>
    private async Task<ActivationResponse> IssueActivationAsync(ClearinghouseWriteSession s, string productId, string method, CompanyInformation company,
        string? reason, DateTimeOffset now)
    {
        await s.SupersedeActivationsAsync(productId);
        var serial = await s.NextActivationSerialAsync();
        var expiresAt = now + options.Value.LicenseServerIdValidity;
        var code = LicenseServerIdCode.Issue(keys.Authority, productId, serial, now, expiresAt);
        await s.InsertActivationAsync(new ActivationRecord(0, productId, code, serial, method, ActivationStatus.Active, company, reason, now, expiresAt));
        return new ActivationResponse(productId, code, now, expiresAt);
    }

    /// <summary>The reasons that replace the server's identity key (the others keep it).</summary>
    public static bool RotatesKey(string? reason) => reason is "key-compromised" or "certificate-corrupt";

    private static ClearinghouseRefusal NewKeyRequired(string reason) => ClearinghouseRefusal.Invalid("newKey",
        $"A reactivation for reason {reason} replaces the server's key: newKey (publicKey, nonce, signature) is required, unless the vendor's operator already recorded the new key. Reactivate from the license server (rdlic server reactivate).");

    private sealed record Rotation(byte[] PublicKey, string Nonce, byte[] Signature);

    /// <summary>
    /// The new key of a rotation, read before the transaction. A signed (automatic) reactivation for a compromised key or a
    /// corrupted certificate must carry one; no other request may.
    /// </summary>
    private static Rotation? NewKey(ActivationRequestBody body, string? reason, ServerProof proof)
    {
        if (!RotatesKey(reason) || proof is not SignedServerRequest)
        {
            if (body.NewKey is not null)
                throw ClearinghouseRefusal.Invalid("newKey", "A new key is given only with a reactivation for reason key-compromised or certificate-corrupt.");
            return null;
        }
        // None: only valid to complete a rotation the vendor's operator recorded (checked in the transaction).
        if (body.NewKey is null) return null;
        if (body.NewKey is not { PublicKey: { } key, Nonce: { } nonce, Signature: { } signature })
            throw NewKeyRequired(reason!);
        try
        {
            return new Rotation(Convert.FromBase64String(key), nonce.Trim().ToLowerInvariant(), Convert.FromBase64String(signature));
        }
        catch (FormatException)
        {
            throw ClearinghouseRefusal.Invalid("newKey", "newKey.publicKey and newKey.signature must be base64.");
        }
    }

    /// <summary>
    /// Inside the transaction, after the old key proved the request: the new key must prove possession (its signature over
    /// the Product ID, the old key's fingerprint and the nonce), be new, and then becomes the current key; the old one is
    /// retired with the reason, so a request it signs from now on is refused (proof-key-retired).
    /// </summary>
    private static async Task RotateAsync(ClearinghouseWriteSession s, string productId, ServerKeyRecord current, Rotation rotation, string reason,
        string? installationId, DateTimeOffset now)
    {
        if (!KeyRotationProof.Verifies(rotation.PublicKey, productId, current.Fingerprint, rotation.Nonce, rotation.Signature))
            throw ClearinghouseRefusal.Unprocessable("key-rotation-not-proven", "New key not proven",
                "The new key's signature does not cover this license server and its current key: nothing was changed. Reactivate again from the license server.", "newKey");
        var fingerprint = ServerRequestProof.Fingerprint(rotation.PublicKey);
        if ((await s.ServerKeysAsync(productId)).Any(k => k.Fingerprint == fingerprint))
            throw ClearinghouseRefusal.Conflict("key-rotation-reused-key", "Key used before",
                "The new key is one this license server used before: a rotation needs a key never used. Reactivate again from the license server.");
        if (!await s.TryUseNonceAsync("rotation-" + rotation.Nonce, productId, "KeyRotation", now))
            throw ClearinghouseRefusal.Conflict("proof-replayed", "Request already used",
                "This key rotation was used before; each is good once. Reactivate again from the license server.");
        await s.RecordServerKeyAsync(productId, rotation.PublicKey, fingerprint, installationId, now, reason);
    }

    public Task<ActivationRecord> DeactivateAsync(DeactivationRequestBody body, ServerProof proof, CancellationToken cancellationToken)
    {
        var productId = RequestFields.ProductId(body.ProductId);
        if (string.IsNullOrWhiteSpace(body.LicenseServerId))
            throw ClearinghouseRefusal.Invalid("licenseServerId", "The License Server ID is required to deactivate: give the one the license server shows now.");
        if (RequestFields.Text(body.FirstName, "firstName", "First name") is null)
            throw ClearinghouseRefusal.MissingInformation("firstName", "First name is required to deactivate");
        if (RequestFields.Text(body.LastName, "lastName", "Last name") is null)
            throw ClearinghouseRefusal.MissingInformation("lastName", "Last name is required to deactivate");

        return store.WriteAsync(async s =>
        {
            await proof.RequireAsync(s, productId, ServerRequestPurpose.Deactivate, clock.GetUtcNow());
            var active = await s.ActiveActivationAsync(productId)
                ?? throw ClearinghouseRefusal.Conflict("not-activated", "Not activated", $"License server {productId} is not activated: there is nothing to deactivate.");
            if (GroupedCode.Normalize(active.LicenseServerId) != GroupedCode.Normalize(body.LicenseServerId))
                throw ClearinghouseRefusal.Unprocessable("license-server-id-mismatch", "License Server ID does not match",
                    $"The License Server ID is not the current one of license server {productId}: give the License Server ID the license server shows now.",
                    "licenseServerId");
            await s.DeactivateAsync(active.Id);
            return active with { Status = ActivationStatus.Deactivated };
        }, cancellationToken);
    }
}
