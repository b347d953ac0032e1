using RdLicensing.Core.Activation;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Identity;
using RdLicensing.Core.Signing;
using RdLicensing.Core.Versions;

namespace RdLicensing.LicenseServer.Hosting;

/// <summary>
/// What the license server is, loaded once at start by <see cref="ServerInitializer"/>: its identity, the
/// clearinghouse it trusts, its activation. Activation changes at run time; the rest does not.
/// </summary>
public sealed class ServerState
{
    private volatile IdentityState? _id;
    private volatile ActivationSnapshot _activation = new(null, false);

    // The key, its token service and the retired keys change together (a rotation).
    private sealed record IdentityState(LicenseServerIdentity Identity, CalTokenService Tokens, string StoredKey, IReadOnlyList<RetiredServerKey> Retired,
        IReadOnlyList<CalTokenVerifier> RetiredVerifiers);

    private IdentityState Id => _id ?? throw new InvalidOperationException("The license server has not finished starting.");

    public LicenseServerIdentity Identity => Id.Identity;

    /// <summary>The identity is loaded: the server can sign CALs (readiness).</summary>
    public bool IsInitialized => _id is not null;

    public CalTokenService Tokens => Id.Tokens;

    /// <summary>Keys retired by rotations, oldest first: CALs they signed are accepted once more, through a host, and signed again.</summary>
    public IReadOnlyList<RetiredServerKey> RetiredKeys => Id.Retired;

    public IReadOnlyList<CalTokenVerifier> RetiredKeyVerifiers => Id.RetiredVerifiers;

    /// <summary>The private key as stored (base64 PKCS#8): nodes compare it to notice another node's rotation.</summary>
    internal string StoredKey => Id.StoredKey;

    public string ProductId => Identity.ProductId;

    /// <summary>This installation (database) of the identity; see <see cref="SettingNames.InstallationId"/>.</summary>
    public string InstallationId { get; private set; } = "";

    /// <summary>This process among the nodes that share a database: names it in job claims and logs.</summary>
    public string NodeId { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";

    public ProductVersion Version { get; private set; }

    public ClearinghouseCertificate? Clearinghouse { get; private set; }

    /// <summary>
    /// The activation as it is at this moment, in one read. Another node's activation or deactivation reaches this node through
    /// <see cref="SharedStateRefresher"/> on another thread at any time, so whatever looks at more than one of certificate, status
    /// and "activated" takes this snapshot once and asks it, instead of reading the properties below one after another (a status
    /// read between two of them once saw "activated" without a certificate: a 500).
    /// </summary>
    public ActivationSnapshot CurrentActivation => _activation;

    /// <summary>The last License Server ID installed, kept after deactivation so status can name it.</summary>
    public ActivationCertificate? Activation => _activation.Certificate;

    /// <summary>Deactivated: back to not activated (no permanent Per Device CALs; see ActivationLicensingPolicy) until a new License Server ID is installed.</summary>
    public bool IsDeactivated => _activation.Deactivated;

    public bool IsActivatedAt(DateTimeOffset now) => _activation.IsActivatedAt(now);

    /// <summary>"activated" | "expired" | "deactivated" | "not-activated", as status and the API report it.</summary>
    public string ActivationStatusAt(DateTimeOffset now) => _activation.StatusAt(now);

    internal void Initialize(LicenseServerIdentity identity, ProductVersion version, ClearinghouseCertificate? clearinghouse, ActivationCertificate? activation,
        bool deactivated = false, string? installationId = null, string? storedKey = null, IReadOnlyList<RetiredServerKey>? retired = null)
    {
        SetIdentity(identity, storedKey ?? Convert.ToBase64String(identity.ExportPkcs8()), retired ?? []);
        InstallationId = installationId ?? InstallationId;
        Version = version;
        Clearinghouse = clearinghouse;
        _activation = new ActivationSnapshot(activation, deactivated);
    }

    /// <summary>After a key rotation (here or on another node): new CAL tokens are signed by <paramref name="identity"/>.</summary>
    internal void SetIdentity(LicenseServerIdentity identity, string storedKey, IReadOnlyList<RetiredServerKey> retired) =>
        _id = new IdentityState(identity, new CalTokenService(identity), storedKey, retired, ServerIdentityStore.Verifiers(retired, identity.ProductId));

    /// <summary>This copy was refused as a clone, or another node of the database renewed the installation id.</summary>
    internal void SetInstallationId(string installationId) => InstallationId = installationId;

    internal void SetActivation(ActivationCertificate? activation) => _activation = new ActivationSnapshot(activation, false);

    internal void SetDeactivated() => _activation = _activation with { Deactivated = true };
}

/// <summary>The activation and the deactivated flag, which change together: readers never see one without the other.</summary>
/// <param name="Certificate">The last License Server ID installed, kept after deactivation so status can name it.</param>
public sealed record ActivationSnapshot(ActivationCertificate? Certificate, bool Deactivated)
{
    public bool IsActivatedAt(DateTimeOffset now) => this is { Certificate: { } a, Deactivated: false } && a.ExpiresAt > now;

    /// <summary>"activated" | "expired" | "deactivated" | "not-activated", as status and the API report it.</summary>
    public string StatusAt(DateTimeOffset now) => this switch
    {
        { Deactivated: true } => "deactivated",
        { Certificate: null } => "not-activated",
        { Certificate: var a } when a.ExpiresAt <= now => "expired",
        _ => "activated",
    };
}
