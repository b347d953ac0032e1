namespace RdLicensing.Rdp.Security;

/// <summary>
/// The session keys of standard RDP security, non-FIPS (MS-RDPBCGR 5.3.5.1), derived from the client and server
/// randoms. Keys are already reduced to the negotiated strength: 16 bytes for 128-bit, 8 salted bytes for 40/56-bit.
/// </summary>
public sealed class RdpSessionKeys
{
    private static readonly byte[] Salt40 = [0xD1, 0x26, 0x9E];
    private static readonly byte[] Salt56 = [0xD1];

    private RdpSessionKeys(EncryptionMethod method, byte[] macKey, byte[] clientEncryptKey, byte[] serverEncryptKey)
    {
        Method = method;
        MacKey = macKey;
        ClientEncryptKey = clientEncryptKey;
        ServerEncryptKey = serverEncryptKey;
    }

    public EncryptionMethod Method { get; }

    /// <summary>MACKeyN: signs both directions.</summary>
    public byte[] MacKey { get; }

    /// <summary>
    /// The key the CLIENT encrypts with, so the key the server decrypts with: InitialClientEncryptKey =
    /// InitialServerDecryptKey = FinalHash(Third128Bits(SessionKeyBlob)).
    /// </summary>
    public byte[] ClientEncryptKey { get; }

    /// <summary>
    /// The key the SERVER encrypts with, so the key the client decrypts with: InitialServerEncryptKey =
    /// InitialClientDecryptKey = FinalHash(Second128Bits(SessionKeyBlob)).
    /// </summary>
    public byte[] ServerEncryptKey { get; }

    /// <exception cref="RdpProtocolException">FIPS (0x10) or an unknown method: only RC4 methods are supported.</exception>
    public static RdpSessionKeys Derive(ReadOnlySpan<byte> clientRandom32, ReadOnlySpan<byte> serverRandom32, EncryptionMethod method)
    {
        if (clientRandom32.Length != 32) throw new ArgumentException($"The client random has 32 bytes, not {clientRandom32.Length}.", nameof(clientRandom32));
        if (serverRandom32.Length != 32) throw new ArgumentException($"The server random has 32 bytes, not {serverRandom32.Length}.", nameof(serverRandom32));
        RequireRc4Method(method);

        Span<byte> preMasterSecret = stackalloc byte[48]; // First192Bits(ClientRandom) + First192Bits(ServerRandom)
        clientRandom32[..24].CopyTo(preMasterSecret);
        serverRandom32[..24].CopyTo(preMasterSecret[24..]);
        var masterSecret = KeyHashing.SaltedHash48(preMasterSecret, clientRandom32, serverRandom32, "A", "BB", "CCC");
        var sessionKeyBlob = KeyHashing.SaltedHash48(masterSecret, clientRandom32, serverRandom32, "X", "YY", "ZZZ");

        var macKey128 = sessionKeyBlob[..16];
        var serverEncryptKey128 = KeyHashing.FinalHash(sessionKeyBlob.AsSpan(16, 16), clientRandom32, serverRandom32);
        var clientEncryptKey128 = KeyHashing.FinalHash(sessionKeyBlob.AsSpan(32, 16), clientRandom32, serverRandom32);
        return new RdpSessionKeys(method, Reduce(macKey128, method), Reduce(clientEncryptKey128, method), Reduce(serverEncryptKey128, method));
    }

    /// <summary>RC4 key length for a method (MS-RDPBCGR 5.3.5.1, table of salt values).</summary>
    public static int KeyLength(EncryptionMethod method)
    {
        RequireRc4Method(method);
        return method == EncryptionMethod.Bits128 ? 16 : 8;
    }

    /// <summary>
    /// 128-bit keys stay whole; 40- and 56-bit keys keep their first 64 bits with the first 3 bytes (D1 26 9E) or the
    /// first byte (D1) replaced by the salt. Used for the initial keys here and for updated keys (5.3.7.1).
    /// </summary>
    internal static byte[] Reduce(ReadOnlySpan<byte> key, EncryptionMethod method)
    {
        var reduced = key[..KeyLength(method)].ToArray();
        if (method == EncryptionMethod.Bits40) Salt40.CopyTo(reduced, 0);
        else if (method == EncryptionMethod.Bits56) Salt56.CopyTo(reduced, 0);
        return reduced;
    }

    internal static void RequireRc4Method(EncryptionMethod method)
    {
        switch (method)
        {
            case EncryptionMethod.Bits40 or EncryptionMethod.Bits56 or EncryptionMethod.Bits128:
                return;
            case EncryptionMethod.None:
                throw new ArgumentException("Encryption method None has no session keys.", nameof(method));
            case (EncryptionMethod)0x10:
                throw new RdpProtocolException("FIPS encryption (ENCRYPTION_METHOD_FIPS, 0x10: Triple DES, MS-RDPBCGR 5.3.5.2) is not supported; only the RC4 methods 40-, 56- and 128-bit are.");
            default:
                throw new RdpProtocolException($"Unknown encryption method 0x{(uint)method:X}.");
        }
    }
}
