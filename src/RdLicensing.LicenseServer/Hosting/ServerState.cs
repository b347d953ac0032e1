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
    private LicenseServerIdentity? _identity;
    private CalTokenService? _tokens;
    private volatile ActivationState _activation = new(null, false);

    // Activation and the deactivated flag change together, so readers never see one without the other.
    private sealed record ActivationState(ActivationCertificate? Certificate, bool Deactivated);

    public LicenseServerIdentity Identity => _identity ?? throw new InvalidOperationException("The license server has not finished starting.");

    public CalTokenService Tokens => _tokens ?? throw new InvalidOperationException("The license server has not finished starting.");

    public string ProductId => Identity.ProductId;

    /// <summary>This installation (database) of the identity; see <see cref="SettingNames.InstallationId"/>.</summary>
    public string InstallationId { get; private set; } = "";

    /// <summary>This process among the nodes that share a database: names it in job claims and logs.</summary>
    public string NodeId { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";

    public ProductVersion Version { get; private set; }

    public ClearinghouseCertificate? Clearinghouse { get; private set; }

    /// <summary>The last License Server ID installed, kept after deactivation so status can name it.</summary>
    public ActivationCertificate? Activation => _activation.Certificate;

    /// <summary>Deactivated: back to not activated (no permanent Per Device CALs; see ActivationLicensingPolicy) until a new License Server ID is installed.</summary>
    public bool IsDeactivated => _activation.Deactivated;

    public bool IsActivatedAt(DateTimeOffset now) => _activation is { Certificate: { } a, Deactivated: false } && a.ExpiresAt > now;

    /// <summary>"activated" | "expired" | "deactivated" | "not-activated", as status and the API report it.</summary>
    public string ActivationStatusAt(DateTimeOffset now) => _activation switch
    {
        { Deactivated: true } => "deactivated",
        { Certificate: null } => "not-activated",
        { Certificate: var a } when a.ExpiresAt <= now => "expired",
        _ => "activated",
    };

    internal void Initialize(LicenseServerIdentity identity, ProductVersion version, ClearinghouseCertificate? clearinghouse, ActivationCertificate? activation,
        bool deactivated = false, string? installationId = null)
    {
        _identity = identity;
        InstallationId = installationId ?? InstallationId;
        _tokens = new CalTokenService(identity);
        Version = version;
        Clearinghouse = clearinghouse;
        _activation = new ActivationState(activation, deactivated);
    }

    internal void SetActivation(ActivationCertificate? activation) => _activation = new ActivationState(activation, false);

    internal void SetDeactivated() => _activation = _activation with { Deactivated = true };
}
