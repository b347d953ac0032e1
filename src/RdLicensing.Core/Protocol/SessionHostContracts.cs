namespace RdLicensing.Core.Protocol;

// What session hosts exchange: with their license servers (what the host learns from them) and with
// clients and administrators (the session host's own API). Modes travel as "per-device" | "per-user" |
// "not-configured"; sources of a setting as "policy" | "local" | "default".

// ---- License server → session host ------------------------------------------------------------------

/// <summary>GET /api/sessionhost/license-server: who the license server is and the key that signs its CAL tokens.</summary>
/// <param name="PublicKey">The P-256 public key as DER SubjectPublicKeyInfo, base64.</param>
/// <remarks>
/// <see cref="RetiredKeys"/>: the keys this server signed with before (rotations), with when and why they were retired. A
/// host stops accepting offline a CAL signed by a retired key and sends it to the license server, which signs it again.
/// </remarks>
/// <summary>POST /api/sessionhost/endpoint-certificate: the RDP endpoint's RSA licensing key (DER SubjectPublicKeyInfo, base64).</summary>
public sealed record EndpointCertificateBody(string? PublicKey);

/// <summary>The license server's certificate and the endpoint's (base64 DER, root first) and when the endpoint's ends.</summary>
public sealed record EndpointCertificateView(string ProductId, IReadOnlyList<string> Chain, DateTimeOffset ExpiresAt);

public sealed record LicenseServerInfoView(string ProductId, string Version, string PublicKey, IReadOnlyList<RetiredKeyView>? RetiredKeys = null);

/// <summary>A key a license server no longer signs with: SubjectPublicKeyInfo (base64), retirement date and reason.</summary>
public sealed record RetiredKeyView(string PublicKey, DateTimeOffset RetiredAt, string Reason);

/// <summary>
/// GET /api/sessionhost/diagnostics: what the Licensing Diagnoser needs from one license server. Answered to
/// any enrolled session host, including one outside the security group (it says so in <see cref="HostInSecurityGroup"/>).
/// </summary>
public sealed record LicenseServerDiagnosticsView(
    string ProductId,
    string Version,
    DateTimeOffset Now,
    ActivationView Activation,
    IReadOnlyList<DiagnosticsPoolView> Pools,
    TemporaryCalsExpiringView TemporaryCalsExpiring,
    PoliciesView Policies,
    string HostName,
    bool HostInSecurityGroup);

/// <summary>Installed CALs of one type and version (key packs that have not expired).</summary>
public sealed record DiagnosticsPoolView(string Type, string Version, int Total, int Issued, int Available);

/// <summary>Temporary Per Device CALs that end within <see cref="Days"/> days: the clients that will be refused then unless CALs are installed.</summary>
public sealed record TemporaryCalsExpiringView(int Days, int Count, DateTimeOffset? First, IReadOnlyList<ExpiringCalView> Cals);

public sealed record ExpiringCalView(string ClientName, DateTimeOffset ExpiresAt, bool Validated);

// ---- Session host API ----------------------------------------------------------------------------------

/// <summary>An effective setting and where it comes from: "policy" (policy.json), "local" or "default".</summary>
public sealed record ConfiguredValue(string Value, string Source);

public sealed record ConfiguredList(IReadOnlyList<string> Value, string Source);

/// <summary>GET /api/config.</summary>
public sealed record SessionHostConfigView(
    ConfiguredValue Mode,
    ConfiguredList LicenseServers,
    ConfiguredValue Version,
    string PolicyFile,
    bool PolicyFileExists,
    IReadOnlyList<string> PolicyProblems,
    ConfiguredList? Administrators = null);

/// <summary>PUT /api/config: the local settings to change (null leaves one as it is; an empty server list clears it).</summary>
/// <param name="Administrators">The users who may open an administrative session without a CAL (empty clears the list).</param>
public sealed record SessionHostConfigUpdate(string? Mode, IReadOnlyList<string>? LicenseServers, string? Version, IReadOnlyList<string>? Administrators = null);

public sealed record SessionHostConfigChange(SessionHostConfigView Config, IReadOnlyList<string> Warnings);

/// <summary>POST /api/enrollments: the token `rdlic hosts enroll NAME` printed on that license server.</summary>
public sealed record HostEnrollmentBody(string? LicenseServer, string? Token);

/// <summary>An enrollment; never carries the token back.</summary>
/// <param name="PublicKey">The server's current CAL signing key as this host learned it (SubjectPublicKeyInfo, base64), when known.</param>
/// <param name="RetiredKeys">The keys the server told this host it retired: CALs they signed are not accepted by the host alone.</param>
public sealed record HostEnrollmentView(string LicenseServer, DateTimeOffset EnrolledAt, string? ProductId, string Message, string? PublicKey = null,
    IReadOnlyList<RetiredKeyView>? RetiredKeys = null);

/// <summary>The licensing grace period: State "not-started" | "active" | "expired"; DaysLeft 0 when over.</summary>
public sealed record GraceView(string State, DateTimeOffset? StartedAt, DateTimeOffset? EndsAt, int DaysLeft);

