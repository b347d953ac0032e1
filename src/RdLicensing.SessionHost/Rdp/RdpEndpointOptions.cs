using RdLicensing.Rdp.Connection;

namespace RdLicensing.SessionHost.Rdp;

/// <summary>How the session host's RDP endpoint listens and licenses (`rdlic sessionhost run --rdp-port`).</summary>
public sealed class RdpEndpointOptions
{
    public const int DefaultPort = 3389;

    /// <summary>The TCP port; 0 picks a free one (what `rdlic up` and the tests do).</summary>
    public int Port { get; set; } = DefaultPort;

    /// <summary>Where to listen: loopback unless the administrator opens it to the network.</summary>
    public string Address { get; set; } = "127.0.0.1";

    public RdpSecurityLayer SecurityLayer { get; set; } = RdpSecurityLayer.Negotiate;

    /// <summary>
    /// Holds the endpoint's RSA key (rdp-server-key.pem) and TLS certificate (rdp-tls.pfx), both owner-only. Empty: the
    /// session host's data directory.
    /// </summary>
    public string DataDirectory { get; set; } = "";

    /// <summary>RSA modulus size of the server key used by standard RDP security and licensing.</summary>
    public int KeyBits { get; set; } = 2048;

    /// <summary>A connection that has not finished the licensing exchange and activation by then is closed.</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the server waits for any one PDU from the client.</summary>
    public TimeSpan ReadTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Connections served at once; one more is closed at once (and logged), the client may retry. 2,048: well above the
    /// 1,000 at once `rdlic bench rdp` proves (each costs a task and two small buffers while it waits); the
    /// accept backlog (<see cref="AcceptBacklog"/>) holds a burst arriving faster than they are accepted.
    /// </summary>
    public int MaxConnections { get; set; } = 2048;

    /// <summary>Connections the kernel queues before they are accepted (capped by net.core.somaxconn, 4,096 on Debian 12).</summary>
    public int AcceptBacklog { get; set; } = 2048;

    /// <summary>ProductInfo of the Server License Request and of every license handed out (MS-RDPELE 2.2.2.1).</summary>
    public string CompanyName { get; set; } = "RdLicensing";

    public string ProductId { get; set; } = "A02";

    public string Scope { get; set; } = "rdlicensing.dev";

    /// <summary>
    /// The desktops behind this endpoint (`--desktop rdp://HOST:PORT`, repeatable): licensed connections are relayed
    /// to one of them. Empty: today's behaviour, the endpoint licenses and then disconnects.
    /// </summary>
    public List<Uri> Desktops { get; set; } = [];

    /// <summary>
    /// The License Request carries an X.509 chain from the license server's identity once a license server has certified
    /// this endpoint's key (<see cref="LicensingCertificates"/>); false keeps the proprietary certificate.
    /// </summary>
    public bool X509LicensingCertificate { get; set; } = true;

    public string KeyPath => Path.Combine(DataDirectory, "rdp-server-key.pem");

    public string CertificatePath => Path.Combine(DataDirectory, "rdp-tls.pfx");

    /// <summary>What each connection's state machines need of these options.</summary>
    public RdpConnectionSettings ToConnectionSettings() => new()
    {
        SecurityLayer = SecurityLayer,
        HandshakeTimeout = HandshakeTimeout,
        ReadTimeout = ReadTimeout,
        CompanyName = CompanyName,
        ProductId = ProductId,
        Scope = Scope,
    };
}
