namespace RdLicensing.Rdp.Wire;

/// <summary>A static virtual channel the client asked for (CS_NET CHANNEL_DEF): name and options.</summary>
public sealed record StaticChannel(string Name, uint Options);

/// <summary>
/// What the server needs from the client data blocks of the GCC Conference Create Request (MS-RDPBCGR 2.2.1.3):
/// CS_CORE (version, client name), CS_SECURITY (encryption methods), CS_NET (static channels), CS_CLUSTER (the
/// console/administrative session request). Unknown blocks are skipped; each block's length is checked.
/// </summary>
public sealed record ClientDataBlocks(
    uint RdpVersion,
    string ClientName,
    uint ClientBuild,
    uint EncryptionMethods,
    uint ExtEncryptionMethods,
    IReadOnlyList<StaticChannel> Channels,
    bool ConsoleSession,
    SecurityProtocols ServerSelectedProtocolEcho)
{
    public const ushort CoreType = 0xC001;
    public const ushort SecurityType = 0xC002;
    public const ushort NetType = 0xC003;
    public const ushort ClusterType = 0xC004;

    /// <summary>MS-RDPBCGR 2.2.1.3.4: at most 31 static channels.</summary>
    public const int MaxChannels = 31;

    private const uint RedirectedSessionIdFieldValid = 0x02;

    public static ClientDataBlocks Parse(ReadOnlySpan<byte> blocks)
    {
        var r = new ByteReader(blocks);
        uint version = 0, build = 0, methods = 0, extMethods = 0;
        string? name = null;
        var channels = new List<StaticChannel>();
        var console = false;
        var selected = SecurityProtocols.Rdp;
        while (!r.IsEmpty)
        {
            var type = r.U16Le("client data block type");
            var length = r.U16Le("client data block length");
            if (length < 4) throw new RdpProtocolException($"client data block 0x{type:X4}: length {length} is shorter than its header.");
            var block = r.Sub(length - 4, $"client data block 0x{type:X4}");
            switch (type)
            {
                case CoreType:
                    version = block.U32Le("CS_CORE version");
                    block.Skip(12, "CS_CORE desktop size, depth, SAS sequence, keyboard layout");
                    build = block.U32Le("CS_CORE clientBuild");
                    name = block.Utf16(32, "CS_CORE clientName");
                    block.Skip(12 + 64, "CS_CORE keyboard and IME");
                    // Optional fields follow in order; serverSelectedProtocol is at offset 212 from the block start.
                    if (block.Remaining >= 2 + 2 + 4 + 2 + 2 + 2 + 64 + 1 + 1 + 4)
                    {
                        block.Skip(2 + 2 + 4 + 2 + 2 + 2 + 64 + 1 + 1, "CS_CORE optional fields");
                        selected = (SecurityProtocols)block.U32Le("CS_CORE serverSelectedProtocol");
                    }
                    break;
                case SecurityType:
                    methods = block.U32Le("CS_SECURITY encryptionMethods");
                    extMethods = block.U32Le("CS_SECURITY extEncryptionMethods");
                    break;
                case NetType:
                    var count = block.U32Le("CS_NET channelCount");
                    if (count > MaxChannels) throw new RdpProtocolException($"CS_NET: {count} static channels requested, at most {MaxChannels} exist.");
                    for (var i = 0; i < count; i++)
                        channels.Add(new StaticChannel(block.Ansi(8, "CS_NET channel name"), block.U32Le("CS_NET channel options")));
                    break;
                case ClusterType:
                    var flags = block.U32Le("CS_CLUSTER flags");
                    var sessionId = block.U32Le("CS_CLUSTER redirectedSessionID");
                    console = (flags & RedirectedSessionIdFieldValid) != 0 && sessionId == 0;
                    break;
            }
        }
        if (name is null) throw new RdpProtocolException("GCC Conference Create Request: the client core data block (CS_CORE) is missing.");
        return new ClientDataBlocks(version, name, build, methods, extMethods, channels, console, selected);
    }

    /// <summary>The blocks a client sends (used by the benchmark and test client).</summary>
    public byte[] ToBytes()
    {
        var w = new ByteWriter();
        var core = new ByteWriter();
        core.U32Le(RdpVersion).U16Le(1024).U16Le(768).U16Le(0xCA01).U16Le(0xAA03).U32Le(0x409).U32Le(ClientBuild);
        var nameBytes = new byte[32];
        System.Text.Encoding.Unicode.GetBytes(ClientName.Length > 15 ? ClientName[..15] : ClientName).CopyTo(nameBytes, 0);
        core.Bytes(nameBytes).U32Le(4).U32Le(0).U32Le(12).Zeros(64);
        core.U16Le(0xCA01).U16Le(1).U32Le(0).U16Le(16).U16Le(0x7).U16Le(0x1).Zeros(64).U8(0).U8(0).U32Le((uint)ServerSelectedProtocolEcho);
        Block(w, CoreType, core.Written);
        Block(w, SecurityType, new ByteWriter().U32Le(EncryptionMethods).U32Le(ExtEncryptionMethods).Written);
        var net = new ByteWriter().U32Le((uint)Channels.Count);
        foreach (var channel in Channels)
        {
            var channelName = new byte[8];
            System.Text.Encoding.Latin1.GetBytes(channel.Name.Length > 7 ? channel.Name[..7] : channel.Name).CopyTo(channelName, 0);
            net.Bytes(channelName).U32Le(channel.Options);
        }
        Block(w, NetType, net.Written);
        Block(w, ClusterType, new ByteWriter().U32Le(ConsoleSession ? 0x0Du | RedirectedSessionIdFieldValid : 0x0Du).U32Le(0).Written);
        return w.ToArray();
    }

    internal static void Block(ByteWriter w, ushort type, ReadOnlySpan<byte> body) => w.U16Le(type).U16Le(body.Length + 4).Bytes(body);
}
