using System.Security.Cryptography;
using RdLicensing.Rdp.Security;

namespace RdLicensing.Rdp.Tests.Security;

/// <summary>
/// The private operation through OpenSSL (<see cref="ServerRsaKey.DecryptRaw"/>) gives what the managed implementations
/// give — the blinded CRT (<see cref="RsaPrivateCrt"/>) and plain c^d mod n (<see cref="RawRsa"/>) — for the same key on
/// many inputs, edge cases included, and refuses what they refuse.
/// </summary>
public sealed class OpenSslRawRsaTests
{
    [Fact]
    public void Runs_in_the_libcrypto_dotnet_loaded_on_linux()
    {
        if (!OperatingSystem.IsLinux()) return; // OpenSSL is used on Linux only

        Assert.True(ServerRsaKey.UsesOpenSsl, ServerRsaKey.Implementation);
        Assert.Contains("OpenSSL 3", ServerRsaKey.Implementation);
        Assert.Contains("libcrypto.so", ServerRsaKey.Implementation);
        Assert.Contains("blinded", ServerRsaKey.Implementation);
    }

    [Theory]
    [InlineData(512)]
    [InlineData(1024)]
    [InlineData(2048)]
    public void Gives_the_same_results_as_the_managed_implementations(int bits)
    {
        using var key = ServerRsaKey.Generate(bits);
        var (managed, privateExponentLe) = Managed(key);
        using var _ = managed;
        var n = key.ModulusLength;

        foreach (var input in Inputs(key))
        {
            var expected = RawRsa.Apply(input, privateExponentLe, key.ModulusLe, n);
            Assert.Equal(expected, managed.Apply(input, key.ModulusLe, n));
            Assert.Equal(expected, key.DecryptRaw(input));
        }
    }

    // Clients send the ciphertext followed by 8 zero bytes (MS-RDPBCGR 5.3.4.1); a short value has leading zeros
    // (little-endian: missing high bytes); zero is what rdesktop sends.
    private static IEnumerable<byte[]> Inputs(ServerRsaKey key)
    {
        var n = key.ModulusLength;
        var random = new Random(1234);
        yield return new byte[n];
        yield return new byte[n + 8];
        yield return [1];
        yield return [];
        var minusOne = (byte[])key.ModulusLe.Clone();
        minusOne[0]--; // n is odd: n − 1 only changes the lowest byte
        yield return minusOne;
        yield return [.. minusOne, .. new byte[8]];
        for (var i = 0; i < 60; i++)
        {
            var value = new byte[n + (i % 2 == 0 ? 0 : 8)];
            var significant = i % 3 == 0 ? n - 1 - random.Next(n / 2) : n - 1; // many leading zero bytes, or just below the top
            random.NextBytes(value.AsSpan(0, significant));
            yield return value;
            yield return value.AsSpan(0, significant).ToArray(); // the same number, shorter
        }
        // A value whose top byte equals the modulus's and is below it only further down.
        // (The first non-zero byte from the middle down is cleared: clearing a byte that is already zero would give n itself,
        // which no key produces — once in 256 keys before.)
        var close = (byte[])key.ModulusLe.Clone();
        var k = n / 2;
        while (close[k] == 0) k--; // the lowest byte of an odd modulus is never zero
        close[k] = 0;
        yield return close;
    }

    [Fact]
    public void Refuses_an_input_not_below_the_modulus_and_accepts_the_one_just_below()
    {
        using var key = ServerRsaKey.Generate(2048);
        var n = key.ModulusLength;
        var modulus = key.ModulusLe;
        var plusOne = (byte[])modulus.Clone();
        plusOne[0]++; // n is odd: no carry
        var allOnes = Enumerable.Repeat((byte)0xFF, n).ToArray();
        var minusOne = (byte[])modulus.Clone();
        minusOne[0]--;

        Assert.Throws<RdpProtocolException>(() => key.DecryptRaw(modulus));
        Assert.Throws<RdpProtocolException>(() => key.DecryptRaw([.. modulus, .. new byte[8]]));
        Assert.Throws<RdpProtocolException>(() => key.DecryptRaw(plusOne));
        Assert.Throws<RdpProtocolException>(() => key.DecryptRaw(allOnes));
        // Positive control: n − 1 is (−1)^d = −1 = n − 1 (d is odd).
        Assert.Equal(minusOne, key.DecryptRaw(minusOne));
    }

    // The exchange the session host runs: the client encrypts a 32-byte client random with the public key (as our client
    // and FreeRDP do, textbook RSA little-endian, followed by 8 zero bytes), the server recovers it.
    [Fact]
    public void Recovers_a_client_random_encrypted_with_the_public_key()
    {
        using var key = ServerRsaKey.Generate(2048);
        var clientRandom = RandomNumberGenerator.GetBytes(32);
        var cipher = RawRsa.Apply(clientRandom, BitConverter.GetBytes(key.PublicExponent), key.ModulusLe, key.ModulusLength);

        var plain = key.DecryptRaw([.. cipher, .. new byte[8]]);

        Assert.Equal(clientRandom, plain[..32]);
        Assert.All(plain[32..], b => Assert.Equal(0, b));
    }

    [Fact]
    public void Blinding_gives_the_same_result_every_time()
    {
        using var key = ServerRsaKey.Generate(1024);
        var (managed, _) = Managed(key);
        using var _ = managed;
        var input = RandomNumberGenerator.GetBytes(key.ModulusLength - 1);

        var first = managed.Apply(input, key.ModulusLe, key.ModulusLength);
        for (var i = 0; i < 20; i++) Assert.Equal(first, managed.Apply(input, key.ModulusLe, key.ModulusLength));
        Assert.Equal(first, key.DecryptRaw(input));
    }

    private static (RsaPrivateCrt Crt, byte[] PrivateExponentLe) Managed(ServerRsaKey key)
    {
        var p = key.Algorithm.ExportParameters(includePrivateParameters: true);
        var d = (byte[])p.D!.Clone();
        Array.Reverse(d);
        return (new RsaPrivateCrt(p.P!, p.Q!, p.DP!, p.DQ!, p.InverseQ!, key.ModulusLe, key.PublicExponent), d);
    }
}
