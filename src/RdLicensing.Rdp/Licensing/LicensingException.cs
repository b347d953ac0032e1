namespace RdLicensing.Rdp.Licensing;

/// <summary>
/// The licensing exchange cannot go on (a MAC that does not verify, a response to another challenge, a PDU out of
/// order): the client is told with <see cref="ErrorInfo"/> and an Error Alert (<see cref="Alert"/>, ST_TOTAL_ABORT), and
/// the connection ends.
/// </summary>
public sealed class LicensingException(string message, LicenseErrorCode alert, uint errorInfo) : Exception(message)
{
    public LicenseErrorCode Alert { get; } = alert;
    public uint ErrorInfo { get; } = errorInfo;
}
