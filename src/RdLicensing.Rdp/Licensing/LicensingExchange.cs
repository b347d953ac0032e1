using System.Security.Cryptography;
using System.Text;
using RdLicensing.Rdp.Connection;

namespace RdLicensing.Rdp.Licensing;

/// <summary>What the client's first licensing PDU asked for: a new license, or to have the stored one looked at.</summary>
/// <param name="StoredLicense">Client License Info: the CAL the client stored, byte for byte.</param>
/// <param name="HardwareId">Client License Info: the HWID it sent with it (MAC verified).</param>
public sealed record LicensingRequest(bool IsNew, string? UserName, string? MachineName, byte[]? StoredLicense, ClientHardwareId? HardwareId);

/// <summary>
/// The server side of one MS-RDPELE exchange (3.3.5): the License Request with a fresh server random, the client's
/// New License Request or Client License Info (premaster secret under the server key, licensing keys per 5.1), the
/// Platform Challenge and its response (MAC over response ‖ HWID), and the New or Upgrade License carrying the CAL.
/// Every blob is encrypted with a fresh RC4 under the licensing key; every MAC is checked in fixed time. Which license
/// to hand out is not decided here: <see cref="RdpServerConnection"/> asks <see cref="IClientLicensing"/>.
/// </summary>
public sealed class LicensingExchange(RdpServerContext context)
{
    /// <summary>Version of the product info and of every license handed out (dwVersion, MS-RDPELE 2.2.2.1.1).</summary>
    public const uint ProductVersion = 0x0006_0000;

    /// <summary>KEY_EXCHANGE_ALG_RSA, the only key exchange algorithm (MS-RDPELE 2.2.2.1).</summary>
    public const uint RsaKeyExchange = 1;

    /// <summary>"TEST\0" in UTF-16LE: 10 bytes, a length both clients handle (rdesktop 1.9 crashed on 14).</summary>
    public static readonly byte[] Challenge = Encoding.Unicode.GetBytes("TEST\0");

    private readonly byte[] _serverRandom = RandomNumberGenerator.GetBytes(32);
    private LicensingKeys? _keys;

    public byte[] LicenseRequest() => new ServerLicenseRequest(
        _serverRandom,
        new ProductInfo(ProductVersion, context.Options.CompanyName, context.Options.ProductId),
        [RsaKeyExchange],
        context.LicensingCertificate,
        [context.Options.Scope]).ToBytes();

    /// <summary>The client's answer to the License Request.</summary>
    public LicensingRequest Receive(ReadOnlySpan<byte> pdu)
    {
        switch (LicensingPdu.Parse(pdu))
        {
            case ClientNewLicenseRequest request:
                _keys = DeriveKeys(request.ClientRandom, request.EncryptedPreMasterSecret);
                return new LicensingRequest(true, Clean(request.UserName), Clean(request.MachineName), null, null);
            case ClientLicenseInfo info:
                _keys = DeriveKeys(info.ClientRandom, info.EncryptedPreMasterSecret);
                var hwid = _keys.Decrypt(info.EncryptedHwid);
                if (!_keys.VerifyMac(hwid, info.MacData))
                    throw new LicensingException("Client License Info: the MAC over the hardware id does not verify (wrong licensing keys).",
                        LicenseErrorCode.InvalidMac, ErrorInfo.LicenseBadClientEncryption);
                return new LicensingRequest(false, null, null, info.LicenseInfo, ClientHardwareId.Parse(hwid));
            case LicensingErrorAlert alert:
                throw ClientEnded(alert);
            case var other:
                throw OutOfOrder(other.MessageType, "a New License Request or Client License Info");
        }
    }

    public byte[] PlatformChallenge()
    {
        var keys = Keys();
        return new ServerPlatformChallenge(0, keys.Encrypt(Challenge), keys.Mac(Challenge)).ToBytes();
    }

