namespace RdLicensing.Rdp.Licensing;

/// <summary>
/// CLIENT_PLATFORM_CHALLENGE_RESPONSE (MS-RDPELE 2.2.2.5): EncryptedPlatformChallengeResponse, EncryptedHWID and
/// MACData over (response plaintext ‖ HWID plaintext). The response blob's type is unused (MS-RDPELE note 13), so any
/// is accepted; the spec's own example (4.5) and rdesktop send BB_DATA_BLOB for both blobs, xfreerdp
/// BB_ENCRYPTED_DATA_BLOB, so EncryptedHWID accepts either. The types read are kept for an exact round trip.
/// </summary>
public sealed record ClientPlatformChallengeResponse(
    byte[] EncryptedPlatformChallengeResponse,
    byte[] EncryptedHwid,
    byte[] MacData) : ILicensingPdu
{
    public const string PduName = "CLIENT_PLATFORM_CHALLENGE_RESPONSE";

    public byte PreambleFlags { get; init; } = LicensingPreamble.ClientFlags;

    public BlobType EncryptedPlatformChallengeResponseBlobType { get; init; } = BlobType.EncryptedData;

    public BlobType EncryptedHwidBlobType { get; init; } = BlobType.EncryptedData;

    public LicensingMessageType MessageType => LicensingMessageType.PlatformChallengeResponse;

    public static ClientPlatformChallengeResponse Parse(ReadOnlySpan<byte> pdu)
    {
        var r = LicensingPreamble.OpenBody(pdu, LicensingMessageType.PlatformChallengeResponse, PduName, out var preamble);
        var response = LicenseBlob.ReadAnyType(ref r, $"{PduName} EncryptedPlatformChallengeResponse");
        var hwid = LicenseBlob.Read(ref r, $"{PduName} EncryptedHWID", BlobType.EncryptedData, BlobType.Data);
        var mac = r.Bytes(LicensingFields.MacLength, $"{PduName} MACData");
        r.End(PduName);
        return new ClientPlatformChallengeResponse(response.Data, hwid.Data, mac)
        {
            PreambleFlags = preamble.Flags,
            EncryptedPlatformChallengeResponseBlobType = response.Type,
            EncryptedHwidBlobType = hwid.Type,
        };
    }

    public byte[] ToBytes()
    {
        var w = LicensingPreamble.Begin(MessageType, PreambleFlags);
        LicenseBlob.Write(w, EncryptedPlatformChallengeResponseBlobType, EncryptedPlatformChallengeResponse, $"{PduName} EncryptedPlatformChallengeResponse");
        LicenseBlob.Write(w, EncryptedHwidBlobType, EncryptedHwid, $"{PduName} EncryptedHWID");
        LicensingFields.WriteFixed(w, MacData, LicensingFields.MacLength, $"{PduName} MACData");
        return LicensingPreamble.Finish(w, PduName);
    }
}
