namespace RdLicensing.Rdp.Wire;

/// <summary>Security protocols of RDP_NEG_REQ / RDP_NEG_RSP (MS-RDPBCGR 2.2.1.1.1).</summary>
[Flags]
public enum SecurityProtocols : uint
{
    /// <summary>Standard RDP security: the server's RSA key, RC4 session keys.</summary>
    Rdp = 0,
    Tls = 0x1,
    Hybrid = 0x2,
    RdsTls = 0x4,
    HybridEx = 0x8,
}

/// <summary>
/// X.224 Connection Request (MS-RDPBCGR 2.2.1.1). <see cref="Requested"/> is null when the client sent no RDP_NEG_REQ
/// (`xfreerdp /sec:rdp`): the confirm must then carry no RDP_NEG_RSP either.
/// </summary>
public sealed record X224ConnectionRequest(string? Cookie, SecurityProtocols? Requested)
{
    private const byte ConnectionRequestCode = 0xE0;
    private const byte NegotiationRequestType = 0x01;

    public static X224ConnectionRequest Parse(ReadOnlySpan<byte> x224)
    {
        var r = new ByteReader(x224);
        var li = r.U8("X.224 Connection Request length indicator");
        if (li + 1 != x224.Length) throw new RdpProtocolException($"X.224 Connection Request: length indicator {li} does not match the {x224.Length}-byte TPDU.");
        var code = r.U8("X.224 TPDU code");
        if ((code & 0xF0) != ConnectionRequestCode) throw new RdpProtocolException($"expected an X.224 Connection Request (0xE0), got code 0x{code:X2}.");
        r.Skip(5, "X.224 Connection Request references and class");

        string? cookie = null;
        var rest = r.Rest();
        // Optional routing token or "Cookie: mstshash=NAME", ended by CR LF.
        var crlf = rest.IndexOf("\r\n"u8);
        if (rest.Length > 0 && rest[0] != NegotiationRequestType && crlf >= 0)
        {
            cookie = System.Text.Encoding.Latin1.GetString(rest[..crlf]);
            rest = rest[(crlf + 2)..];
        }
        if (rest.Length == 0) return new X224ConnectionRequest(cookie, null);

        var neg = new ByteReader(rest);
        var type = neg.U8("RDP_NEG_REQ type");
        if (type != NegotiationRequestType) throw new RdpProtocolException($"X.224 Connection Request: unknown negotiation block type 0x{type:X2}.");
        neg.U8("RDP_NEG_REQ flags");
        var length = neg.U16Le("RDP_NEG_REQ length");
        if (length != 8) throw new RdpProtocolException($"RDP_NEG_REQ: length {length}, expected 8.");
        var requested = (SecurityProtocols)neg.U32Le("RDP_NEG_REQ requestedProtocols");
        // A correlation info block (RDP_NEG_CORRELATION_INFO) may follow; nothing here needs it.
        return new X224ConnectionRequest(cookie, requested);
    }

    public byte[] ToBytes()
    {
        var body = new ByteWriter();
        body.U8(ConnectionRequestCode).U16Be(0).U16Be(0).U8(0);
        if (Cookie is not null) body.Bytes(System.Text.Encoding.Latin1.GetBytes(Cookie + "\r\n"));
        if (Requested is { } protocols) body.U8(NegotiationRequestType).U8(0).U16Le(8).U32Le((uint)protocols);
        var w = new ByteWriter();
        w.U8(body.Length).Bytes(body.Written);
        return Tpkt.Wrap(w.Written);
    }
}

/// <summary>X.224 Connection Confirm: with RDP_NEG_RSP (selected protocol), RDP_NEG_FAILURE, or neither.</summary>
public sealed record X224ConnectionConfirm(SecurityProtocols? Selected, uint? FailureCode = null)
{
    // RDP_NEG_FAILURE failureCode values (MS-RDPBCGR 2.2.1.2.2).
    public const uint SslRequiredByServer = 0x1;
    public const uint SslNotAllowedByServer = 0x2;
    public const uint SslCertNotOnServer = 0x3;
    public const uint InconsistentFlags = 0x4;
    public const uint HybridRequiredByServer = 0x5;
    public const uint SslWithUserAuthRequiredByServer = 0x6;

    public byte[] ToBytes()
    {
        var body = new ByteWriter();
        body.U8(0xD0).U16Be(0).U16Be(0x1234).U8(0);
        if (FailureCode is { } failure) body.U8(0x03).U8(0).U16Le(8).U32Le(failure);
        // EXTENDED_CLIENT_DATA_SUPPORTED: the server understands every client data block the client may send.
        else if (Selected is { } selected) body.U8(0x02).U8(0x01).U16Le(8).U32Le((uint)selected);
        var w = new ByteWriter();
        w.U8(body.Length).Bytes(body.Written);
        return Tpkt.Wrap(w.Written);
    }

    public static X224ConnectionConfirm Parse(ReadOnlySpan<byte> x224)
    {
        var r = new ByteReader(x224);
        r.U8("X.224 length indicator");
        var code = r.U8("X.224 TPDU code");
        if ((code & 0xF0) != 0xD0) throw new RdpProtocolException($"expected an X.224 Connection Confirm (0xD0), got 0x{code:X2}.");
        r.Skip(5, "X.224 Connection Confirm references and class");
        if (r.IsEmpty) return new X224ConnectionConfirm(Selected: null);
        var type = r.U8("negotiation type");
        r.U8("negotiation flags");
        r.U16Le("negotiation length");
        var value = r.U32Le("negotiation value");
        return type == 0x03 ? new X224ConnectionConfirm(null, value) : new X224ConnectionConfirm((SecurityProtocols)value);
    }
}
