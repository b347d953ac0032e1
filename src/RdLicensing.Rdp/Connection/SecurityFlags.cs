namespace RdLicensing.Rdp.Connection;

/// <summary>The basic security header flags (MS-RDPBCGR 2.2.8.1.1.2.1) this endpoint reads or writes.</summary>
[Flags]
public enum SecurityFlags : ushort
{
    None = 0,
    Exchange = 0x0001,
    Encrypt = 0x0008,
    Info = 0x0040,
    License = 0x0080,
    /// <summary>SEC_LICENSE_ENCRYPT_CS / SEC_LICENSE_ENCRYPT_SC: the client may encrypt licensing PDUs, and accepts encrypted ones.</summary>
    LicenseEncrypt = 0x0200,
    SecureChecksum = 0x0800,
}
