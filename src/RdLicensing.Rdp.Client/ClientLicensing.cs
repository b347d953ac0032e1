using System.Security.Cryptography;
using System.Text;
using RdLicensing.Rdp.Licensing;

namespace RdLicensing.Rdp.Client;

/// <summary>
/// The client side of one MS-RDPELE exchange (3.2.5), as xfreerdp plays it: to the Server License Request, a Client New
/// License Request, or Client License Info when a CAL is stored (HWID encrypted, MAC over it); to a Platform Challenge,
/// the challenge back with the HWID (MAC over both); a New or Upgrade License is decrypted and its MAC checked before
/// the CAL is taken. Licensing keys per MS-RDPELE 5.1 from a fresh client random and premaster secret.
/// </summary>
internal sealed class ClientLicensing(string hostname, string userName, byte[]? storedLicense, ServerPublicKey? connectionKey)
{
    /// <summary>CLIENT_OS_ID_WINNT_POST_52 | CLIENT_IMAGE_ID_MICROSOFT, what xfreerdp sends in every message.</summary>
    public const uint PlatformId = 0x0401_0000;

    private const int PreMasterSecretLength = 48;
    private const int RandomLength = 32;

    private readonly ClientHardwareId _hardwareId = HardwareIdOf(hostname);
    private LicensingKeys? _keys;

    /// <summary>xfreerdp's HWID: PlatformId and the MD5 of the client hostname.</summary>
    public static ClientHardwareId HardwareIdOf(string hostname) => new(PlatformId, MD5.HashData(Encoding.UTF8.GetBytes(hostname)));

    /// <summary>The answer to the Server License Request and the stage that names it.</summary>
    public (RdpClientStage Stage, byte[] Pdu) Answer(ServerLicenseRequest request)
    {
        if (!request.KeyExchangeAlgorithms.Contains(KeyExchangeAlgorithm.Rsa))
            throw new RdpProtocolException($"{ServerLicenseRequest.PduName}: the server offers no RSA key exchange (KeyExchangeList {string.Join(", ", request.KeyExchangeAlgorithms)}).");
        // Under TLS the request must carry the certificate; under standard security it may leave it to the MCS Connect Response.
        var key = request.ServerCertificate.Length > 0 ? ServerPublicKey.FromCertificate(request.ServerCertificate)
            : connectionKey ?? throw new RdpProtocolException($"{ServerLicenseRequest.PduName}: no server certificate, and none came with the MCS Connect Response: the client has no key to encrypt its premaster secret.");

        var clientRandom = RandomNumberGenerator.GetBytes(RandomLength);
        var preMasterSecret = RandomNumberGenerator.GetBytes(PreMasterSecretLength);
        var encryptedPreMasterSecret = key.Encrypt(preMasterSecret);
        _keys = LicensingKeys.Derive(preMasterSecret, clientRandom, request.ServerRandom);

        if (storedLicense is null)
            return (RdpClientStage.NewLicenseRequest,
                new ClientNewLicenseRequest(KeyExchangeAlgorithm.Rsa, PlatformId, clientRandom, encryptedPreMasterSecret, userName, hostname).ToBytes());
        var hwid = _hardwareId.ToBytes();
        return (RdpClientStage.LicenseInfo,
            new ClientLicenseInfo(KeyExchangeAlgorithm.Rsa, PlatformId, clientRandom, encryptedPreMasterSecret, storedLicense, _keys.Encrypt(hwid), _keys.Mac(hwid)).ToBytes());
    }

    /// <summary>The Platform Challenge Response: the decrypted challenge and the HWID, both encrypted, MAC over both plaintexts.</summary>
    public byte[] AnswerChallenge(ServerPlatformChallenge challenge)
    {
        var keys = Keys(ServerPlatformChallenge.PduName);
        var plain = keys.Decrypt(challenge.EncryptedPlatformChallenge);
        if (!keys.VerifyMac(plain, challenge.MacData))
            throw new RdpProtocolException($"{ServerPlatformChallenge.PduName}: the MAC over the challenge does not verify (the server derived other licensing keys).");
        var hwid = _hardwareId.ToBytes();
        return new ClientPlatformChallengeResponse(keys.Encrypt(plain), keys.Encrypt(hwid), keys.Mac([.. plain, .. hwid])).ToBytes();
    }

    /// <summary>The NEW_LICENSE_INFO of a New or Upgrade License, once its MAC verifies (FreeRDP checks it too).</summary>
    public NewLicenseInfo ReadLicense(ServerNewLicense license)
    {
        var name = license.IsUpgrade ? ServerNewLicense.UpgradePduName : ServerNewLicense.PduName;
        var keys = Keys(name);
        var plain = keys.Decrypt(license.EncryptedLicenseInfo);
        if (!keys.VerifyMac(plain, license.MacData))
            throw new RdpProtocolException($"{name}: the MAC over the license does not verify (new or upgrade license MAC mismatch).");
        return NewLicenseInfo.Parse(plain);
    }

    private LicensingKeys Keys(string pduName) =>
        _keys ?? throw new RdpProtocolException($"{pduName} before the Server License Request: the client has no licensing keys yet.");
}
