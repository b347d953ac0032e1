using System.Security.Cryptography;
using RdLicensing.Rdp.Wire;

namespace RdLicensing.Rdp.Security;

/// <summary>
/// The proprietary server certificate (MS-RDPBCGR 2.2.1.4.3.1.1) carrying the server's RSA public key in the Server
/// Security Data and in the licensing Server License Request. It is signed with the Terminal Services signing key as
/// MS-RDPBCGR 5.3.3.1.2 describes; FreeRDP and rdesktop do not check the signature, Windows clients do.
/// </summary>
public static class ProprietaryCertificate
{
    private const uint CertChainVersion1 = 0x00000001;
    private const uint CertChainVersionMask = 0x7FFFFFFF; // the top bit flags a temporary certificate (2.2.1.4.3.1)
    private const uint SignatureAlgRsa = 0x00000001;
    private const uint KeyExchangeAlgRsa = 0x00000001;
    private const ushort RsaKeyBlobType = 0x0006;
    private const ushort RsaSignatureBlobType = 0x0008;
    private const uint Rsa1Magic = 0x31415352; // "RSA1"
    private const int PublicKeyHeaderLength = 20; // magic, keylen, bitlen, datalen, pubExp
    private const int ZeroPaddingLength = 8;      // both the modulus and the signature are followed by 8 zero bytes
    private const int SignedLength = TerminalServicesSigningKey.ModulusLength - 1; // 63 bytes fit below the 64-byte modulus

    /// <summary>The whole SERVER_CERTIFICATE, from dwVersion = CERT_CHAIN_VERSION_1 to the signature blob.</summary>
    public static byte[] Build(ServerRsaKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var modulusLength = key.ModulusLength;
        var w = new ByteWriter(64 + modulusLength + 2 * ZeroPaddingLength + TerminalServicesSigningKey.ModulusLength);
        w.U32Le(CertChainVersion1).U32Le(SignatureAlgRsa).U32Le(KeyExchangeAlgRsa);
        w.U16Le(RsaKeyBlobType).U16Le(PublicKeyHeaderLength + modulusLength + ZeroPaddingLength);
        w.U32Le(Rsa1Magic)
            .U32Le((uint)(modulusLength + ZeroPaddingLength)) // keylen: the modulus with its padding
            .U32Le((uint)(modulusLength * 8))                 // bitlen
            .U32Le((uint)(modulusLength - 1))                 // datalen: the most a single RSA block can carry
            .U32Le(key.PublicExponent)
            .Bytes(key.ModulusLe)
            .Zeros(ZeroPaddingLength);

        var signature = Sign(w.Written);
        w.U16Le(RsaSignatureBlobType).U16Le(signature.Length + ZeroPaddingLength).Bytes(signature).Zeros(ZeroPaddingLength);
        return w.ToArray();
    }

