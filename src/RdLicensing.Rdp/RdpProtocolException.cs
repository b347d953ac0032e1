namespace RdLicensing.Rdp;

/// <summary>
/// The peer sent something this endpoint cannot accept: malformed, truncated, oversized or out of order. It ends that
/// one connection with the reason logged; it never escapes the connection's task.
/// </summary>
public class RdpProtocolException(string message) : Exception(message);
