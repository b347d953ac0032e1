using System.Security.Cryptography;
using RdLicensing.Rdp.Security;

namespace RdLicensing.Rdp.Tests.Security;

public sealed class ServerRsaKeyTests
{
    [Fact]
    public void Generates_a_key_of_the_requested_size_with_the_usual_exponent()
    {
        using var key = ServerRsaKey.Generate();

        Assert.Equal(256, key.ModulusLength);
        Assert.Equal(256, key.ModulusLe.Length);
        Assert.True(key.ModulusLe[^1] >= 0x80, "the most significant byte (last, little-endian) has its top bit set");
        Assert.Equal(65537u, key.PublicExponent);
    }

    [Fact]
    public void Survives_a_PKCS8_PEM_round_trip()
    {
        using var key = ServerRsaKey.Generate(1024);
        var pem = key.ExportPkcs8Pem();

        using var again = ServerRsaKey.FromPkcs8Pem(pem);

        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", pem);
        Assert.Equal(key.ModulusLe, again.ModulusLe);
        Assert.Equal(key.PublicExponent, again.PublicExponent);
    }

    // An independent check of the little-endian private operation: .NET's own RSA encrypts with PKCS#1 v1.5 padding
    // (big-endian), the raw decryption must then show the padded block 00 02 PS 00 message (RFC 8017 7.2.1).
    [Fact]
    public void Raw_decryption_recovers_a_block_padded_by_the_platform_RSA()
    {
        using var key = ServerRsaKey.Generate(1024);
        using var platform = RSA.Create();
        platform.ImportFromPem(key.ExportPkcs8Pem());
        var message = "client random: 32 bytes exactly"u8.ToArray();
        var cipherBigEndian = platform.Encrypt(message, RSAEncryptionPadding.Pkcs1);

        var blockLe = key.DecryptRaw(cipherBigEndian.Reverse().ToArray());

        var block = blockLe.Reverse().ToArray();
        Assert.Equal(0x00, block[0]);
        Assert.Equal(0x02, block[1]);
        Assert.Equal(0x00, block[^(message.Length + 1)]);
        Assert.Equal(message, block[^message.Length..]);
    }

    [Fact]
    public void Refuses_other_PEMs_and_odd_sizes()
    {
        using var rsa = RSA.Create(1024);

        Assert.Throws<ArgumentException>(() => ServerRsaKey.FromPkcs8Pem(rsa.ExportRSAPublicKeyPem()));
        Assert.Throws<ArgumentOutOfRangeException>(() => ServerRsaKey.Generate(256));
        Assert.Throws<ArgumentOutOfRangeException>(() => ServerRsaKey.Generate(1000));
    }

    [Fact]
    public void Is_unusable_once_disposed()
    {
        var key = ServerRsaKey.Generate(512);
        key.Dispose();

        Assert.Throws<ObjectDisposedException>(() => key.DecryptRaw(new byte[64]));
        Assert.Throws<ObjectDisposedException>(() => key.ExportPkcs8Pem());
    }
}
