namespace RdLicensing.Rdp.Licensing;

/// <summary>
/// SERVER_PLATFORM_CHALLENGE (MS-RDPELE 2.2.2.4): ConnectFlags (reserved), EncryptedPlatformChallenge (the RC4-encrypted
/// challenge) and MACData over the plaintext challenge. Its wBlobType is unused (MS-RDPELE note 12; the Windows
/// server of example 4.4 sends 0xF750): any type is accepted and kept, and BB_ENCRYPTED_DATA_BLOB is written unless
/// told otherwise.
/// </summary>
public sealed record ServerPlatformChallenge(uint ConnectFlags, byte[] EncryptedPlatformChallenge, byte[] MacData) : ILicensingPdu
{
    public const string PduName = "SERVER_PLATFORM_CHALLENGE";

    public BlobType EncryptedPlatformChallengeBlobType { get; init; } = BlobType.EncryptedData;

    public LicensingMessageType MessageType => LicensingMessageType.PlatformChallenge;

    public static ServerPlatformChallenge Parse(ReadOnlySpan<byte> pdu)
    {
        var r = LicensingPreamble.OpenBody(pdu, LicensingMessageType.PlatformChallenge, PduName, out _);
        var connectFlags = r.U32Le($"{PduName} ConnectFlags");
        var challenge = LicenseBlob.ReadAnyType(ref r, $"{PduName} EncryptedPlatformChallenge");
        var mac = r.Bytes(LicensingFields.MacLength, $"{PduName} MACData");
        r.End(PduName);
        return new ServerPlatformChallenge(connectFlags, challenge.Data, mac) { EncryptedPlatformChallengeBlobType = challenge.Type };
    }

    public byte[] ToBytes()
    {
        var w = LicensingPreamble.Begin(MessageType, LicensingPreamble.ServerFlags);
        w.U32Le(ConnectFlags);
        LicenseBlob.Write(w, EncryptedPlatformChallengeBlobType, EncryptedPlatformChallenge, $"{PduName} EncryptedPlatformChallenge");
        LicensingFields.WriteFixed(w, MacData, LicensingFields.MacLength, $"{PduName} MACData");
        return LicensingPreamble.Finish(w, PduName);
    }
}
