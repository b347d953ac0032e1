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
    private volatile ActivationCertificate? _activation;

    public LicenseServerIdentity Identity => _identity ?? throw new InvalidOperationException("The license server has not finished starting.");

    public CalTokenService Tokens => _tokens ?? throw new InvalidOperationException("The license server has not finished starting.");

    public string ProductId => Identity.ProductId;

    public ProductVersion Version { get; private set; }

    public ClearinghouseCertificate? Clearinghouse { get; private set; }

    public ActivationCertificate? Activation => _activation;

    public bool IsActivatedAt(DateTimeOffset now) => _activation is { } a && a.ExpiresAt > now;

    internal void Initialize(LicenseServerIdentity identity, ProductVersion version, ClearinghouseCertificate? clearinghouse, ActivationCertificate? activation)
    {
        _identity = identity;
        _tokens = new CalTokenService(identity);
        Version = version;
        Clearinghouse = clearinghouse;
        _activation = activation;
    }

    internal void SetActivation(ActivationCertificate? activation) => _activation = activation;
}
