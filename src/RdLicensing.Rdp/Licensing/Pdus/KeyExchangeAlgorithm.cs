namespace RdLicensing.Rdp.Licensing;

/// <summary>Key exchange algorithm identifiers of the licensing protocol (MS-RDPELE 2.2.2.1, 2.2.2.2).</summary>
public static class KeyExchangeAlgorithm
{
    /// <summary>KEY_EXCHANGE_ALG_RSA: the only one defined.</summary>
    public const uint Rsa = 0x00000001;
}
