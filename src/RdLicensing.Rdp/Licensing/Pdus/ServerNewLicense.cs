namespace RdLicensing.Rdp.Licensing;

/// <summary>
/// SERVER_NEW_LICENSE (MS-RDPELE 2.2.2.7, message type NEW_LICENSE) and SERVER_UPGRADE_LICENSE (2.2.2.6, message
/// type UPGRADE_LICENSE): the same layout, EncryptedLicenseInfo (BB_ENCRYPTED_DATA_BLOB holding the RC4-encrypted
/// <see cref="NewLicenseInfo"/>) then MACData over the plaintext. Both clients replace their stored CAL with either.
/// </summary>
public sealed record ServerNewLicense(byte[] EncryptedLicenseInfo, byte[] MacData) : ILicensingPdu
{
    public const string PduName = "SERVER_NEW_LICENSE";
    public const string UpgradePduName = "SERVER_UPGRADE_LICENSE";

    /// <summary>Sent as UPGRADE_LICENSE (0x04) rather than NEW_LICENSE (0x03).</summary>
    public bool IsUpgrade { get; init; }

    public LicensingMessageType MessageType => IsUpgrade ? LicensingMessageType.UpgradeLicense : LicensingMessageType.NewLicense;

    private string Name => IsUpgrade ? UpgradePduName : PduName;

    public static ServerNewLicense Parse(ReadOnlySpan<byte> pdu)
    {
        var isUpgrade = !pdu.IsEmpty && pdu[0] == (byte)LicensingMessageType.UpgradeLicense;
        var name = isUpgrade ? UpgradePduName : PduName;
        var expected = isUpgrade ? LicensingMessageType.UpgradeLicense : LicensingMessageType.NewLicense;
        var r = LicensingPreamble.OpenBody(pdu, expected, name, out _);
        var license = LicenseBlob.Read(ref r, $"{name} EncryptedLicenseInfo", BlobType.EncryptedData).Data;
        var mac = r.Bytes(LicensingFields.MacLength, $"{name} MACData");
        r.End(name);
        return new ServerNewLicense(license, mac) { IsUpgrade = isUpgrade };
    }

    public byte[] ToBytes()
    {
        var w = LicensingPreamble.Begin(MessageType, LicensingPreamble.ServerFlags);
        LicenseBlob.Write(w, BlobType.EncryptedData, EncryptedLicenseInfo, $"{Name} EncryptedLicenseInfo");
        LicensingFields.WriteFixed(w, MacData, LicensingFields.MacLength, $"{Name} MACData");
        return LicensingPreamble.Finish(w, Name);
    }
}
