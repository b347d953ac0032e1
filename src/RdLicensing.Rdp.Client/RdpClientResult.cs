using RdLicensing.Rdp.Connection;
using RdLicensing.Rdp.Licensing;

namespace RdLicensing.Rdp.Client;

/// <summary>
/// What one connection of <see cref="RdpLicensingClient"/> came to, as the client saw it.
/// </summary>
/// <param name="Outcome">New License, Upgrade License, STATUS_VALID_CLIENT, or refused (a licensing Error Alert, or a Set Error Info and the disconnect).</param>
/// <param name="License">The CAL of a New or Upgrade License (pbLicenseInfo), to store and present next time; null otherwise.</param>
/// <param name="ErrorInfo">The last Set Error Info code the server sent (0x1 after a normal activation, 0x101 for no license server…).</param>
/// <param name="LicensingError">The dwErrorCode of an Error Alert other than STATUS_VALID_CLIENT.</param>
/// <param name="ActivationCompleted">The server went through the activation to its Font Map.</param>
/// <param name="TlsUsed">The connection ran over TLS.</param>
/// <param name="Elapsed">From the TCP connection to the Disconnect Provider Ultimatum.</param>
public sealed record RdpClientResult(
    RdpLicensingOutcome Outcome,
    byte[]? License,
    uint? ErrorInfo,
    LicenseErrorCode? LicensingError,
    bool ActivationCompleted,
    bool TlsUsed,
    TimeSpan Elapsed);
