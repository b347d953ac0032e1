using RdLicensing.Rdp.Security;

namespace RdLicensing.Rdp.Tests.Security;

public sealed class Rc4Tests
{
    // RFC 6229 section 2, "Test Vectors for the Stream Cipher RC4": keystream bytes (the encryption of zeros) at the
    // listed offsets for the keys 0x0102030405 (40-bit), 0x01020304050607 (56-bit) and 0x0102...0f10 (128-bit).
    [Theory]
    [InlineData("0102030405", 0, "b2 39 63 05 f0 3d c0 27 cc c3 52 4a 0a 11 18 a8")]
    [InlineData("0102030405", 16, "69 82 94 4f 18 fc 82 d5 89 c4 03 a4 7a 0d 09 19")]
    [InlineData("0102030405", 240, "28 cb 11 32 c9 6c e2 86 42 1d ca ad b8 b6 9e ae")]
    [InlineData("0102030405", 256, "1c fc f6 2b 03 ed db 64 1d 77 df cf 7f 8d 8c 93")]
    [InlineData("0102030405", 4080, "06 83 26 a2 11 84 16 d2 1f 9d 04 b2 cd 1c a0 50")]
    [InlineData("0102030405", 4096, "ff 25 b5 89 95 99 67 07 e5 1f bd f0 8b 34 d8 75")]
    [InlineData("01020304050607", 0, "29 3f 02 d4 7f 37 c9 b6 33 f2 af 52 85 fe b4 6b")]
    [InlineData("01020304050607", 16, "e6 20 f1 39 0d 19 bd 84 e2 e0 fd 75 20 31 af c1")]
    [InlineData("0102030405060708090a0b0c0d0e0f10", 0, "9a c7 cc 9a 60 9d 1e f7 b2 93 28 99 cd e4 1b 97")]
    [InlineData("0102030405060708090a0b0c0d0e0f10", 16, "52 48 c4 95 90 14 12 6a 6e 8a 84 f1 1d 1a 9e 1c")]
    [InlineData("0102030405060708090a0b0c0d0e0f10", 4080, "ff 38 26 5c 16 42 c1 ab e8 d3 c2 fe 5e 57 2b f8")]
    [InlineData("0102030405060708090a0b0c0d0e0f10", 4096, "a3 6a 4c 30 1a e8 ac 13 61 0c cb c1 22 56 ca cc")]
    public void Keystream_matches_RFC_6229(string key, int offset, string expected)
    {
        var keystream = Rc4.Once(Hex.Bytes(key), new byte[offset + 16]);

        Assert.Equal(Hex.Bytes(expected), keystream[offset..]);
    }

    // The classic vector (Wikipedia "RC4", test vectors): key "Key", plaintext "Plaintext".
    [Fact]
    public void Encrypts_the_classic_Key_Plaintext_vector()
    {
        var ciphertext = Rc4.Once("Key"u8, "Plaintext"u8);

        Assert.Equal(Hex.Bytes("BB F3 16 E8 D9 40 AF 0A D3"), ciphertext);
    }

    [Fact]
    public void Successive_calls_continue_one_keystream()
    {
        var key = Hex.Bytes("0102030405060708090a0b0c0d0e0f10");
        var whole = new Rc4(key).Process(new byte[4112]);

        var rc4 = new Rc4(key);
        var pieces = new List<byte>();
        foreach (var size in new[] { 1, 15, 240, 3824, 32 }) pieces.AddRange(rc4.Process(new byte[size]));

        Assert.Equal(whole, pieces.ToArray());
    }

    [Fact]
    public void Processes_in_place()
    {
        var buffer = "Plaintext"u8.ToArray();

        new Rc4("Key"u8).Process(buffer, buffer);

        Assert.Equal(Hex.Bytes("BB F3 16 E8 D9 40 AF 0A D3"), buffer);
    }

    [Fact]
    public void Decrypting_with_a_fresh_cipher_restores_the_plaintext()
    {
        var plaintext = "licensing blob"u8.ToArray();

        Assert.Equal(plaintext, Rc4.Once("k"u8, Rc4.Once("k"u8, plaintext)));
    }

    [Fact]
    public void Rejects_an_empty_key_and_a_short_output()
    {
        Assert.Throws<ArgumentException>(() => new Rc4([]));
        Assert.Throws<ArgumentException>(() => new Rc4("Key"u8).Process(new byte[4], new byte[3]));
    }
}
