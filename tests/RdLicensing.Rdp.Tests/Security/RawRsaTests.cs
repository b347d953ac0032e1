using RdLicensing.Rdp.Security;

namespace RdLicensing.Rdp.Tests.Security;

public sealed class RawRsaTests
{
    // The textbook example key n = 61 * 53 = 3233, e = 17, d = 2753 (Rivest-Shamir-Adleman worked example, as on
    // Wikipedia "RSA (cryptosystem)"): 65^17 mod 3233 = 2790 and back.
    private static readonly byte[] ModulusLe = [0xA1, 0x0C]; // 3233
    private static readonly byte[] PublicLe = [17];
    private static readonly byte[] PrivateLe = [0xC1, 0x0A]; // 2753

    [Fact]
    public void Computes_the_textbook_example_little_endian()
    {
        var cipher = RawRsa.Apply([65], PublicLe, ModulusLe, 2);
        Assert.Equal(new byte[] { 0xE6, 0x0A }, cipher); // 2790

        Assert.Equal(new byte[] { 65, 0 }, RawRsa.Apply(cipher, PrivateLe, ModulusLe, 2));
    }

    [Fact]
    public void Round_trips_with_a_generated_key()
    {
        using var key = ServerRsaKey.Generate(1024);
        var value = new byte[key.ModulusLength];
        Random.Shared.NextBytes(value.AsSpan(0, 48));
        var exponent = BitConverter.GetBytes(key.PublicExponent);

        var cipher = RawRsa.Apply(value, exponent, key.ModulusLe, key.ModulusLength);

        Assert.Equal(value, key.DecryptRaw(cipher));
    }

    // rdesktop sends an all-zero "encrypted" premaster secret (modulus length + 8 zero bytes): 0^d = 0.
    [Fact]
    public void Accepts_a_zero_value()
    {
        using var key = ServerRsaKey.Generate(512);

        Assert.Equal(new byte[key.ModulusLength], key.DecryptRaw(new byte[key.ModulusLength + 8]));
    }

    // Clients send the ciphertext followed by 8 zero bytes (MS-RDPBCGR 5.3.4.1, MS-RDPELE 2.2.2.2).
    [Fact]
    public void Uses_only_the_first_modulus_length_bytes()
    {
        using var key = ServerRsaKey.Generate(512);
        var value = new byte[key.ModulusLength];
        value[0] = 42;
        var cipher = RawRsa.Apply(value, BitConverter.GetBytes(key.PublicExponent), key.ModulusLe, key.ModulusLength);

        var padded = cipher.Concat(new byte[8]).ToArray();

        Assert.Equal(value, key.DecryptRaw(padded));
    }

    [Fact]
    public void Rejects_a_value_not_below_the_modulus()
    {
        Assert.Throws<RdpProtocolException>(() => RawRsa.Apply(ModulusLe, PublicLe, ModulusLe, 2));
        Assert.Throws<RdpProtocolException>(() => RawRsa.Apply([0xFF, 0xFF], PublicLe, ModulusLe, 2));
    }

    [Fact]
    public void Pads_the_result_and_refuses_an_output_too_short()
    {
        Assert.Equal(new byte[] { 1, 0, 0, 0 }, RawRsa.Apply([1], PublicLe, ModulusLe, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => RawRsa.Apply([65], PublicLe, ModulusLe, 1));
    }
}
