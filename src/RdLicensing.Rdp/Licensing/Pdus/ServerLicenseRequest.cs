using RdLicensing.Rdp.Wire;

namespace RdLicensing.Rdp.Licensing;

/// <summary>
/// SERVER_LICENSE_REQUEST (MS-RDPELE 2.2.2.1), the server's first licensing message: ServerRandom, ProductInfo,
/// KeyExchangeList (BB_KEY_EXCHG_ALG_BLOB of 32-bit algorithm ids), ServerCertificate (BB_CERTIFICATE_BLOB; empty
/// when the client is to use the certificate of the MCS Connect Response) and ScopeList (count, then BB_SCOPE_BLOBs
/// of NUL-terminated ANSI issuer names).
/// </summary>
public sealed record ServerLicenseRequest(
    byte[] ServerRandom,
    ProductInfo ProductInfo,
    IReadOnlyList<uint> KeyExchangeAlgorithms,
    byte[] ServerCertificate,
    IReadOnlyList<string> Scopes) : ILicensingPdu
{
    public const string PduName = "SERVER_LICENSE_REQUEST";

    public LicensingMessageType MessageType => LicensingMessageType.LicenseRequest;

    public static ServerLicenseRequest Parse(ReadOnlySpan<byte> pdu)
    {
        var r = LicensingPreamble.OpenBody(pdu, LicensingMessageType.LicenseRequest, PduName, out _);
        var serverRandom = r.Bytes(LicensingFields.RandomLength, $"{PduName} ServerRandom");
        var productInfo = ProductInfo.Read(ref r, $"{PduName} ProductInfo");
        var algorithms = ReadKeyExchangeList(ref r);
        var certificate = LicenseBlob.Read(ref r, $"{PduName} ServerCertificate", BlobType.Certificate).Data;
        var scopes = ReadScopeList(ref r);
        r.End(PduName);
        return new ServerLicenseRequest(serverRandom, productInfo, algorithms, certificate, scopes);
    }

    public byte[] ToBytes()
    {
        var w = LicensingPreamble.Begin(MessageType, LicensingPreamble.ServerFlags);
        LicensingFields.WriteFixed(w, ServerRandom, LicensingFields.RandomLength, $"{PduName} ServerRandom");
        ProductInfo.Write(w, $"{PduName} ProductInfo");
        var algorithms = new ByteWriter(4 * KeyExchangeAlgorithms.Count);
        foreach (var algorithm in KeyExchangeAlgorithms) algorithms.U32Le(algorithm);
        LicenseBlob.Write(w, BlobType.KeyExchangeAlgorithm, algorithms.Written, $"{PduName} KeyExchangeList");
        LicenseBlob.Write(w, BlobType.Certificate, ServerCertificate, $"{PduName} ServerCertificate");
        if (Scopes.Count > LicensingLimits.MaxScopeCount)
            throw new InvalidOperationException($"{PduName} ScopeList: {Scopes.Count} scopes, at most {LicensingLimits.MaxScopeCount}.");
        w.U32Le((uint)Scopes.Count);
        for (var i = 0; i < Scopes.Count; i++)
            LicensingFields.WriteAnsiBlob(w, BlobType.Scope, Scopes[i], $"{PduName} ScopeList[{i}]");
        return LicensingPreamble.Finish(w, PduName);
    }

    private static uint[] ReadKeyExchangeList(ref ByteReader r)
    {
        const string field = $"{PduName} KeyExchangeList";
        var data = LicenseBlob.Read(ref r, field, BlobType.KeyExchangeAlgorithm).Data;
        if (data.Length % 4 != 0)
            throw new RdpProtocolException($"{field}: {data.Length} bytes is not a whole number of 32-bit algorithm ids.");
        var list = new ByteReader(data);
        var algorithms = new uint[data.Length / 4];
        for (var i = 0; i < algorithms.Length; i++) algorithms[i] = list.U32Le(field);
        return algorithms;
    }

    private static string[] ReadScopeList(ref ByteReader r)
    {
        var count = r.U32Le($"{PduName} ScopeList ScopeCount");
        if (count > LicensingLimits.MaxScopeCount)
            throw new RdpProtocolException($"{PduName} ScopeList: ScopeCount {count} is over the limit of {LicensingLimits.MaxScopeCount}.");
        var scopes = new string[count];
        for (var i = 0; i < scopes.Length; i++)
            scopes[i] = LicensingFields.ReadAnsiBlob(ref r, BlobType.Scope, $"{PduName} ScopeList[{i}]");
        return scopes;
    }
}
