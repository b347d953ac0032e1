namespace RdLicensing.Rdp.Licensing;

/// <summary>wBlobType of a Licensing Binary BLOB (MS-RDPBCGR 2.2.1.12.1.2).</summary>
public enum BlobType : ushort
{
    /// <summary>BB_DATA_BLOB.</summary>
    Data = 0x0001,

    /// <summary>BB_RANDOM_BLOB.</summary>
    Random = 0x0002,

    /// <summary>BB_CERTIFICATE_BLOB.</summary>
    Certificate = 0x0003,

    /// <summary>BB_ERROR_BLOB.</summary>
    Error = 0x0004,

    /// <summary>BB_ENCRYPTED_DATA_BLOB.</summary>
    EncryptedData = 0x0009,

    /// <summary>BB_KEY_EXCHG_ALG_BLOB.</summary>
    KeyExchangeAlgorithm = 0x000D,

    /// <summary>BB_SCOPE_BLOB.</summary>
    Scope = 0x000E,

    /// <summary>BB_CLIENT_USER_NAME_BLOB.</summary>
    ClientUserName = 0x000F,

    /// <summary>BB_CLIENT_MACHINE_NAME_BLOB.</summary>
    ClientMachineName = 0x0010,
}
