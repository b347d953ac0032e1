using RdLicensing.Rdp.Wire;

namespace RdLicensing.Rdp.Licensing;

/// <summary>
/// PLATFORM_CHALLENGE_RESPONSE_DATA (MS-RDPELE 2.2.2.5.1), the plaintext of a client's EncryptedPlatformChallengeResponse:
/// wVersion (MUST be 0x0100), wClientType, wLicenseDetailLevel, then cbChallenge bytes of the decrypted challenge.
/// rdesktop sends the bare encrypted challenge instead (reference pitfall 2): its 10 bytes do not parse as this
/// structure (wVersion would read 0x0054), which is how a caller can tell the two apart.
/// </summary>
public sealed record PlatformChallengeResponseData(ushort ClientType, ushort LicenseDetailLevel, byte[] Challenge)
{
    public const string StructureName = "PLATFORM_CHALLENGE_RESPONSE_DATA";

    public const ushort Version = 0x0100;

    public const ushort Win32ClientType = 0x0100;
    public const ushort Win16ClientType = 0x0200;
    public const ushort WinCEClientType = 0x0300;
    public const ushort OtherClientType = 0xFF00;

    public const ushort LicenseDetailSimple = 0x0001;
    public const ushort LicenseDetailModerate = 0x0002;
    public const ushort LicenseDetailDetail = 0x0003;

    public static PlatformChallengeResponseData Parse(ReadOnlySpan<byte> plaintext)
    {
        var r = new ByteReader(plaintext);
        var version = r.U16Le($"{StructureName} wVersion");
        if (version != Version)
            throw new RdpProtocolException($"{StructureName}: wVersion is 0x{version:X4}, expected 0x{Version:X4}.");
        var clientType = r.U16Le($"{StructureName} wClientType");
        var detailLevel = r.U16Le($"{StructureName} wLicenseDetailLevel");
        var count = r.U16Le($"{StructureName} cbChallenge");
        var challenge = r.Bytes(count, $"{StructureName} pbChallenge");
        r.End(StructureName);
        return new PlatformChallengeResponseData(clientType, detailLevel, challenge);
    }

    public byte[] ToBytes()
    {
        if (Challenge.Length > LicensingLimits.MaxBlobDataLength)
            throw new InvalidOperationException($"{StructureName} pbChallenge: {Challenge.Length} bytes are over the {LicensingLimits.MaxBlobDataLength}-byte limit.");
        var w = new ByteWriter(8 + Challenge.Length);
        w.U16Le(Version).U16Le(ClientType).U16Le(LicenseDetailLevel).U16Le(Challenge.Length).Bytes(Challenge);
        return w.ToArray();
    }
}
