using System.Security.Cryptography;
using RdLicensing.Rdp.Security;

namespace RdLicensing.Rdp.Licensing;

/// <summary>
/// The licensing keys of one licensing exchange (MS-RDPELE 5.1.2), derived from the premaster secret the client
/// sent RSA-encrypted and the two randoms of the licensing PDUs. Unlike the session layer, every licensing blob is
/// encrypted with a fresh RC4 cipher (5.1.3, 5.1.4), and MACs are the full 16 bytes (5.1.5).
/// </summary>
public sealed class LicensingKeys
{
    private LicensingKeys(byte[] macSaltKey, byte[] encryptionKey)
    {
        MacSaltKey = macSaltKey;
        EncryptionKey = encryptionKey;
    }

    /// <summary>First128Bits(SessionKeyBlob): keys the MAC.</summary>
    public byte[] MacSaltKey { get; }

    /// <summary>LicensingEncryptionKey = MD5(Second128Bits(SessionKeyBlob) + ClientRandom + ServerRandom): keys RC4.</summary>
    public byte[] EncryptionKey { get; }

    /// <param name="preMasterSecret48">The first 48 bytes of the decrypted EncryptedPreMasterSecret (all zero from rdesktop).</param>
    public static LicensingKeys Derive(ReadOnlySpan<byte> preMasterSecret48, ReadOnlySpan<byte> clientRandom32, ReadOnlySpan<byte> serverRandom32)
    {
        if (preMasterSecret48.Length != 48) throw new ArgumentException($"The premaster secret has 48 bytes, not {preMasterSecret48.Length}.", nameof(preMasterSecret48));
        if (clientRandom32.Length != 32) throw new ArgumentException($"The client random has 32 bytes, not {clientRandom32.Length}.", nameof(clientRandom32));
        if (serverRandom32.Length != 32) throw new ArgumentException($"The server random has 32 bytes, not {serverRandom32.Length}.", nameof(serverRandom32));

        // MasterSecret salts with ClientRandom + ServerRandom, SessionKeyBlob with the randoms swapped (5.1.2 steps 1-2).
        var masterSecret = KeyHashing.SaltedHash48(preMasterSecret48, clientRandom32, serverRandom32, "A", "BB", "CCC");
        var sessionKeyBlob = KeyHashing.SaltedHash48(masterSecret, serverRandom32, clientRandom32, "A", "BB", "CCC");
        var macSaltKey = sessionKeyBlob[..16];
        var encryptionKey = KeyHashing.FinalHash(sessionKeyBlob.AsSpan(16, 16), clientRandom32, serverRandom32);
        return new LicensingKeys(macSaltKey, encryptionKey);
    }

    /// <summary>Keys already derived elsewhere, e.g. a published vector that lists the two keys but not their inputs.</summary>
    internal static LicensingKeys FromKeys(ReadOnlySpan<byte> macSaltKey16, ReadOnlySpan<byte> encryptionKey16)
    {
        if (macSaltKey16.Length != 16) throw new ArgumentException($"The MAC salt key has 16 bytes, not {macSaltKey16.Length}.", nameof(macSaltKey16));
        if (encryptionKey16.Length != 16) throw new ArgumentException($"The licensing encryption key has 16 bytes, not {encryptionKey16.Length}.", nameof(encryptionKey16));
        return new LicensingKeys(macSaltKey16.ToArray(), encryptionKey16.ToArray());
    }

    /// <summary>MACData of MS-RDPELE 5.1.5, over the plaintext: 16 bytes.</summary>
    public byte[] Mac(ReadOnlySpan<byte> data) => RdpMac.Digest(MacSaltKey, data, salt: null);

    /// <summary>Compares in fixed time, so a forged MAC learns nothing from how long the check took.</summary>
    public bool VerifyMac(ReadOnlySpan<byte> data, ReadOnlySpan<byte> mac) => CryptographicOperations.FixedTimeEquals(Mac(data), mac);

    /// <summary>RC4 with a fresh cipher keyed by <see cref="EncryptionKey"/> (5.1.3).</summary>
    public byte[] Encrypt(ReadOnlySpan<byte> data) => Rc4.Once(EncryptionKey, data);

    /// <summary>RC4 with a fresh cipher keyed by <see cref="EncryptionKey"/> (5.1.4).</summary>
    public byte[] Decrypt(ReadOnlySpan<byte> data) => Rc4.Once(EncryptionKey, data);
}