/// <summary>
/// POST /api/connections: a client connects. PresentedLicense is the CAL token (base64) the device stored;
/// Administrative asks for one of the two administrative connections that need no CAL.
/// </summary>
public sealed record ConnectBody(string? HardwareId, string? ClientName, string? UserName, string? PresentedLicense, bool? Administrative);

/// <summary>
/// The decision on one connection. Outcome: "licensed" | "grace" | "administrative" | "refused". License is a
/// CAL token the client must store (only when it changed). SessionId names the open session when allowed.
/// </summary>
public sealed record ConnectionView(
    string Outcome,
    bool Allowed,
    string Message,
    string? SessionId,
    string HostName,
    string Mode,
    string HostVersion,
    ClientCalView? Cal,
    string? License,
    string? LicenseServer,
    ConnectionRefusalView? Refusal,
    GraceView Grace,
    IReadOnlyList<string> Notes);

/// <summary>The CAL a connection was licensed with. Source: "presented" (checked by the host alone) or "license-server".</summary>
public sealed record ClientCalView(
    string Type,
    string Status,
    string Version,
    bool Temporary,
    bool Validated,
    bool OverUsed,
    DateTimeOffset ExpiresAt,
    string Source,
    string? LicenseServerProductId);

/// <summary>Code is the licensing error (e.g. "0x102") when the protocol has one; Reason a stable name.</summary>
public sealed record ConnectionRefusalView(string? Code, string Reason, string Message);

/// <summary>
/// A session: what the licensing decision recorded (UserName is the name the client claimed; AuthenticatedUser the account
/// the desktop behind the RDP endpoint authenticated, once it did), the CAL it holds ("administrative", "grace",
/// "temporary", "temporary, validated", "permanent"), and — while its RDP connection is open on this host (Live) — the
/// desktop it is relayed to and the bytes each way.
/// </summary>
public sealed record SessionView(
    string Id,
    bool Administrative,
    string ClientName,
    string? UserName,
    string Outcome,
    string? LicenseServer,
    bool SignedIn,
    DateTimeOffset StartedAt,
    DateTimeOffset LastActivityAt,
    DateTimeOffset? EndedAt,
    string? EndReason,
    string? AuthenticatedUser = null,
    string? HardwareId = null,
    string? Cal = null,
    bool Live = false,
    string? Desktop = null,
    long BytesFromClient = 0,
    long BytesToClient = 0);

/// <summary>POST /api/sessions/{id}/disconnect: the session as it ended, and whether an open connection was closed (both legs).</summary>
public sealed record SessionDisconnectView(SessionView Session, bool ConnectionClosed, string Message);

/// <summary>POST /api/sessions/{id}/sign-in: the user signed in; Reported says whether a license server was told (temporary CAL → validated).</summary>
public sealed record SessionSignInView(SessionView Session, bool Reported, bool Validated, string Message);

public sealed record SessionHostStatusView(
    string Name,
    ConfiguredValue Mode,
    ConfiguredList LicenseServers,
    ConfiguredValue Version,
    GraceView Grace,
    int AdministrativeSessionsOpen,
    int AdministrativeSessionLimit,
    int ClientSessionsOpen,
    IReadOnlyList<string> EnrolledWith,
    DateTimeOffset StoreCreatedAt,
    ClockView Clock,
    string Database,
    string PolicyFile,
    IReadOnlyList<string> Warnings,
    RdpEndpointView? Rdp = null);

/// <summary>The session host's RDP endpoint, when it runs one: where it listens and what its connections came to since it started.</summary>
public sealed record RdpEndpointView(string Address, string SecurityLayer, int Active, int NewLicenses, int UpgradedLicenses, int ValidClients, int Refused, int Failed);

public sealed record SessionHostEventView(long Sequence, DateTimeOffset At, int EventId, string Name, string Level, string Message,
    string? Device, string? User, string? LicenseServer);

// ---- Licensing Diagnoser -------------------------------------------------------------------------------

/// <summary>GET /api/diagnose: problems first (each with its cause and the steps that fix it), then what was found.</summary>
public sealed record DiagnosisView(
    string HostName,
    DateTimeOffset At,
    ConfiguredValue Mode,
    ConfiguredList LicenseServers,
    ConfiguredValue Version,
    GraceView Grace,
    IReadOnlyList<DiagnosisProblemView> Problems,
    IReadOnlyList<DiagnosedServerView> Servers,
    string Summary,
    IReadOnlyList<DiagnosedDesktopView>? Desktops = null);

/// <summary>One desktop behind the RDP endpoint (--desktop): State "ready", "unreachable", "not-rdp", "no-tls" or "tls-failed".</summary>
public sealed record DiagnosedDesktopView(string Desktop, string State, string Message);

/// <summary>Id is a stable slug ("license-server-not-available"); Severity "error" | "warning".</summary>
public sealed record DiagnosisProblemView(string Id, string Severity, string Message, string Cause, IReadOnlyList<string> Steps, string? LicenseServer);

/// <summary>
/// One license server as the host sees it. Connectivity: VALID, LOWER_VERSION, NOT_IN_TSCGROUP,
/// NOT_CONNECTABLE, ACCESS_DENIED (no or refused token), UNKNOWN.
/// </summary>
public sealed record DiagnosedServerView(string Url, string Connectivity, string Message, LicenseServerDiagnosticsView? Details);