    /// <summary>Reads the server's public key from a proprietary certificate, as a client does.</summary>
    /// <exception cref="RdpProtocolException">Not a well-formed proprietary certificate, or its signature is not valid.</exception>
    public static (byte[] ModulusLe, uint PublicExponent) Parse(ReadOnlySpan<byte> serverCertificate, bool verifySignature = true)
    {
        var r = new ByteReader(serverCertificate);
        var version = r.U32Le("certificate dwVersion");
        if ((version & CertChainVersionMask) != CertChainVersion1)
            throw new RdpProtocolException($"certificate dwVersion 0x{version:X8} is not a proprietary certificate (CERT_CHAIN_VERSION_1).");
        Expect(r.U32Le("certificate dwSigAlgId"), SignatureAlgRsa, "dwSigAlgId");
        Expect(r.U32Le("certificate dwKeyAlgId"), KeyExchangeAlgRsa, "dwKeyAlgId");
        Expect(r.U16Le("certificate wPublicKeyBlobType"), RsaKeyBlobType, "wPublicKeyBlobType");
        var blob = r.Sub(r.U16Le("certificate wPublicKeyBlobLen"), "certificate PublicKeyBlob");
        var signedLength = r.Position;

        Expect(blob.U32Le("RSA_PUBLIC_KEY magic"), Rsa1Magic, "RSA_PUBLIC_KEY magic");
        var keyLength = (int)blob.U32Le("RSA_PUBLIC_KEY keylen");
        var bitLength = blob.U32Le("RSA_PUBLIC_KEY bitlen");
        blob.U32Le("RSA_PUBLIC_KEY datalen");
        var publicExponent = blob.U32Le("RSA_PUBLIC_KEY pubExp");
        if (keyLength <= ZeroPaddingLength || bitLength == 0 || bitLength > (uint)(keyLength - ZeroPaddingLength) * 8)
            throw new RdpProtocolException($"RSA_PUBLIC_KEY keylen {keyLength} and bitlen {bitLength} do not describe a modulus.");
        var modulus = blob.Bytes(keyLength - ZeroPaddingLength, "RSA_PUBLIC_KEY modulus");
        blob.Skip(ZeroPaddingLength, "RSA_PUBLIC_KEY modulus padding");
        blob.End("RSA_PUBLIC_KEY");

        Expect(r.U16Le("certificate wSignatureBlobType"), RsaSignatureBlobType, "wSignatureBlobType");
        var signature = r.Take(r.U16Le("certificate wSignatureBlobLen"), "certificate SignatureBlob");
        r.End("proprietary certificate");

        if (verifySignature) Verify(serverCertificate[..signedLength], signature);
        return (modulus, publicExponent);
    }

    /// <summary>
    /// MS-RDPBCGR 5.3.3.1.2: MD5 over the six fields before the signature blob, in a 63-byte block that is 0xFF except
    /// byte 16 = 0x00 and byte 62 = 0x01, raised to the private exponent of the signing key.
    /// </summary>
    private static byte[] Sign(ReadOnlySpan<byte> signedFields)
    {
        Span<byte> block = stackalloc byte[SignedLength];
        block.Fill(0xFF);
        MD5.HashData(signedFields, block[..16]);
        block[16] = 0x00;
        block[SignedLength - 1] = 0x01;
        return RawRsa.Apply(block, TerminalServicesSigningKey.PrivateExponentLe, TerminalServicesSigningKey.ModulusLe, TerminalServicesSigningKey.ModulusLength);
    }

    /// <summary>MS-RDPBCGR 5.3.3.1.3: the signature raised to the public exponent must give back that block.</summary>
    private static void Verify(ReadOnlySpan<byte> signedFields, ReadOnlySpan<byte> signatureBlob)
    {
        if (signatureBlob.Length < TerminalServicesSigningKey.ModulusLength)
            throw new RdpProtocolException($"certificate signature has {signatureBlob.Length} byte(s), fewer than the {TerminalServicesSigningKey.ModulusLength} of the signing key.");
        var block = RawRsa.Apply(signatureBlob, TerminalServicesSigningKey.PublicExponentLe, TerminalServicesSigningKey.ModulusLe, TerminalServicesSigningKey.ModulusLength);
        Span<byte> hash = stackalloc byte[16];
        MD5.HashData(signedFields, hash);
        var wellFormed = block[16] == 0x00
            && block.AsSpan(17, SignedLength - 18).IndexOfAnyExcept((byte)0xFF) < 0
            && block[SignedLength - 1] == 0x01
            && block[SignedLength] == 0x00;
        if (!wellFormed || !CryptographicOperations.FixedTimeEquals(block.AsSpan(0, 16), hash))
            throw new RdpProtocolException("proprietary certificate signature does not verify with the Terminal Services signing key.");
    }

    private static void Expect(uint actual, uint expected, string field)
    {
        if (actual != expected) throw new RdpProtocolException($"certificate {field} is 0x{actual:X}, expected 0x{expected:X}.");
    }
}
