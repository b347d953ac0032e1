using RdLicensing.Rdp.Security;

namespace RdLicensing.Rdp.Tests.Security;

public sealed class RdpSessionKeysTests
{
    // "Detailed sample: Computing message hashing keys", a step-by-step worked example of MS-RDPBCGR 5.3.5.1 kept
    // beside the quoted specification text in wallix/redemption, src/core/RDP/sec.hpp (section "5.3.5.1 Non-FIPS").
    internal static readonly byte[] ClientRandom = Hex.Bytes("f1 0b 35 78 df 9e cc 37 9c 4e 65 68 f2 32 87 5e 23 97 87 b6 91 65 21 bb c6 b0 86 81 1d 78 f3 c5");
    internal static readonly byte[] ServerRandom = Hex.Bytes("7a fb 29 5b 7e 19 74 67 ae 88 a1 ad 80 bf 8c 6c e0 16 4b 03 82 16 10 bd a2 8c 85 5f 48 74 85 7e");
    internal static readonly byte[] MacKey128 = Hex.Bytes("15 0e 4f 19 89 ae be 30 5f 08 ab 26 4a 2d 66 26");
    internal static readonly byte[] ServerEncryptKey128 = Hex.Bytes("59 8d b3 6b 64 bd 07 75 85 8a f6 28 5f ba 94 30"); // "ServerEncryption/ClientDecryption"
    internal static readonly byte[] ClientEncryptKey128 = Hex.Bytes("cd 8c 18 db d4 34 bd 2f 9e 9a 3d b4 ee 11 af 92"); // "ServerDecryption/ClientEncryption"

    [Fact]
    public void Derives_the_published_128_bit_keys_in_the_right_directions()
    {
        var keys = RdpSessionKeys.Derive(ClientRandom, ServerRandom, EncryptionMethod.Bits128);

        Assert.Equal(MacKey128, keys.MacKey);
        Assert.Equal(ServerEncryptKey128, keys.ServerEncryptKey);
        Assert.Equal(ClientEncryptKey128, keys.ClientEncryptKey);
    }

    // MS-RDPBCGR 5.3.5.1: Key40 = 0xD1269E + Last40Bits(First64Bits(Key128)); Key56 = 0xD1 + Last56Bits(First64Bits(Key128)).
    [Fact]
    public void Salts_40_bit_keys_from_the_128_bit_ones()
    {
        var keys = RdpSessionKeys.Derive(ClientRandom, ServerRandom, EncryptionMethod.Bits40);

        Assert.Equal(Hex.Bytes("d1 26 9e 19 89 ae be 30"), keys.MacKey);
        Assert.Equal(Hex.Bytes("d1 26 9e 6b 64 bd 07 75"), keys.ServerEncryptKey);
        Assert.Equal(Hex.Bytes("d1 26 9e db d4 34 bd 2f"), keys.ClientEncryptKey);
    }

    [Fact]
    public void Salts_56_bit_keys_from_the_128_bit_ones()
    {
        var keys = RdpSessionKeys.Derive(ClientRandom, ServerRandom, EncryptionMethod.Bits56);

        Assert.Equal(Hex.Bytes("d1 0e 4f 19 89 ae be 30"), keys.MacKey);
        Assert.Equal(Hex.Bytes("d1 8d b3 6b 64 bd 07 75"), keys.ServerEncryptKey);
        Assert.Equal(Hex.Bytes("d1 8c 18 db d4 34 bd 2f"), keys.ClientEncryptKey);
    }

    [Fact]
    public void Refuses_FIPS_with_a_protocol_error_naming_it()
    {
        var error = Assert.Throws<RdpProtocolException>(() => RdpSessionKeys.Derive(ClientRandom, ServerRandom, (EncryptionMethod)0x10));

        Assert.Contains("FIPS", error.Message);
    }

    [Fact]
    public void Refuses_no_encryption_and_randoms_of_the_wrong_size()
    {
        Assert.Throws<ArgumentException>(() => RdpSessionKeys.Derive(ClientRandom, ServerRandom, EncryptionMethod.None));
        Assert.Throws<ArgumentException>(() => RdpSessionKeys.Derive(ClientRandom[..31], ServerRandom, EncryptionMethod.Bits128));
        Assert.Throws<ArgumentException>(() => RdpSessionKeys.Derive(ClientRandom, new byte[33], EncryptionMethod.Bits128));
    }
}
