using RdLicensing.Rdp.Licensing;
using RdLicensing.Rdp.Security;

namespace RdLicensing.Rdp.Tests.Security;

public sealed class LicensingKeysTests
{
    // Devolutions/IronRDP, crates/ironrdp-pdu/src/rdp/server_license/client_new_license_request/tests.rs:
    // CLIENT_RANDOM_BUFFER, SERVER_RANDOM_BUFFER, PREMASTER_SECRET_BUFFER and the MASTER_SECRET_BUFFER,
    // SESSION_KEY_BLOB and LICENSE_KEY_BUFFER derived from them per MS-RDPELE 5.1.2.
    private static readonly byte[] ClientRandom = Hex.Bytes("4b 5b 7b 43 63 8a 08 fe d1 7a ba f5 91 85 77 fe 39 36 f6 d7 78 ec 6a cc 89 4a 90 41 2c ac 5a 49");
    private static readonly byte[] ServerRandom = Hex.Bytes("5c 81 f0 11 eb cf d1 0e b4 1f b3 ba 93 a2 d7 39 09 aa 99 e9 10 d4 d7 95 dd ad 91 69 05 26 6b 6a");
    private static readonly byte[] PreMasterSecret = Hex.Bytes(
        "14 28 da fb b9 ea 38 ab 5e a2 f9 04 f7 89 9c 98 3d 50 45 77 bf 17 81 1c 37 87 c2 48 13 e8 c9 20 4d df f3 27 bd b6 98 7e 64 da fe 1d 31 2f 62 ca");
    private static readonly byte[] MasterSecret = Hex.Bytes(
        "fe dc 51 9a db 3a c9 61 04 07 24 94 5d 0c 43 a7 70 e3 f3 00 50 d7 a8 72 3e ab 7e 1b e4 64 e5 c5 74 ae ed 10 72 96 2a 4c 65 09 4f 60 12 a9 12 a1");
    private static readonly byte[] SessionKeyBlob = Hex.Bytes(
        "f7 03 75 b9 5f da d0 be b4 2a f5 c1 3d 98 85 7a d6 c5 39 4c e3 cb 76 61 aa 4a b6 15 7e 89 21 3d df 5b 25 32 ee 05 06 0d 5b aa 63 14 af a5 46 0f");
    private static readonly byte[] LicenseKey = Hex.Bytes("fa 44 e8 78 d8 2b 3f 1d 4d 00 a0 a6 55 ce 8a b7");

    [Fact]
    public void Derives_the_published_master_secret()
    {
        Assert.Equal(MasterSecret, KeyHashing.SaltedHash48(PreMasterSecret, ClientRandom, ServerRandom, "A", "BB", "CCC"));
        Assert.Equal(MasterSecret[..16], KeyHashing.SaltedHash(PreMasterSecret, "A"u8, ClientRandom, ServerRandom));
    }

    // The session key blob salts with the randoms swapped (ServerRandom + ClientRandom).
    [Fact]
    public void Derives_the_published_session_key_blob_mac_salt_key_and_licensing_key()
    {
        var keys = LicensingKeys.Derive(PreMasterSecret, ClientRandom, ServerRandom);

        Assert.Equal(SessionKeyBlob, KeyHashing.SaltedHash48(MasterSecret, ServerRandom, ClientRandom, "A", "BB", "CCC"));
        Assert.Equal(SessionKeyBlob[..16], keys.MacSaltKey);
        Assert.Equal(LicenseKey, keys.EncryptionKey);
    }

    // IronRDP, client_platform_challenge_response/test.rs, challenge_response_creates_from_server_challenge_...:
    // a Server Platform Challenge encrypted with license_key e178e4a0... whose MAC (mac_salt_key 015b9e5f...) covers
    // the plaintext challenge "TEST\0" in UTF-16LE, as in MS-RDPELE 4.4.
    [Fact]
    public void Decrypts_and_verifies_the_published_platform_challenge()
    {
        var keys = KeysFrom(macSaltKey: "01 5b 9e 5f 06 97 71 58 c3 b8 8b 8c 6e 77 21 37", encryptionKey: "e1 78 e4 a0 2a c5 ca b8 a2 d1 53 b8 07 23 f3 d2");
        var encrypted = Hex.Bytes("26 38 88 77 cb e8 bf ce 2c 51");
        var mac = Hex.Bytes("51 4a 27 2c 74 18 ec 88 95 dd ac 10 3e 3f 0a 72");

        var challenge = keys.Decrypt(encrypted);

        Assert.Equal("T\0E\0S\0T\0\0\0"u8.ToArray(), challenge);
        Assert.Equal(mac, keys.Mac(challenge));
        Assert.True(keys.VerifyMac(challenge, mac));
        Assert.Equal(encrypted, keys.Encrypt(challenge));
    }

    [Fact]
    public void Every_blob_is_encrypted_with_a_fresh_cipher()
    {
        var keys = LicensingKeys.Derive(PreMasterSecret, ClientRandom, ServerRandom);

        Assert.Equal(keys.Encrypt("HWID"u8), keys.Encrypt("HWID"u8));
    }

    [Fact]
    public void Rejects_a_wrong_or_truncated_MAC()
    {
        var keys = LicensingKeys.Derive(PreMasterSecret, ClientRandom, ServerRandom);
        var mac = keys.Mac("response"u8);
        var wrong = (byte[])mac.Clone();
        wrong[15] ^= 1;

        Assert.Equal(16, mac.Length);
        Assert.False(keys.VerifyMac("response"u8, wrong));
        Assert.False(keys.VerifyMac("response"u8, mac[..8]));
        Assert.False(keys.VerifyMac("responsE"u8, mac));
    }

    // rdesktop 1.9 sends an all-zero premaster secret and client random: the keys must still derive.
    [Fact]
    public void Derives_from_rdesktop_zero_premaster_secret()
    {
        var keys = LicensingKeys.Derive(new byte[48], new byte[32], ServerRandom);

        Assert.Equal(16, keys.MacSaltKey.Length);
        Assert.Equal(16, keys.EncryptionKey.Length);
    }

    [Fact]
    public void Refuses_inputs_of_the_wrong_size()
    {
        Assert.Throws<ArgumentException>(() => LicensingKeys.Derive(new byte[47], ClientRandom, ServerRandom));
        Assert.Throws<ArgumentException>(() => LicensingKeys.Derive(PreMasterSecret, new byte[31], ServerRandom));
        Assert.Throws<ArgumentException>(() => LicensingKeys.Derive(PreMasterSecret, ClientRandom, new byte[33]));
    }

    /// <summary>IronRDP's challenge vector gives the two keys directly; only their use is under test there.</summary>
    private static LicensingKeys KeysFrom(string macSaltKey, string encryptionKey) =>
        LicensingKeys.FromKeys(Hex.Bytes(macSaltKey), Hex.Bytes(encryptionKey));
}
