using System.Buffers.Binary;
using RdLicensing.Rdp.Security;

namespace RdLicensing.Rdp.Tests.Security;

public sealed class ProprietaryCertificateTests
{
    // MS-RDPBCGR 4.1.4 "Server MCS Connect Response PDU with GCC Conference Create Response": the serverCertificate
    // (184 bytes) of its Server Security Data, a proprietary certificate signed with the Terminal Services key.
    private static readonly byte[] SpecSampleCertificate = Hex.Bytes(
        "01 00 00 00 01 00 00 00 01 00 00 00 06 00 5c 00 52 53 41 31 48 00 00 00 00 02 00 00 3f 00 00 00 01 00 01 00" +
        "cb 81 fe ba 6d 61 c3 55 05 d5 5f 2e 87 f8 71 94 d6 f1 a5 cb f1 5f 0c 3d f8 70 02 96 c4 fb 9b c8" +
        "3c 2d 55 ae e8 ff 32 75 ea 68 79 e5 a2 01 fd 31 a0 b1 1f 55 a6 1f c1 f6 d1 83 88 63 26 56 12 bc" +
        "00 00 00 00 00 00 00 00 08 00 48 00" +
        "e9 e1 d6 28 46 8b 4e f5 0a df fd ee 21 99 ac b4 e1 8f 5f 81 57 82 ef 9d 96 52 63 27 18 29 db b3" +
        "4a fd 9a da 42 ad b5 69 21 89 0e 1d c0 4c 1a a8 aa 71 3e 0f 54 b9 9a e4 99 68 3f 6c d6 76 84 61" +
        "00 00 00 00 00 00 00 00");

    [Fact]
    public void Parses_and_verifies_the_MS_RDPBCGR_sample_certificate()
    {
        var (modulus, exponent) = ProprietaryCertificate.Parse(SpecSampleCertificate);

        Assert.Equal(184, SpecSampleCertificate.Length);
        Assert.Equal(65537u, exponent);
        Assert.Equal(64, modulus.Length);
        Assert.Equal(Hex.Bytes("cb 81 fe ba 6d 61 c3 55"), modulus[..8]);
    }

    [Fact]
    public void Rejects_the_sample_certificate_once_tampered_with()
    {
        var tampered = (byte[])SpecSampleCertificate.Clone();
        tampered[40] ^= 0x01; // a modulus byte: the signed hash no longer matches

        Assert.Throws<RdpProtocolException>(() => ProprietaryCertificate.Parse(tampered));
        Assert.Equal(64, ProprietaryCertificate.Parse(tampered, verifySignature: false).ModulusLe.Length);
    }

    [Fact]
    public void Builds_a_certificate_that_parses_back_and_verifies()
    {
        using var key = ServerRsaKey.Generate();

        var certificate = ProprietaryCertificate.Build(key);
        var (modulus, exponent) = ProprietaryCertificate.Parse(certificate);

        Assert.Equal(key.ModulusLe, modulus);
        Assert.Equal(key.PublicExponent, exponent);
    }

    // Field by field per MS-RDPBCGR 2.2.1.4.3.1.1 and 2.2.1.4.3.1.1.1.
    [Fact]
    public void Lays_out_the_fields_the_clients_expect()
    {
        using var key = ServerRsaKey.Generate(512);

        var c = ProprietaryCertificate.Build(key);

        uint U32(int offset) => BinaryPrimitives.ReadUInt32LittleEndian(c.AsSpan(offset));
        ushort U16(int offset) => BinaryPrimitives.ReadUInt16LittleEndian(c.AsSpan(offset));
        Assert.Equal(1u, U32(0));               // dwVersion = CERT_CHAIN_VERSION_1
        Assert.Equal(1u, U32(4));               // dwSigAlgId = SIGNATURE_ALG_RSA
        Assert.Equal(1u, U32(8));               // dwKeyAlgId = KEY_EXCHANGE_ALG_RSA
        Assert.Equal(0x0006, U16(12));          // BB_RSA_KEY_BLOB
        Assert.Equal(92, U16(14));              // 20 + 64 + 8
        Assert.Equal(0x31415352u, U32(16));     // "RSA1"
        Assert.Equal(72u, U32(20));             // keylen
        Assert.Equal(512u, U32(24));            // bitlen
        Assert.Equal(63u, U32(28));             // datalen
        Assert.Equal(key.PublicExponent, U32(32));
        Assert.Equal(key.ModulusLe, c[36..100]);
        Assert.Equal(new byte[8], c[100..108]);
        Assert.Equal(0x0008, U16(108));         // BB_RSA_SIGNATURE_BLOB
        Assert.Equal(72, U16(110));
        Assert.Equal(new byte[8], c[176..184]);
        Assert.Equal(184, c.Length);            // same size as the MS-RDPBCGR sample with its 512-bit key
    }

    [Fact]
    public void Rejects_malformed_certificates()
    {
        var x509Chain = (byte[])SpecSampleCertificate.Clone();
        x509Chain[0] = 2; // CERT_CHAIN_VERSION_2
        var truncated = SpecSampleCertificate[..150];
        var trailing = SpecSampleCertificate.Concat(new byte[] { 0 }).ToArray();

        Assert.Throws<RdpProtocolException>(() => ProprietaryCertificate.Parse(x509Chain));
        Assert.Throws<RdpProtocolException>(() => ProprietaryCertificate.Parse(truncated));
        Assert.Throws<RdpProtocolException>(() => ProprietaryCertificate.Parse(trailing));
    }
}
