namespace RdLicensing.Core.Protocol;

/// <summary>
/// A security event of the clearinghouse (GET /api/admin/security-events), all in one list, newest first: a refused attempt to
/// act for a license server without its proof (kind = the refusal's problem type: proof-required, proof-invalid,
/// proof-product-mismatch, proof-not-recognized, proof-key-retired, proof-replayed, clone-detected, installation-retired,
/// key-rotation-not-proven, nothing-released, purchase-proof-required, purchase-not-proven, release-for-another-server…), or a
/// client address or Product ID locked out after too many unrecognized identifiers (unrecognized-identifiers-address,
/// unrecognized-identifiers-product).
/// </summary>
/// <param name="Route">The request: method and path, e.g. "POST /api/licenses" or "POST /migrate".</param>
/// <param name="InstallationId">The installation (database) that signed the refused request, when it was signed.</param>
public sealed record SecurityEventView(long Id, DateTimeOffset OccurredAt, string Kind, string? ClientAddress, string? ProductId, string Route, string Detail,
    string? InstallationId = null);
