namespace RdLicensing.Core.Protocol;

// The clearinghouse's JSON wire format (RdLicensing.Clearinghouse), used by license servers (automatic
// connection method), by `rdlic clearinghouse …` and by tests. Versions, CAL types and programs travel
// as short names: "2022", "per-device", "retail" | "open" | "select" | "enterprise" | "campus" | "school" | "spla" | "other".

/// <summary>
/// Company information of a license server. Required for activation: FirstName, LastName, Company,
/// CountryRegion. Reactivation and deactivation need only FirstName and LastName.
/// </summary>
public sealed record CompanyInformation(
    string? FirstName,
    string? LastName,
    string? Company,
    string? CountryRegion,
    string? Email = null,
    string? OrganizationalUnit = null,
    string? Address = null,
    string? City = null,
    string? StateProvince = null,
    string? PostalCode = null);

/// <summary>
/// POST /api/activations — activate (or reactivate, with <see cref="Reason"/>) a license server.
/// Method: "automatic" | "web" | "telephone" (recorded). Reason (reactivation only): "redeployed" |
/// "certificate-corrupt" | "key-compromised" | "expired" | "upgraded".
/// </summary>
/// <remarks>
/// A reactivation that rotates the key (reasons key-compromised, certificate-corrupt) carries <see cref="NewKey"/>: the request
/// itself is signed by the old key (RdLicensing-Proof), the new key signs <see cref="Core.Proof.KeyRotationProof"/>.
/// </remarks>
public sealed record ActivationRequestBody(string? ProductId, string? Method, CompanyInformation? Company, string? Reason = null, NewKeyBody? NewKey = null);

/// <summary>
/// POST /api/admin/servers/{productId}/keys (vendor operator): a new key for a server whose old key cannot sign the rotation,
/// with the new key's proof and one purchase identifier installed on that server (retail code; Open License number with its
/// authorization number; or agreement number).
/// </summary>
public sealed record VendorKeyBody(NewKeyBody? NewKey, string? Reason = null, string? RetailCode = null, string? OpenLicenseNumber = null,
    string? AuthorizationNumber = null, string? AgreementNumber = null);

/// <summary>The key the vendor operator recorded, and the one it retired.</summary>
public sealed record ServerKeyView(string ProductId, string Fingerprint, string RetiredFingerprint, string Reason, DateTimeOffset RecordedAt);

/// <summary>GET /api/admin/servers/{productId}/keys: every identity key the clearinghouse recorded for a license server, newest first.</summary>
/// <param name="InstallationId">The installation (database) that last proved the key, when known.</param>
public sealed record ServerKeyRecordView(string ProductId, string Fingerprint, string? InstallationId, DateTimeOffset RecordedAt, DateTimeOffset? RetiredAt,
    string? RetiredReason);

/// <summary>The new identity key of a rotation: SubjectPublicKeyInfo (base64), a nonce, and the new key's signature (base64) over them.</summary>
public sealed record NewKeyBody(string? PublicKey, string? Nonce, string? Signature);

/// <summary>The License Server ID is the signed code the license server installs (LicenseServerIdCode).</summary>
public sealed record ActivationResponse(string ProductId, string LicenseServerId, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt);

/// <summary>POST /api/activations/deactivate — the current License Server ID proves the caller holds it.</summary>
public sealed record DeactivationRequestBody(string? ProductId, string? LicenseServerId, string? FirstName, string? LastName);

/// <summary>
/// POST /api/licenses — Install Licenses. Identifiers by program: retail → LicenseCode; open →
/// LicenseNumber + AuthorizationNumber; select/enterprise/campus/school/spla/other → AgreementNumber +
/// Version + CalType + Quantity. ServerVersion is the license server's own version: the clearinghouse
/// refuses CALs it could not host, before using up a code or an entitlement.
/// </summary>
public sealed record LicenseInstallRequestBody(
    string? ProductId,
    string? LicenseServerId,
    string? ServerVersion,
    string? Program,
    string? LicenseCode = null,
    string? LicenseNumber = null,
    string? AuthorizationNumber = null,
    string? AgreementNumber = null,
    string? Version = null,
    string? CalType = null,
    int? Quantity = null);

/// <summary>
/// A key pack granted to one license server: the signed key pack file (automatic install) and the same
/// grant as a license key pack ID code (web and telephone installs, and for support).
/// </summary>
public sealed record GrantedKeyPack(Guid KeyPackId, string Program, string Version, string CalType, int Quantity,
    DateTimeOffset? ExpiresAt, string KeyPackFile, string KeyPackIdCode);

/// <summary>POST /api/reissue — after a database rebuild: every key pack the clearinghouse recorded for this server, signed again.</summary>
public sealed record ReissueRequestBody(string? ProductId, string? LicenseServerId);

public sealed record ReissueResponse(IReadOnlyList<GrantedKeyPack> KeyPacks);

/// <summary>
/// POST /api/migrations — MigrateIn, signed by the target (header RdLicensing-Proof): the clearinghouse credits it with
/// <list type="bullet">
/// <item>a running source (<see cref="SourceProductId"/>, no purchase proofs): exactly the key packs that source released to
/// this target by its own signed release (POST /api/migrations/release), nothing more;</item>
/// <item>a source that no longer functions (<see cref="SourceLicenseServerId"/> or <see cref="SourceProductId"/>, with
/// <see cref="SourceNoLongerFunctioning"/> and <see cref="PurchaseProofs"/>): only the source's packs whose original purchase
/// identifiers are proven; the source is refused for them afterwards.</item>
/// </list>
/// KeyPackIds limits the move; null takes everything released (live) or everything proven (dead).
/// </summary>
public sealed record MigrationRequestBody(
    string? TargetProductId,
    string? TargetLicenseServerId,
    string? TargetServerVersion,
    string? SourceProductId,
    string? SourceLicenseServerId,
    IReadOnlyList<Guid>? KeyPackIds,
    bool SourceNoLongerFunctioning,
    IReadOnlyList<PurchaseProof>? PurchaseProofs = null);

