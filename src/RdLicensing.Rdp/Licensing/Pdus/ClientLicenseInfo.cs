namespace RdLicensing.Rdp.Licensing;

/// <summary>
/// CLIENT_LICENSE_INFO (MS-RDPELE 2.2.2.3), sent by a client presenting a stored CAL: PreferredKeyExchangeAlg,
/// PlatformId, ClientRandom, EncryptedPreMasterSecret (BB_RANDOM_BLOB), LicenseInfo (BB_DATA_BLOB: the CAL bytes as
/// stored), EncryptedHWID and MACData over the plaintext HWID. The spec mandates no type for EncryptedHWID: its own
/// example (4.3) and rdesktop send BB_DATA_BLOB, xfreerdp BB_ENCRYPTED_DATA_BLOB; both are accepted and the type kept.
/// </summary>
public sealed record ClientLicenseInfo(
    uint PreferredKeyExchangeAlgorithm,
    uint PlatformId,
    byte[] ClientRandom,
    byte[] EncryptedPreMasterSecret,
    byte[] LicenseInfo,
    byte[] EncryptedHwid,
    byte[] MacData) : ILicensingPdu
{
    public const string PduName = "CLIENT_LICENSE_INFO";

    public byte PreambleFlags { get; init; } = LicensingPreamble.ClientFlags;

    public BlobType EncryptedHwidBlobType { get; init; } = BlobType.EncryptedData;

    public LicensingMessageType MessageType => LicensingMessageType.LicenseInfo;

    public static ClientLicenseInfo Parse(ReadOnlySpan<byte> pdu)
    {
        var r = LicensingPreamble.OpenBody(pdu, LicensingMessageType.LicenseInfo, PduName, out var preamble);
        var algorithm = r.U32Le($"{PduName} PreferredKeyExchangeAlg");
        var platformId = r.U32Le($"{PduName} PlatformId");
        var clientRandom = r.Bytes(LicensingFields.RandomLength, $"{PduName} ClientRandom");
        var preMaster = LicenseBlob.Read(ref r, $"{PduName} EncryptedPreMasterSecret", BlobType.Random).Data;
        var license = LicenseBlob.Read(ref r, $"{PduName} LicenseInfo", BlobType.Data).Data;
        var hwid = LicenseBlob.Read(ref r, $"{PduName} EncryptedHWID", BlobType.EncryptedData, BlobType.Data);
        var mac = r.Bytes(LicensingFields.MacLength, $"{PduName} MACData");
        r.End(PduName);
        return new ClientLicenseInfo(algorithm, platformId, clientRandom, preMaster, license, hwid.Data, mac)
        {
            PreambleFlags = preamble.Flags,
            EncryptedHwidBlobType = hwid.Type,
        };
    }

    public byte[] ToBytes()
    {
        var w = LicensingPreamble.Begin(MessageType, PreambleFlags);
        w.U32Le(PreferredKeyExchangeAlgorithm).U32Le(PlatformId);
        LicensingFields.WriteFixed(w, ClientRandom, LicensingFields.RandomLength, $"{PduName} ClientRandom");
        LicenseBlob.Write(w, BlobType.Random, EncryptedPreMasterSecret, $"{PduName} EncryptedPreMasterSecret");
        LicenseBlob.Write(w, BlobType.Data, LicenseInfo, $"{PduName} LicenseInfo");
        LicenseBlob.Write(w, EncryptedHwidBlobType, EncryptedHwid, $"{PduName} EncryptedHWID");
        LicensingFields.WriteFixed(w, MacData, LicensingFields.MacLength, $"{PduName} MACData");
        return LicensingPreamble.Finish(w, PduName);
    }
}
