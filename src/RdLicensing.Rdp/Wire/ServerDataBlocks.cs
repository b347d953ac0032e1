namespace RdLicensing.Rdp.Wire;

/// <summary>
/// The server data blocks of the GCC Conference Create Response (MS-RDPBCGR 2.2.1.4), in the order SC_CORE, SC_NET,
/// SC_SECURITY: rdesktop reads the proprietary certificate to the end of the payload, so SC_SECURITY must be last.
/// </summary>
public sealed record ServerDataBlocks(
    SecurityProtocols ClientRequestedProtocols,
    ushort IoChannel,
    IReadOnlyList<ushort> ChannelIds,
    uint EncryptionMethod,
    uint EncryptionLevel,
    byte[]? ServerRandom,
    byte[]? ServerCertificate)
{
    public const ushort CoreType = 0x0C01;
    public const ushort SecurityType = 0x0C02;
    public const ushort NetType = 0x0C03;

    /// <summary>RDP 5.0 and later (RDP_VERSION_5_PLUS); the client learns nothing it does not need.</summary>
    public const uint ServerVersion = 0x00080004;

    public byte[] ToBytes()
    {
        var w = new ByteWriter();
        ClientDataBlocks.Block(w, CoreType, new ByteWriter().U32Le(ServerVersion).U32Le((uint)ClientRequestedProtocols).U32Le(0).Written);

        var net = new ByteWriter().U16Le(IoChannel).U16Le(ChannelIds.Count);
        foreach (var id in ChannelIds) net.U16Le(id);
        if (ChannelIds.Count % 2 == 1) net.U16Le(0);
        ClientDataBlocks.Block(w, NetType, net.Written);

        var security = new ByteWriter().U32Le(EncryptionMethod).U32Le(EncryptionLevel);
        if (ServerRandom is not null && ServerCertificate is not null)
            security.U32Le((uint)ServerRandom.Length).U32Le((uint)ServerCertificate.Length).Bytes(ServerRandom).Bytes(ServerCertificate);
        ClientDataBlocks.Block(w, SecurityType, security.Written);
        return w.ToArray();
    }

    public static ServerDataBlocks Parse(ReadOnlySpan<byte> blocks)
    {
        var r = new ByteReader(blocks);
        var requested = SecurityProtocols.Rdp;
        ushort io = 0;
        var ids = new List<ushort>();
        uint method = 0, level = 0;
        byte[]? random = null, certificate = null;
        while (!r.IsEmpty)
        {
            var type = r.U16Le("server data block type");
            var length = r.U16Le("server data block length");
            if (length < 4) throw new RdpProtocolException($"server data block 0x{type:X4}: length {length}.");
            var block = r.Sub(length - 4, $"server data block 0x{type:X4}");
            switch (type)
            {
                case CoreType:
                    block.U32Le("SC_CORE version");
                    if (block.Remaining >= 4) requested = (SecurityProtocols)block.U32Le("SC_CORE clientRequestedProtocols");
                    break;
                case NetType:
                    io = block.U16Le("SC_NET MCSChannelId");
                    var count = block.U16Le("SC_NET channelCount");
                    for (var i = 0; i < count; i++) ids.Add(block.U16Le("SC_NET channel id"));
                    break;
                case SecurityType:
                    method = block.U32Le("SC_SECURITY encryptionMethod");
                    level = block.U32Le("SC_SECURITY encryptionLevel");
                    if (block.Remaining > 0)
                    {
                        var randomLength = (int)block.U32Le("SC_SECURITY serverRandomLen");
                        var certificateLength = (int)block.U32Le("SC_SECURITY serverCertLen");
                        random = block.Bytes(randomLength, "SC_SECURITY serverRandom");
                        certificate = block.Bytes(certificateLength, "SC_SECURITY serverCertificate");
                    }
                    break;
            }
        }
        return new ServerDataBlocks(requested, io, ids, method, level, random, certificate);
    }
}
