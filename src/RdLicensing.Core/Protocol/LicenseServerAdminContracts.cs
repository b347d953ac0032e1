namespace RdLicensing.Core.Protocol;

// The license server's administration calls for activation, Install Licenses and recovery, shared by the
// server and `rdlic`. Connection methods travel as "automatic" | "web" | "telephone".

/// <summary>GET/PUT /api/admin/properties — the Properties dialog: connection method, telephone country, company information.</summary>
public sealed record PropertiesView(
    string ConnectionMethod,
    string? CountryRegion,
    string? TelephoneNumber,
    CompanyInformation Company,
    string? ClearinghouseUrl);

/// <summary>CountryRegion is where the telephone method calls (defaults to the company's country).</summary>
public sealed record PropertiesBody(string? ConnectionMethod, string? CountryRegion, CompanyInformation? Company);

/// <summary>POST /api/admin/activation/automatic — the company information is saved as the properties, then sent.</summary>
public sealed record AutomaticActivationBody(CompanyInformation? Company);

/// <summary>
/// GET /api/admin/activation/instructions — what the administrator needs for the web or telephone method:
/// the request code to carry (made and signed by this server; it names the server and proves the request is its own),
/// the clearinghouse page or telephone number, and the command that finishes.
/// </summary>
public sealed record ActivationInstructionsView(
    string ProductId,
    string Method,
    string? PageUrl,
    string? CountryRegion,
    string? TelephoneNumber,
    string NextStep,
    string? RequestCode = null);

/// <summary>
/// POST /api/admin/request-codes — a request code for the web or telephone method. Purpose: "activate" | "reactivate" |
/// "install" | "deactivate" (also "reissue", "migrate-in", "migrate-out", "convert"); Method: "web" | "telephone" (default:
/// the properties'); CountryRegion for the telephone.
/// </summary>
public sealed record RequestCodeBody(string? Purpose, string? Method = null, string? CountryRegion = null);

/// <summary>A request code and where to carry it: the clearinghouse page (web) or telephone number, and what to do with the answer.</summary>
public sealed record RequestCodeView(
    string ProductId,
    string Purpose,
    string RequestCode,
    string Method,
    string? PageUrl,
    string? CountryRegion,
    string? TelephoneNumber,
    DateTimeOffset ValidUntil,
    string NextStep);

/// <summary>
/// POST /api/admin/activation/reactivate — Reason: "redeployed" | "certificate-corrupt" | "key-compromised" |
/// "expired" | "upgraded". Only the first and last name are needed; Method defaults to the properties'.
/// </summary>
public sealed record ReactivationBody(string? Reason, string? Method, string? FirstName, string? LastName, string? CountryRegion = null);

/// <summary>
/// POST /api/admin/activation/deactivate — the server returns to not activated (no permanent Per Device CALs) until it is reactivated. Web and telephone:
/// without ConfirmationCode the answer carries the request code to take to the clearinghouse and nothing changes yet; with
/// the confirmation code the clearinghouse gave for it, the server deactivates.
/// </summary>
public sealed record DeactivationBody(string? Method, string? FirstName, string? LastName, string? CountryRegion = null, string? ConfirmationCode = null);

/// <summary>
/// The result of activate/reactivate/deactivate: the activation now, and — for the web and telephone
/// methods — what the administrator does next.
/// </summary>
public sealed record ActivationChangeResponse(ActivationView Activation, ActivationInstructionsView? Instructions, string Message);

/// <summary>
/// GET/POST/DELETE /api/admin/identity/new-key — a new identity key prepared for the vendor's key-compromise procedure:
/// <see cref="Proof"/> is what the vendor's operator records (rdlic clearinghouse keys record --new-key FILE). The key signs
/// nothing until a reactivation for reason key-compromised or certificate-corrupt adopts it. <see cref="Created"/> is false
/// when the key prepared before was returned again.
/// </summary>
public sealed record PendingKeyView(string ProductId, string Fingerprint, string ReplacesFingerprint, DateTimeOffset CreatedAt, NewKeyBody Proof, bool Created);

/// <summary>POST /api/admin/identity/new-key: <see cref="Replace"/> makes a new key even when one is pending.</summary>
public sealed record NewKeyRequestBody(bool Replace = false);

/// <summary>
/// POST /api/admin/licenses — Install Licenses through the clearinghouse. Identifiers by program as in
/// <see cref="LicenseInstallRequestBody"/>; the server adds its Product ID, License Server ID and version.
/// </summary>
public sealed record LicenseInstallBody(
    string? Program,
    string? LicenseCode = null,
    string? LicenseNumber = null,
    string? AuthorizationNumber = null,
    string? AgreementNumber = null,
    string? Version = null,
    string? CalType = null,
    int? Quantity = null);

/// <summary>The installed pack and its license key pack ID (keep it for support).</summary>
public sealed record LicenseInstallResponse(KeyPackView KeyPack, string? KeyPackIdCode, string Message);

/// <summary>POST /api/admin/keypacks/code — the license key pack ID of a web or telephone install.</summary>
public sealed record KeyPackIdCodeBody(string? KeyPackId);

