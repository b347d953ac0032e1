using RdLicensing.Core.Codes;
using RdLicensing.Core.Proof;
using RdLicensing.Core.Protocol;
using RdLicensing.Storage;

namespace RdLicensing.Clearinghouse.Granting;

/// <summary>What a web or telephone deactivation answers: the clearinghouse's record and the confirmation code for the server.</summary>
public sealed record DeactivationAnswer(string ProductId, string ConfirmationCode, DateTimeOffset DeactivatedAt);

/// <summary>
/// The web and telephone methods of activation, reactivation and deactivation: the administrator carries the request code
/// the license server made and signed (<see cref="ServerRequestCode"/>). Its signature is checked against the key the
/// clearinghouse holds for the Product ID, and its nonce used, in the same transaction as the change — so a Product ID alone
/// acts for nobody, and each request code is good once.
/// </summary>
public sealed partial class ActivationService
{
    /// <summary>
    /// Reasons whose reactivation replaces the server's key. The new key must be recorded by a request signed with the old one
    /// (the automatic method) or through the vendor's key-compromise procedure: a request code signed by a key that may be
    /// compromised cannot replace it.
    /// </summary>
    public static IReadOnlySet<string> KeyRotatingReasons { get; } = new HashSet<string>(StringComparer.Ordinal) { "certificate-corrupt", "key-compromised" };

    public static string KeyRotationAdvice(string reason) =>
        $"A reactivation because {Reasons[reason].ToLowerInvariant()} gives the license server a new key, which a web or telephone request code cannot prove: " +
        $"reactivate on the license server with the automatic method (rdlic server reactivate --reason {reason} --method automatic), " +
        "or, if it cannot reach the clearinghouse, call the vendor's operator for the key-compromise procedure.";

    /// <summary>Activation (request code for Activate) or reactivation (request code for Reactivate, with a reason) by web or telephone.</summary>
    public Task<ActivationResponse> ActivateWithCodeAsync(string? requestCode, CompanyInformation? given, string? reasonText, string method,
        CancellationToken cancellationToken)
    {
        var code = ServerKeyCheck.ReadCode(requestCode);
        if (code.Purpose is not (ServerRequestPurpose.Activate or ServerRequestPurpose.Reactivate))
            throw ClearinghouseRefusal.Unprocessable("request-code-purpose", "Request code for something else",
                $"This request code was made to {ServerKeyCheck.Describe(code.Purpose)}, not to activate: on the license server, create the request code for an activation " +
                "(rdlic server activate --method web) or a reactivation (rdlic server reactivate --reason … --method web).", "requestCode");
        var reason = string.IsNullOrWhiteSpace(reasonText) ? null : reasonText.Trim().ToLowerInvariant();
        if (reason is not null && !Reasons.ContainsKey(reason))
            throw ClearinghouseRefusal.Invalid("reason", $"The reactivation reason must be one of {string.Join(", ", Reasons.Keys)}.");
        if (code.Purpose == ServerRequestPurpose.Reactivate && reason is null)
            throw ClearinghouseRefusal.Invalid("reason", "This request code is for a reactivation: choose the reason (the one chosen on the license server).");
        if (code.Purpose == ServerRequestPurpose.Activate && reason is not null)
            throw ClearinghouseRefusal.Invalid("reason", "This request code is for an activation, not a reactivation: leave the reason empty, or create a reactivation request code on the license server.");
        if (reason is not null && KeyRotatingReasons.Contains(reason))
            throw ClearinghouseRefusal.Unprocessable("reactivation-needs-new-key", "Reactivation replaces the key", KeyRotationAdvice(reason), "reason");
        var company = CompanyFields.Read(given, reactivation: reason is not null);

        return store.WriteAsync(async s =>
        {
            var now = clock.GetUtcNow();
            await ServerKeyCheck.RequireCodeAsync(s, code, code.Purpose, now);
            var productId = code.ProductId;
            if (reason is not null)
            {
                // Only a server the clearinghouse activated can be reactivated; the names are all a reactivation asks for.
                var previous = await s.LatestActivationAsync(productId)
                    ?? throw ClearinghouseRefusal.Conflict("not-activated", "Not activated",
                        $"License server {productId} was never activated with this clearinghouse, so it cannot be reactivated: activate it (rdlic server activate --method web).");
                company = CompanyFields.FillFrom(company, previous.Company);
            }
            return await IssueActivationAsync(s, productId, method, company, reason, now);
        }, cancellationToken);
    }

    /// <summary>
    /// Deactivation by web or telephone: the request code for Deactivate marks the server's activation deactivated here and
    /// is answered with a confirmation code, which the license server needs to deactivate itself. A server already
    /// deactivated here (its first confirmation code lost) gets a confirmation again for its new request code.
    /// </summary>
    public Task<DeactivationAnswer> DeactivateWithCodeAsync(string? requestCode, string? firstName, string? lastName, CancellationToken cancellationToken)
    {
        var code = ServerKeyCheck.ReadCode(requestCode);
        if (RequestFields.Text(firstName, "firstName", "First name") is null)
            throw ClearinghouseRefusal.MissingInformation("firstName", "First name is required to deactivate");
        if (RequestFields.Text(lastName, "lastName", "Last name") is null)
            throw ClearinghouseRefusal.MissingInformation("lastName", "Last name is required to deactivate");

        return store.WriteAsync(async s =>
        {
            var now = clock.GetUtcNow();
            await ServerKeyCheck.RequireCodeAsync(s, code, ServerRequestPurpose.Deactivate, now);
            var productId = code.ProductId;
            if (await s.ActiveActivationAsync(productId) is { } active) await s.DeactivateAsync(active.Id);
            else if (await s.LatestActivationAsync(productId) is null)
                throw ClearinghouseRefusal.Conflict("not-activated", "Not activated",
                    $"License server {productId} was never activated with this clearinghouse: there is nothing to deactivate.");
            return new DeactivationAnswer(productId, DeactivationConfirmationCode.Issue(keys.Authority, productId, code.Nonce, now), now);
        }, cancellationToken);
    }
}
