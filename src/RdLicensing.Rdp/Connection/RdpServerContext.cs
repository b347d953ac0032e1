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

    public X509Certificate2? TlsCertificate { get; } = tlsCertificate;
    public IClientLicensing Licensing { get; } = licensing;

    /// <summary>The desktops behind the endpoint; null: the endpoint licenses and then disconnects (no desktop).</summary>
    public Relay.IDesktopRelay? Relay { get; init; }
}
