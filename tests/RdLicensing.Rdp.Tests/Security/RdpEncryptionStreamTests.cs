using RdLicensing.Rdp.Security;

namespace RdLicensing.Rdp.Tests.Security;

public sealed class RdpEncryptionStreamTests
{
    private static readonly RdpSessionKeys Keys128 =
        RdpSessionKeys.Derive(RdpSessionKeysTests.ClientRandom, RdpSessionKeysTests.ServerRandom, EncryptionMethod.Bits128);

    [Fact]
    public void Encrypts_with_the_continuous_RC4_stream_and_MACs_the_plaintext()
    {
        var stream = new RdpEncryptionStream(Keys128.ServerEncryptKey, Keys128.MacKey, EncryptionMethod.Bits128);
        var first = "first PDU"u8.ToArray();
        var second = "second PDU"u8.ToArray();

        var c1 = stream.Encrypt(first, out var mac1);
        var c2 = stream.Encrypt(second, out var mac2);

        var keystream = Rc4.Once(Keys128.ServerEncryptKey, new byte[first.Length + second.Length]);
        Assert.Equal(Xor(first, keystream[..first.Length]), c1);
        Assert.Equal(Xor(second, keystream[first.Length..]), c2);
        Assert.Equal(RdpMac.Compute(Keys128.MacKey, first), mac1);
        Assert.Equal(RdpMac.Compute(Keys128.MacKey, second), mac2);
    }

    [Fact]
    public void The_client_side_stream_decrypts_what_the_server_encrypts()
    {
        var server = new RdpEncryptionStream(Keys128.ServerEncryptKey, Keys128.MacKey, EncryptionMethod.Bits128);
        var client = new RdpEncryptionStream(Keys128.ServerEncryptKey, Keys128.MacKey, EncryptionMethod.Bits128);

        for (var n = 0; n < 3; n++)
        {
            var plain = new byte[20 + n];
            Random.Shared.NextBytes(plain);
            var cipher = server.Encrypt(plain, out var mac, salted: n == 1);
            Assert.Equal(plain, client.Decrypt(cipher, mac, salted: n == 1));
        }
        Assert.Equal(3u, client.PacketCount);
    }

    // The salted MAC carries the number of packets encrypted before this one (MS-RDPBCGR 5.3.6.1.1).
    [Fact]
    public void Salted_MACs_count_the_packets_already_encrypted()
    {
        var stream = new RdpEncryptionStream(Keys128.ServerEncryptKey, Keys128.MacKey, EncryptionMethod.Bits128);
        stream.Encrypt("a"u8, out _);
        stream.Encrypt("b"u8, out _);

        stream.Encrypt("c"u8, out var mac, salted: true);

        Assert.Equal(RdpMac.ComputeSalted(Keys128.MacKey, "c"u8, 2), mac);
    }

    [Fact]
    public void A_wrong_MAC_is_a_MAC_mismatch()
    {
        var server = new RdpEncryptionStream(Keys128.ServerEncryptKey, Keys128.MacKey, EncryptionMethod.Bits128);
        var client = new RdpEncryptionStream(Keys128.ServerEncryptKey, Keys128.MacKey, EncryptionMethod.Bits128);
        var cipher = server.Encrypt("payload"u8, out var mac);
        mac[0] ^= 0x80;

        var error = Assert.Throws<RdpProtocolException>(() => client.Decrypt(cipher, mac));
        Assert.Contains("MAC mismatch", error.Message);
    }

    [Fact]
    public void Decrypting_with_the_other_direction_key_is_a_MAC_mismatch()
    {
        var server = new RdpEncryptionStream(Keys128.ServerEncryptKey, Keys128.MacKey, EncryptionMethod.Bits128);
        var wrong = new RdpEncryptionStream(Keys128.ClientEncryptKey, Keys128.MacKey, EncryptionMethod.Bits128);
        var cipher = server.Encrypt("payload"u8, out var mac);

        Assert.Throws<RdpProtocolException>(() => wrong.Decrypt(cipher, mac));
    }

    // MS-RDPBCGR 5.3.7.1: after 4,096 packets the key is updated and RC4 restarts with it, so packet 4,097 begins a new
    // keystream. No published vector for key updates was found: the updated keys below come from an independent
    // re-derivation (a separate Python script written from the 5.3.7.1 text) for the initial keys of the worked
    // session-key sample (128-bit: 598db36b...; 40-bit: d1269e6b64bd0775, salted again after the update).
    [Theory]
    [InlineData(EncryptionMethod.Bits128, "89 ce 5b a1 c5 89 be 21 b1 94 18 c2 b9 e7 82 a3")]
    [InlineData(EncryptionMethod.Bits40, "d1 26 9e 17 1e 10 48 a3")]
    public void Updates_the_key_after_4096_packets(EncryptionMethod method, string updatedKey)
    {
        var keys = RdpSessionKeys.Derive(RdpSessionKeysTests.ClientRandom, RdpSessionKeysTests.ServerRandom, method);
        var stream = new RdpEncryptionStream(keys.ServerEncryptKey, keys.MacKey, method);
        var initialKeystream = Rc4.Once(keys.ServerEncryptKey, new byte[RdpEncryptionStream.PacketsPerKey]);

        var lastWithInitialKey = Array.Empty<byte>();
        for (var n = 0; n < RdpEncryptionStream.PacketsPerKey; n++) lastWithInitialKey = stream.Encrypt(new byte[1], out _);
        var firstWithNewKey = stream.Encrypt(new byte[8], out _);

        Assert.Equal(initialKeystream[^1], lastWithInitialKey[0]);
        Assert.Equal(Rc4.Once(Hex.Bytes(updatedKey), new byte[8]), firstWithNewKey);
    }

    [Theory]
    [InlineData(EncryptionMethod.Bits40)]
    [InlineData(EncryptionMethod.Bits56)]
    [InlineData(EncryptionMethod.Bits128)]
    public void Both_ends_stay_in_step_across_two_key_updates(EncryptionMethod method)
    {
        var keys = RdpSessionKeys.Derive(RdpSessionKeysTests.ClientRandom, RdpSessionKeysTests.ServerRandom, method);
        var client = new RdpEncryptionStream(keys.ClientEncryptKey, keys.MacKey, method);
        var server = new RdpEncryptionStream(keys.ClientEncryptKey, keys.MacKey, method);
        var plain = "Client Info and input"u8.ToArray();

        for (var n = 0; n < 2 * RdpEncryptionStream.PacketsPerKey + 5; n++)
        {
            var cipher = client.Encrypt(plain, out var mac, salted: true);
            Assert.Equal(plain, server.Decrypt(cipher, mac, salted: true));
        }
    }

    [Fact]
    public void Refuses_keys_that_do_not_fit_the_method()
    {
        Assert.Throws<ArgumentException>(() => new RdpEncryptionStream(new byte[8], new byte[8], EncryptionMethod.Bits128));
        Assert.Throws<ArgumentException>(() => new RdpEncryptionStream(new byte[16], new byte[16], EncryptionMethod.Bits40));
        Assert.Throws<RdpProtocolException>(() => new RdpEncryptionStream(new byte[16], new byte[16], (EncryptionMethod)0x10));
    }

    private static byte[] Xor(byte[] a, byte[] b) => a.Zip(b, (x, y) => (byte)(x ^ y)).ToArray();
}
