namespace RdLicensing.Rdp.Connection;

/// <summary>
/// Which security layer the endpoint accepts, like the "Require use of specific security layer" setting of a
/// Windows session host: Negotiate (TLS when the client offers it, standard RDP security otherwise), Rdp (always
/// standard RDP security), Tls (TLS only; clients that do not offer it are refused with SSL_REQUIRED_BY_SERVER).
/// </summary>
public enum RdpSecurityLayer
{
    Negotiate,
    Rdp,
    Tls,
}