/// <summary>
/// The original purchase identifiers of licenses, as Microsoft's Manage Licenses wizard asks them: retail → LicenseCode;
/// open → LicenseNumber + AuthorizationNumber; agreements (select, enterprise, campus, school, spla, other) → AgreementNumber +
/// Version + CalType.
/// </summary>
public sealed record PurchaseProof(
    string? Program,
    string? LicenseCode = null,
    string? LicenseNumber = null,
    string? AuthorizationNumber = null,
    string? AgreementNumber = null,
    string? Version = null,
    string? CalType = null);

/// <summary>
/// POST /api/migrations/release — MigrateOut, signed by the source (header RdLicensing-Proof): the source gives up these key
/// packs for <see cref="TargetProductId"/>, which alone can then claim them. The source has already removed them locally.
/// </summary>
public sealed record MigrationReleaseRequestBody(string? ProductId, string? TargetProductId, IReadOnlyList<Guid>? KeyPackIds);

public sealed record MigrationReleaseResponse(IReadOnlyList<Guid> Released, string TargetProductId, string Message);

/// <summary>
/// The ProblemDetails <c>type</c> slug of the refusal a license server gets at its next contact after a migration for a
/// source that no longer functions took its key packs; the extensions name them (<c>keyPackIds</c>), the target
/// (<c>targetProductId</c>) and the date (<c>migratedAt</c>).
/// </summary>
public static class MigrationProblems
{
    public const string MigratedAway = "key-packs-migrated-away";
}

public sealed record MigrationResponse(IReadOnlyList<GrantedKeyPack> KeyPacks, string Message);

// Vendor administration (clearinghouse admin token).

/// <summary>POST /api/admin/codes — retail license codes, each for one version, CAL type and quantity, usable once.</summary>
public sealed record RetailCodesRequest(string? Version, string? CalType, int? Quantity, int? Count);

public sealed record RetailCodeView(string Code, string Version, string CalType, int Quantity, string? UsedByProductId, DateTimeOffset? UsedAt);

/// <summary>POST /api/admin/open-licenses — an Open License (license number + authorization number) with its grant.</summary>
public sealed record OpenLicenseRequest(string? LicenseNumber, string? AuthorizationNumber, string? Version, string? CalType, int? Quantity);

public sealed record OpenLicenseView(string LicenseNumber, string AuthorizationNumber, string Version, string CalType, int Quantity, string? UsedByProductId);

public sealed record EntitlementBody(string? Version, string? CalType, int? Quantity);

/// <summary>POST /api/admin/agreements — a 7-digit agreement (generated when Number is null) with its entitlements.</summary>
public sealed record AgreementRequest(string? Program, string? Number, IReadOnlyList<EntitlementBody>? Entitlements);

public sealed record EntitlementView(string Version, string CalType, int Quantity, int Drawn, int Remaining);

public sealed record AgreementView(string Program, string Number, IReadOnlyList<EntitlementView> Entitlements);

public sealed record ActivationRecordView(string ProductId, string LicenseServerId, string Method, string Status, CompanyInformation Company,
    DateTimeOffset ActivatedAt, DateTimeOffset ExpiresAt, string? Reason);

public sealed record InstallRecordView(Guid KeyPackId, string ProductId, string Program, string Identifier, string Version, string CalType,
    int Quantity, string Status, DateTimeOffset InstalledAt);

/// <summary>
/// POST /api/conversions — Convert Licenses (Windows Server 2012 and later): <see cref="Quantity"/> unissued licenses of a
/// key pack the clearinghouse granted to this license server become licenses of the other CAL type, same version. The
/// license server proves who it is with its License Server ID, like every grant; it has already checked that the
/// licenses are not issued.
/// </summary>
public sealed record ConversionRequestBody(string? ProductId, string? LicenseServerId, Guid? KeyPackId, int? Quantity);

/// <summary>
/// What the clearinghouse recorded and signed: <see cref="Remaining"/> is the source pack signed again (same id) with its
/// total reduced by <see cref="Quantity"/> — null when the whole pack was converted — and <see cref="Converted"/> a new
/// pack of <see cref="ToCalType"/> for <see cref="Quantity"/> licenses. A later reissue returns exactly these.
/// </summary>
public sealed record ConversionResponse(Guid SourceKeyPackId, string FromCalType, string ToCalType, int Quantity,
    GrantedKeyPack? Remaining, GrantedKeyPack Converted, string Message);

/// <summary>GET /api/admin/migrations — key packs moved between license servers (vendor administration). Refused attempts are security events.</summary>
public sealed record MigrationRecordView(Guid SourceKeyPackId, string Kind, string SourceProductId, string TargetProductId, int Quantity,
    DateTimeOffset RecordedAt, Guid? NewKeyPackId, DateTimeOffset? ClaimedAt, DateTimeOffset? SourceToldAt);

/// <summary>GET /api/admin/conversions — one Convert Licenses the clearinghouse recorded (vendor administration).</summary>
public sealed record ConversionRecordView(Guid SourceKeyPackId, Guid ConvertedKeyPackId, string ProductId, string Version, string FromCalType,
    string ToCalType, int Quantity, int SourceQuantityBefore, DateTimeOffset ConvertedAt);