/// <summary>
/// POST /api/admin/licenses/release — on a running source: remove these key packs (all when KeyPackIds is null) and their
/// issued CALs in one transaction, and sign their release to the clearinghouse for <see cref="TargetProductId"/>. When the
/// clearinghouse refuses or cannot be reached, the packs are put back (their licenses all available again).
/// </summary>
/// <param name="Method">Empty or automatic: the release is signed to the clearinghouse now. web or telephone: the packs are removed and a
/// release code (signed, listing them and the target) is answered, for the administrator to carry to the clearinghouse's migration page or operator.</param>
public sealed record KeyPackReleaseBody(string? TargetProductId, IReadOnlyList<Guid>? KeyPackIds, string? Method = null, string? CountryRegion = null);

/// <param name="ReleaseCode">web or telephone: the release code, with where to take it (<paramref name="PageUrl"/> or the telephone number).</param>
public sealed record KeyPackReleaseResponse(IReadOnlyList<KeyPackView> Released, int RemovedCals, string TargetProductId, string Message,
    string? ReleaseCode = null, string? PageUrl = null, string? CountryRegion = null, string? TelephoneNumber = null);

/// <summary>
/// POST /api/admin/licenses/migrate — move CALs from another license server to this one. The source is one of:
/// a running server (SourceUrl + SourceToken: the source releases the packs itself, signed, then this server claims them);
/// a server that no longer works (SourceLicenseServerId + SourceVersion + ConfirmRemoved + PurchaseProofs: the original
/// purchase identifiers of the packs to move); or a source that already released packs to this server (SourceProductId, to
/// finish an interrupted migration). KeyPackIds limits the move.
/// </summary>
public sealed record MigrationBody(
    string? SourceUrl = null,
    string? SourceToken = null,
    string? SourceLicenseServerId = null,
    string? SourceVersion = null,
    bool? ConfirmRemoved = null,
    string? SourceProductId = null,
    IReadOnlyList<Guid>? KeyPackIds = null,
    IReadOnlyList<PurchaseProof>? PurchaseProofs = null);

public sealed record MigrationResult(string? SourceProductId, IReadOnlyList<Guid> RemovedFromSource, IReadOnlyList<KeyPackView> Installed, string Message);

/// <summary>POST /api/admin/database/rebuild — Confirm must be exactly <c>delete every installed CAL</c>.</summary>
public sealed record RebuildBody(string? Confirm);

/// <summary>What was deleted, and what the clearinghouse reissued and was installed again (ReissueProblem when it could not).</summary>
public sealed record RebuildResponse(int DeletedKeyPacks, int DeletedCals, IReadOnlyList<KeyPackView> Reinstalled, string? ReissueProblem, string Message);

/// <summary>
/// POST /api/admin/keypacks/{id}/convert — Convert Licenses: <see cref="Quantity"/> unissued licenses of the pack become
/// licenses of the other CAL type (Per Device ↔ Per User), same version, through the clearinghouse. Windows Server 2012
/// and later packs only; issued licenses cannot be converted.
/// </summary>
public sealed record KeyPackConversionBody(int? Quantity);

/// <summary>
/// The two packs after the conversion: <see cref="Source"/> with its total reduced (null when the whole pack was
/// converted, so it no longer exists) and the new <see cref="Converted"/> pack of the other type.
/// </summary>
public sealed record KeyPackConversionResponse(KeyPackView? Source, KeyPackView Converted, int Quantity, string Message);

/// <summary>An alert that is raised (GET /api/admin/alerts): kind "pool-low", "pool-exhausted", "overused", "grace-ending", "grace-ended", "host-unreachable", "activation-expiring" or "activation-ended".</summary>
public sealed record AlertView(string Key, string Kind, string Severity, string Message, string? Type, string? Version, string? Host, DateTimeOffset RaisedAt);

/// <summary>The alert settings. Secrets are never returned: <see cref="SmtpPasswordSet"/> and <see cref="WebhookSecretSet"/> say whether one is stored.</summary>
public sealed record AlertConfigView(int LowAvailable, int LowPercent, int GraceDays, int ActivationDays,
    string? SmtpHost, int SmtpPort, bool SmtpTls, string? SmtpFrom, IReadOnlyList<string> SmtpTo, string? SmtpUser, bool SmtpPasswordSet,
    IReadOnlyList<string> Webhooks, bool WebhookSecretSet);

/// <summary>
/// A change of the alert settings: every field left null keeps its value. An empty string clears a text setting (SmtpHost,
/// SmtpFrom, SmtpUser, SmtpPassword, WebhookSecret); an empty list clears SmtpTo or Webhooks.
/// </summary>
public sealed record AlertConfigUpdate(int? LowAvailable = null, int? LowPercent = null, int? GraceDays = null, int? ActivationDays = null,
    string? SmtpHost = null, int? SmtpPort = null, bool? SmtpTls = null, string? SmtpFrom = null, IReadOnlyList<string>? SmtpTo = null,
    string? SmtpUser = null, string? SmtpPassword = null, IReadOnlyList<string>? Webhooks = null, string? WebhookSecret = null);

/// <summary>What a test notification to one channel did: channel "smtp" or "webhook", its target, and the error when it failed.</summary>
public sealed record AlertTestResult(string Channel, string Target, bool Delivered, string? Error);
