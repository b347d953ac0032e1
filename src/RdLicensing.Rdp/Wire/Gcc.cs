namespace RdLicensing.Rdp.Wire;

/// <summary>
/// The GCC (T.124, PER) wrappers around the client and server data blocks. Only the fields RDP uses are
/// interpreted: the H.221 key ("Duca" from the client, "McDn" from the server) and the length of the blocks.
/// </summary>
public static class Gcc
{
    private static readonly byte[] ClientKey = "Duca"u8.ToArray();

    /// <summary>
    /// The Conference Create Response header Windows sends (MS-RDPBCGR 4.1.4), byte for byte: rdesktop skips exactly
    /// these 21 bytes and then reads a two-byte PER length.
    /// </summary>
    private static readonly byte[] ResponseHeader =
        [0x00, 0x05, 0x00, 0x14, 0x7c, 0x00, 0x01, 0x2a, 0x14, 0x76, 0x0a, 0x01, 0x01, 0x00, 0x01, 0xc0, 0x00, 0x4d, 0x63, 0x44, 0x6e];

    private static readonly byte[] RequestHeader = [0x00, 0x05, 0x00, 0x14, 0x7c, 0x00, 0x01];
    private static readonly byte[] RequestMiddle = [0x00, 0x08, 0x00, 0x10, 0x00, 0x01, 0xc0, 0x00, 0x44, 0x75, 0x63, 0x61];

    /// <summary>The client data blocks of a Conference Create Request.</summary>
    public static ReadOnlySpan<byte> ClientBlocks(ReadOnlySpan<byte> request)
    {
        // The key sits within the first few dozen bytes of the fixed PER header; it is not repeated later.
        var searchable = request[..Math.Min(request.Length, 64)];
        var at = searchable.IndexOf(ClientKey);
        if (at < 0) throw new RdpProtocolException("GCC Conference Create Request: the client H.221 key 'Duca' is missing.");
        var r = new ByteReader(request[(at + ClientKey.Length)..]);
        var length = Per.Length(ref r, "GCC user data");
        return r.Take(length, "GCC client data blocks");
    }

    public static byte[] ConferenceCreateResponse(ReadOnlySpan<byte> serverBlocks)
    {
        var w = new ByteWriter(serverBlocks.Length + 24);
        w.Bytes(ResponseHeader);
        Per.WriteLength2(w, serverBlocks.Length);
        w.Bytes(serverBlocks);
        return w.ToArray();
    }

    public static byte[] ConferenceCreateRequest(ReadOnlySpan<byte> clientBlocks)
    {
        var inner = new ByteWriter();
        inner.Bytes(RequestMiddle);
        Per.WriteLength(inner, clientBlocks.Length);
        inner.Bytes(clientBlocks);
        var w = new ByteWriter();
        w.Bytes(RequestHeader);
        Per.WriteLength(w, inner.Length);
        w.Bytes(inner.Written);
        return w.ToArray();
    }

    public static ReadOnlySpan<byte> ServerBlocks(ReadOnlySpan<byte> response)
    {
        var r = new ByteReader(response);
        r.Skip(ResponseHeader.Length, "GCC Conference Create Response header");
        var length = Per.Length(ref r, "GCC server data");
        return r.Take(length, "GCC server data blocks");
    }
}
