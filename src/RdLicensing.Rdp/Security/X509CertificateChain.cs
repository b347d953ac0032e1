using RdLicensing.Rdp.Wire;

namespace RdLicensing.Rdp.Security;

/// <summary>
/// SERVER_CERTIFICATE with dwVersion CERT_CHAIN_VERSION_2 (MS-RDPBCGR 2.2.1.4.3.1, X509 Certificate Chain 2.2.1.4.3.1.2):
/// NumCertBlobs, then each certificate as cbCert + DER, root first and the server's own certificate last, then
/// 8 + 4 × NumCertBlobs bytes of padding. Clients take the RSA public key of the last certificate.
/// </summary>
public static class X509CertificateChain
{
    public const uint CertChainVersion2 = 0x00000002;
    private const uint CertChainVersionMask = 0x7FFFFFFF;
    private const int MaxCertificates = 16;
    private const int MaxCertificateLength = 16 * 1024;

    public static byte[] Build(IReadOnlyList<byte[]> certificates)
    {
        if (certificates.Count is 0 or > MaxCertificates) throw new ArgumentException($"A certificate chain holds 1 to {MaxCertificates} certificates.", nameof(certificates));
        var w = new ByteWriter();
        w.U32Le(CertChainVersion2).U32Le((uint)certificates.Count);
        foreach (var certificate in certificates) w.U32Le((uint)certificate.Length).Bytes(certificate);
        w.Zeros(8 + 4 * certificates.Count);
        return w.Written.ToArray();
    }

    /// <summary>Whether a SERVER_CERTIFICATE is a chain (else a proprietary certificate).</summary>
    public static bool IsChain(ReadOnlySpan<byte> serverCertificate) =>
        serverCertificate.Length >= 4 && (System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(serverCertificate) & CertChainVersionMask) == CertChainVersion2;

    /// <summary>The DER certificates, root first.</summary>
    public static IReadOnlyList<byte[]> Parse(ReadOnlySpan<byte> serverCertificate)
    {
        var r = new ByteReader(serverCertificate);
        var version = r.U32Le("certificate chain dwVersion");
        if ((version & CertChainVersionMask) != CertChainVersion2) throw new RdpProtocolException($"server certificate: dwVersion 0x{version:X8} is not CERT_CHAIN_VERSION_2.");
        var count = r.U32Le("NumCertBlobs");
        if (count is 0 or > MaxCertificates) throw new RdpProtocolException($"server certificate chain: {count} certificates (1 to {MaxCertificates} are read).");
        var certificates = new List<byte[]>();
        for (var i = 0; i < count; i++)
        {
            var length = r.U32Le("cbCert");
            if (length is 0 or > MaxCertificateLength) throw new RdpProtocolException($"server certificate chain: certificate {i + 1} has {length} bytes.");
            certificates.Add(r.Bytes((int)length, "abCert"));
        }
        return certificates;
    }
}
