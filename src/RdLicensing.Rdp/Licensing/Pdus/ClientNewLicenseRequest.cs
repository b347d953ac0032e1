namespace RdLicensing.Rdp.Licensing;

/// <summary>
/// CLIENT_NEW_LICENSE_REQUEST (MS-RDPELE 2.2.2.2), sent by a client with no stored CAL: PreferredKeyExchangeAlg,
/// PlatformId, ClientRandom, EncryptedPreMasterSecret (BB_RANDOM_BLOB, modulus length + 8 bytes; rdesktop sends zeros),
/// ClientUserName (BB_CLIENT_USER_NAME_BLOB) and ClientMachineName (BB_CLIENT_MACHINE_NAME_BLOB), both
/// NUL-terminated ANSI.
/// </summary>
public sealed record ClientNewLicenseRequest(
    uint PreferredKeyExchangeAlgorithm,
    uint PlatformId,
    byte[] ClientRandom,
    byte[] EncryptedPreMasterSecret,
    string UserName,
    string MachineName) : ILicensingPdu
{
    public const string PduName = "CLIENT_NEW_LICENSE_REQUEST";

    public byte PreambleFlags { get; init; } = LicensingPreamble.ClientFlags;

    public LicensingMessageType MessageType => LicensingMessageType.NewLicenseRequest;

    public static ClientNewLicenseRequest Parse(ReadOnlySpan<byte> pdu)
    {
        var r = LicensingPreamble.OpenBody(pdu, LicensingMessageType.NewLicenseRequest, PduName, out var preamble);
        var algorithm = r.U32Le($"{PduName} PreferredKeyExchangeAlg");
        var platformId = r.U32Le($"{PduName} PlatformId");
        var clientRandom = r.Bytes(LicensingFields.RandomLength, $"{PduName} ClientRandom");
        var preMaster = LicenseBlob.Read(ref r, $"{PduName} EncryptedPreMasterSecret", BlobType.Random).Data;
        var userName = LicensingFields.ReadAnsiBlob(ref r, BlobType.ClientUserName, $"{PduName} ClientUserName");
        var machineName = LicensingFields.ReadAnsiBlob(ref r, BlobType.ClientMachineName, $"{PduName} ClientMachineName");
        r.End(PduName);
        return new ClientNewLicenseRequest(algorithm, platformId, clientRandom, preMaster, userName, machineName)
        {
            PreambleFlags = preamble.Flags,
        };
    }

    public byte[] ToBytes()
    {
        var w = LicensingPreamble.Begin(MessageType, PreambleFlags);
        w.U32Le(PreferredKeyExchangeAlgorithm).U32Le(PlatformId);
        LicensingFields.WriteFixed(w, ClientRandom, LicensingFields.RandomLength, $"{PduName} ClientRandom");
        LicenseBlob.Write(w, BlobType.Random, EncryptedPreMasterSecret, $"{PduName} EncryptedPreMasterSecret");
        LicensingFields.WriteAnsiBlob(w, BlobType.ClientUserName, UserName, $"{PduName} ClientUserName");
        LicensingFields.WriteAnsiBlob(w, BlobType.ClientMachineName, MachineName, $"{PduName} ClientMachineName");
        return LicensingPreamble.Finish(w, PduName);
    }
}
