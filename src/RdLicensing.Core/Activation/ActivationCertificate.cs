namespace RdLicensing.Core.Activation;

/// <summary>
/// A verified activation: the clearinghouse bound this server's Product ID to <see cref="LicenseServerId"/>
/// (the signed code itself) until <see cref="ExpiresAt"/> — the limited-use certificate of the original.
/// Read it from a code with <see cref="Codes.LicenseServerIdCode.Verify"/>.
/// </summary>
public sealed record ActivationCertificate(
    string LicenseServerProductId,
    string LicenseServerId,
    uint Serial,
    DateTimeOffset IssuedAt,
    DateTimeOffset ExpiresAt);
