using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using RdLicensing.Rdp.Security;

namespace RdLicensing.Rdp.Connection;

/// <summary>What every connection of one endpoint shares: its keys, its options and the licensing decision.</summary>
public sealed class RdpServerContext(RdpConnectionSettings options, ServerRsaKey key, X509Certificate2? tlsCertificate, IClientLicensing licensing)
{
    public RdpConnectionSettings Options { get; } = options;
    public ServerRsaKey Key { get; } = key;

    /// <summary>The proprietary certificate (MS-RDPBCGR 2.2.1.4.3.1.1) of <see cref="Key"/>, built once.</summary>
    public byte[] ProprietaryCertificate { get; } = Security.ProprietaryCertificate.Build(key);

    private volatile byte[]? _certificateChain;

    /// <summary>
    /// The X.509 chain (CERT_CHAIN_VERSION_2) certifying <see cref="Key"/>, once the host's license server issued it;
    /// null before (then the License Request carries the proprietary certificate).
    /// </summary>
    public byte[]? CertificateChain => _certificateChain;

    /// <summary>What the Server License Request carries: the X.509 chain when the host has one, the proprietary certificate before.</summary>
    public byte[] LicensingCertificate => _certificateChain ?? ProprietaryCertificate;

    /// <summary>From the next License Request on, <paramref name="chain"/> (a SERVER_CERTIFICATE of version 2 whose last certificate carries <see cref="Key"/>).</summary>
    public void UseCertificateChain(byte[] chain) => _certificateChain = chain;

    public X509Certificate2? TlsCertificate { get; } = tlsCertificate;

    /// <summary>
    /// <see cref="TlsCertificate"/> as SslStream serves it, built once (its chain included, offline): handed to every
    /// handshake instead of the certificate, which made each TLS connection build the certificate's chain again.
    /// </summary>
    public SslStreamCertificateContext? TlsCertificateContext { get; } =
        tlsCertificate is null ? null : SslStreamCertificateContext.Create(tlsCertificate, additionalCertificates: null, offline: true);
    public IClientLicensing Licensing { get; } = licensing;

    /// <summary>The desktops behind the endpoint; null: the endpoint licenses and then disconnects (no desktop).</summary>
    public Relay.IDesktopRelay? Relay { get; init; }
}