    /// <summary>
    /// Checks the Platform Challenge Response and returns the client's HWID. FreeRDP answers with a
    /// PLATFORM_CHALLENGE_RESPONSE_DATA holding the challenge; rdesktop with the bare challenge (in a blob of type 1,
    /// pitfall 2). Either is accepted when the MAC over answer ‖ HWID verifies.
    /// </summary>
    public ClientHardwareId ReceiveChallengeResponse(ReadOnlySpan<byte> pdu)
    {
        var keys = Keys();
        var parsed = LicensingPdu.Parse(pdu);
        if (parsed is LicensingErrorAlert alert) throw ClientEnded(alert);
        if (parsed is not ClientPlatformChallengeResponse response) throw OutOfOrder(parsed.MessageType, "a Platform Challenge Response");
        var answer = keys.Decrypt(response.EncryptedPlatformChallengeResponse);
        var hwid = keys.Decrypt(response.EncryptedHwid);
        if (!keys.VerifyMac([.. answer, .. hwid], response.MacData))
            throw new LicensingException("Platform Challenge Response: the MAC does not verify (wrong licensing keys).",
                LicenseErrorCode.InvalidMac, ErrorInfo.LicenseBadClientEncryption);
        if (!AnswersChallenge(answer))
            throw new LicensingException("Platform Challenge Response: it does not answer the challenge this server sent.",
                LicenseErrorCode.InvalidClient, ErrorInfo.LicenseBadClientEncryption);
        return ClientHardwareId.Parse(hwid);
    }

    /// <summary>New License (or Upgrade License) carrying <paramref name="license"/>, the CAL the client stores as is.</summary>
    public byte[] License(byte[] license, bool upgrade)
    {
        var keys = Keys();
        var info = new NewLicenseInfo(ProductVersion, context.Options.Scope, context.Options.CompanyName, context.Options.ProductId, license).ToBytes();
        return new ServerNewLicense(keys.Encrypt(info), keys.Mac(info)) { IsUpgrade = upgrade }.ToBytes();
    }

    public static byte[] ValidClient() => LicensingErrorAlert.ValidClient.ToBytes();

    public static byte[] Abort(LicenseErrorCode code) => new LicensingErrorAlert(code, LicenseStateTransition.TotalAbort).ToBytes();

    private LicensingKeys DeriveKeys(byte[] clientRandom, byte[] encryptedPreMasterSecret)
    {
        if (clientRandom.Length != 32) throw new RdpProtocolException($"licensing: the client random has {clientRandom.Length} bytes, not 32.");
        // rdesktop sends an all-zero "encrypted" premaster secret sized for a 512-bit key: textbook RSA of zero is zero.
        var preMaster = context.Key.DecryptRaw(encryptedPreMasterSecret)[..48];
        return LicensingKeys.Derive(preMaster, clientRandom, _serverRandom);
    }

    private static bool AnswersChallenge(byte[] answer)
    {
        if (CryptographicOperations.FixedTimeEquals(answer, Challenge)) return true;
        try
        {
            return CryptographicOperations.FixedTimeEquals(PlatformChallengeResponseData.Parse(answer).Challenge, Challenge);
        }
        catch (RdpProtocolException)
        {
            return false;
        }
    }

    private LicensingKeys Keys() => _keys ?? throw new InvalidOperationException("No licensing keys yet: the client's request comes first.");

    private static string? Clean(string value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static LicensingException ClientEnded(LicensingErrorAlert alert) =>
        new($"the client ended the licensing exchange with error {alert.ErrorCode} ({alert.StateTransition}).",
            LicenseErrorCode.InvalidClient, ErrorInfo.ClientEndedProtocol);

    private static LicensingException OutOfOrder(LicensingMessageType got, string expected) =>
        new($"licensing: {got} where {expected} was expected.", LicenseErrorCode.InvalidClient, ErrorInfo.LicenseBadClientMessage);
}
