namespace RdLicensing.Core.Protocol;

/// <summary>
/// A security event of the clearinghouse (GET /api/admin/security-events): a client address or a Product ID locked out
/// after too many unrecognized identifiers. Kind: unrecognized-identifiers-address or unrecognized-identifiers-product.
/// </summary>
public sealed record SecurityEventView(long Id, DateTimeOffset OccurredAt, string Kind, string? ClientAddress, string? ProductId, string Route, string Detail);
