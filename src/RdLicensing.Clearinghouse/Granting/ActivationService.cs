using Microsoft.Extensions.Options;
using RdLicensing.Clearinghouse.Hosting;
using RdLicensing.Core.Codes;
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

    public Task<ActivationResponse> ActivateAsync(ActivationRequestBody body, CancellationToken cancellationToken)
    {
        var productId = RequestFields.ProductId(body.ProductId);
        var method = (body.Method ?? "").Trim().ToLowerInvariant();
        if (!Methods.Contains(method))
            throw ClearinghouseRefusal.Invalid("method", $"The connection method must be one of {string.Join(", ", Methods)}.");
        var reason = string.IsNullOrWhiteSpace(body.Reason) ? null : body.Reason.Trim().ToLowerInvariant();
        if (reason is not null && !Reasons.ContainsKey(reason))
            throw ClearinghouseRefusal.Invalid("reason", $"The reactivation reason must be one of {string.Join(", ", Reasons.Keys)}.");
        var company = CompanyFields.Read(body.Company, reactivation: reason is not null);

        return store.WriteAsync(async s =>
        {
            var now = clock.GetUtcNow();
            // A reactivation needs only the names; it keeps the rest of what the server gave last time.
            if (reason is not null && await s.LatestActivationAsync(productId) is { } previous)
                company = CompanyFields.FillFrom(company, previous.Company);
            await s.SupersedeActivationsAsync(productId);
            var serial = await s.NextActivationSerialAsync();
            var expiresAt = now + options.Value.LicenseServerIdValidity;
            var code = LicenseServerIdCode.Issue(keys.Authority, productId, serial, now, expiresAt);
            await s.InsertActivationAsync(new ActivationRecord(0, productId, code, serial, method, ActivationStatus.Active, company, reason, now, expiresAt));
            return new ActivationResponse(productId, code, now, expiresAt);
        }, cancellationToken);
    }

    public Task<ActivationRecord> DeactivateAsync(DeactivationRequestBody body, CancellationToken cancellationToken)
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
