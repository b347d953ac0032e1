using RdLicensing.Rdp.Connection;
using RdLicensing.Rdp.Licensing;

namespace RdLicensing.Rdp.Client;

internal sealed partial class ClientConnection
{
    /// <summary>How the licensing phase ended: what the client was given, and the Error Alert code of a refusal.</summary>
    private readonly record struct LicensingEnd(RdpLicensingOutcome Outcome, byte[]? License, LicenseErrorCode? Error);

    /// <summary>
    /// The licensing phase as a client (MS-RDPELE 3.2.5): answers the License Request and the Platform Challenge, and
    /// ends at a New or Upgrade License, STATUS_VALID_CLIENT, or a refusal — an Error Alert, or Set Error Info and the
    /// disconnect — after which it reads on to the Disconnect Provider Ultimatum. Each server message is accepted only
    /// where the protocol puts it.
    /// </summary>
    private async Task<LicensingEnd> LicenseAsync(CancellationToken cancellationToken)
    {
        var licensing = new ClientLicensing(options.ClientHostname, options.UserName, options.StoredLicense, _serverKey);
        var answered = false;
        var challenged = false;
        while (true)
        {
            if (await ReadIoAsync("licensing PDU", cancellationToken) is not { } pdu)
            {
                if (_errorInfo is null) throw new RdpProtocolException("the server disconnected during licensing without an Error Alert or a Set Error Info.");
                return new LicensingEnd(RdpLicensingOutcome.Refused, null, null);
            }
            if ((pdu.Flags & SecurityFlags.License) == 0)
                throw new RdpProtocolException($"a PDU with security flags 0x{(ushort)pdu.Flags:X4} during licensing, where a licensing PDU (SEC_LICENSE_PKT) was expected.");
            switch (LicensingPdu.Parse(pdu.Payload))
            {
                case ServerLicenseRequest request when !answered:
                    var (stage, answer) = licensing.Answer(request);
                    await SendLicensingAsync(stage, answer, cancellationToken);
                    answered = true;
                    break;
                case ServerPlatformChallenge challenge when answered && !challenged:
                    await SendLicensingAsync(RdpClientStage.ChallengeResponse, licensing.AnswerChallenge(challenge), cancellationToken);
                    challenged = true;
                    break;
                case ServerNewLicense license when challenged:
                    var outcome = license.IsUpgrade ? RdpLicensingOutcome.UpgradedLicense : RdpLicensingOutcome.NewLicense;
                    return new LicensingEnd(outcome, licensing.ReadLicense(license).LicenseInfo, null);
                case LicensingErrorAlert { ErrorCode: LicenseErrorCode.StatusValidClient }:
                    return new LicensingEnd(RdpLicensingOutcome.ValidClient, null, null);
                case LicensingErrorAlert alert:
                    await AwaitDisconnectAsync("after its licensing Error Alert", cancellationToken);
                    return new LicensingEnd(RdpLicensingOutcome.Refused, null, alert.ErrorCode);
                case var other:
                    throw new RdpProtocolException($"licensing: {other.MessageType} from the server is out of order; expected {Expected(answered, challenged)}.");
            }
        }
    }

    /// <summary>
    /// Licensing PDUs go with a basic security header; under standard security encrypted, with SEC_LICENSE_ENCRYPT_CS,
    /// as xfreerdp sends them (security flags 0x0A88); under TLS in the clear (0x0080).
    /// </summary>
    private Task SendLicensingAsync(RdpClientStage stage, byte[] pdu, CancellationToken cancellationToken)
    {
        var flags = _tls ? SecurityFlags.License : SecurityFlags.License | SecurityFlags.LicenseEncrypt;
        return SendIoAsync(stage, _security.Wrap(pdu, flags, header: true), cancellationToken);
    }

    private static string Expected(bool answered, bool challenged) =>
        !answered ? "a License Request or an Error Alert"
        : !challenged ? "a Platform Challenge or an Error Alert"
        : "a New License, an Upgrade License or an Error Alert";
}
