using System.Buffers.Binary;
using System.Security.Cryptography.X509Certificates;
using RdLicensing.Rdp.Security;

namespace RdLicensing.Rdp.Client;

/// <summary>
/// The server's RSA public key as a client reads it from a proprietary certificate (MS-RDPBCGR 2.2.1.4.3.1.1), and
/// the one thing a client does with it: textbook RSA of a little-endian value, sent as modulus length + 8 zero bytes
/// (the client random, MS-RDPBCGR 5.3.4.1; the licensing premaster secret, MS-RDPELE 5.1.1.1).
/// </summary>
internal sealed class ServerPublicKey
{
    private const int ZeroPaddingLength = 8;

    /// <summary>512 bits, the smallest modulus RDP clients accept (rdesktop: 64 to 256 bytes); the 48-byte premaster secret must fit below it.</summary>
    private const int MinModulusLength = 64;

    private readonly byte[] _modulusLe;
    private readonly byte[] _exponentLe = new byte[4];

    private ServerPublicKey(byte[] modulusLe, uint exponent)
    {
        _modulusLe = modulusLe;
        BinaryPrimitives.WriteUInt32LittleEndian(_exponentLe, exponent);
    }

    /// <exception cref="RdpProtocolException">Not a proprietary certificate, or its signature does not verify.</exception>
    public static ServerPublicKey FromCertificate(ReadOnlySpan<byte> certificate)
    {
        var (modulus, exponent) = X509CertificateChain.IsChain(certificate) ? FromChain(certificate) : ProprietaryCertificate.Parse(certificate);
        // Little-endian: high zero bytes are at the end and do not count.
        var significant = modulus.AsSpan().TrimEnd((byte)0).Length;
        if (significant < MinModulusLength)
            throw new RdpProtocolException($"the server certificate's RSA modulus has {significant} significant byte(s); at least {MinModulusLength} (512 bits) are needed.");
        return new ServerPublicKey(modulus, exponent);
    }

    /// <summary>The RSA key of the chain's last certificate (the server's own), little-endian as the proprietary certificate gives it.</summary>
    private static (byte[] ModulusLe, uint Exponent) FromChain(ReadOnlySpan<byte> certificate)
    {
        var chain = X509CertificateChain.Parse(certificate);
        try
        {
            using var leaf = X509CertificateLoader.LoadCertificate(chain[^1]);
            using var rsa = leaf.GetRSAPublicKey() ?? throw new RdpProtocolException("the last certificate of the server's chain has no RSA key.");
            var parameters = rsa.ExportParameters(false);
            var exponent = parameters.Exponent!.AsSpan().TrimStart((byte)0);
            if (exponent.Length > 4) throw new RdpProtocolException("the server's RSA exponent is longer than 4 bytes.");
            uint e = 0;
            foreach (var b in exponent) e = e << 8 | b;
            var modulus = parameters.Modulus!.ToArray();
            Array.Reverse(modulus);
            return (modulus, e);
        }
        catch (System.Security.Cryptography.CryptographicException e)
        {
            throw new RdpProtocolException($"the last certificate of the server's chain cannot be read ({e.Message}).");
        }
    }

    public byte[] Encrypt(ReadOnlySpan<byte> valueLe)
    {
        var encrypted = new byte[_modulusLe.Length + ZeroPaddingLength];
        RawRsa.Apply(valueLe, _exponentLe, _modulusLe, _modulusLe.Length).CopyTo(encrypted, 0);
        return encrypted;
    }
}
