namespace RdLicensing.Rdp.Connection;

/// <summary>
/// What the connection and licensing state machines need to know of their endpoint: the security layers offered, the
/// time limits, and the ProductInfo of the Server License Request (MS-RDPELE 2.2.2.1). The session host builds it from
/// its endpoint options (<c>RdpEndpointOptions.ToConnectionSettings</c>).
/// </summary>
public sealed record RdpConnectionSettings
{
    public RdpSecurityLayer SecurityLayer { get; init; } = RdpSecurityLayer.Negotiate;

    /// <summary>A connection that has not finished the licensing exchange and activation by then is closed.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the server waits for any one PDU from the client.</summary>
    public TimeSpan ReadTimeout { get; init; } = TimeSpan.FromSeconds(15);

    public string CompanyName { get; init; } = "RdLicensing";

    public string ProductId { get; init; } = "A02";

    public string Scope { get; init; } = "rdlicensing.dev";
}
