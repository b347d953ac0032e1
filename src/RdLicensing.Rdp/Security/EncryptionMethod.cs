namespace RdLicensing.Rdp.Security;

/// <summary>Standard RDP security encryption methods (MS-RDPBCGR 2.2.1.4.3, TS_UD_SC_SEC1 encryptionMethod).</summary>
public enum EncryptionMethod : uint
{
    None = 0x00000000,
    Bits40 = 0x00000001,
    Bits128 = 0x00000002,
    Bits56 = 0x00000008,
}
