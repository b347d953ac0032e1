namespace RdLicensing.Rdp.Wire;

/// <summary>MCS Connect Initial and Connect Response (T.125, BER), carrying the GCC conference data.</summary>
public static class McsConnect
{
    private const int OctetString = 0x04;
    private const int Boolean = 0x01;
    private const int Sequence = 0x30;
    private const int Enumerated = 0x0A;
    private const int Integer = 0x02;

    /// <summary>The GCC Conference Create Request inside an MCS Connect Initial.</summary>
    public static ReadOnlySpan<byte> InitialUserData(ReadOnlySpan<byte> mcs)
    {
        var r = new ByteReader(mcs);
        var body = Ber.Element(ref r, Ber.ConnectInitialTag, "MCS Connect Initial");
        r.End("MCS Connect Initial");
        Ber.Element(ref body, OctetString, "MCS callingDomainSelector");
        Ber.Element(ref body, OctetString, "MCS calledDomainSelector");
        Ber.Element(ref body, Boolean, "MCS upwardFlag");
        Ber.Element(ref body, Sequence, "MCS targetParameters");
        Ber.Element(ref body, Sequence, "MCS minimumParameters");
        Ber.Element(ref body, Sequence, "MCS maximumParameters");
        var userData = Ber.Element(ref body, OctetString, "MCS userData");
        return userData.Rest();
    }

    public static byte[] Response(ReadOnlySpan<byte> gccResponse)
    {
        var body = new ByteWriter(gccResponse.Length + 64);
        Ber.WriteElement(body, Enumerated, [0]); // rt-successful
        Ber.WriteElement(body, Integer, [0]);    // calledConnectId
        Ber.WriteElement(body, Sequence, DomainParameters(34, 3, 0, 1, 0, 1, 0xFFF8, 2));
        Ber.WriteElement(body, OctetString, gccResponse);
        var w = new ByteWriter(body.Length + 8);
        Ber.WriteElement(w, Ber.ConnectResponseTag, body.Written);
        return w.ToArray();
    }

    public static byte[] Initial(ReadOnlySpan<byte> gccRequest)
    {
        var body = new ByteWriter(gccRequest.Length + 128);
        Ber.WriteElement(body, OctetString, [1]);
        Ber.WriteElement(body, OctetString, [1]);
        Ber.WriteElement(body, Boolean, [0xFF]);
        Ber.WriteElement(body, Sequence, DomainParameters(34, 2, 0, 1, 0, 1, 0xFFFF, 2));
        Ber.WriteElement(body, Sequence, DomainParameters(1, 1, 1, 1, 0, 1, 0x420, 2));
        Ber.WriteElement(body, Sequence, DomainParameters(0xFFFF, 0xFC17, 0xFFFF, 1, 0, 1, 0xFFFF, 2));
        Ber.WriteElement(body, OctetString, gccRequest);
        var w = new ByteWriter(body.Length + 8);
        Ber.WriteElement(w, Ber.ConnectInitialTag, body.Written);
        return w.ToArray();
    }

    /// <summary>The GCC Conference Create Response inside an MCS Connect Response; the result must be success.</summary>
    public static ReadOnlySpan<byte> ResponseUserData(ReadOnlySpan<byte> mcs)
    {
        var r = new ByteReader(mcs);
        var body = Ber.Element(ref r, Ber.ConnectResponseTag, "MCS Connect Response");
        var result = Ber.Element(ref body, Enumerated, "MCS result");
        if (result.U8("MCS result") != 0) throw new RdpProtocolException("MCS Connect Response: the server refused the connection.");
        Ber.Element(ref body, Integer, "MCS calledConnectId");
        Ber.Element(ref body, Sequence, "MCS domainParameters");
        return Ber.Element(ref body, OctetString, "MCS userData").Rest();
    }

    private static byte[] DomainParameters(params int[] values)
    {
        var w = new ByteWriter();
        foreach (var value in values) Ber.WriteInteger(w, value);
        return w.ToArray();
    }
}
