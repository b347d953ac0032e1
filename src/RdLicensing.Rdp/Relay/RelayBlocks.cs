using System.Buffers.Binary;
using RdLicensing.Rdp.Wire;

namespace RdLicensing.Rdp.Relay;

/// <summary>
/// The GCC data blocks as the relay rewrites them (MS-RDPBCGR 2.2.1.3, 2.2.1.4): everything passes through unchanged
/// except CS_CORE serverSelectedProtocol towards the desktop (what the desktop selected, not what the endpoint did),
/// SC_CORE clientRequestedProtocols towards the client (what the client asked the endpoint for), and SC_SECURITY under
/// standard RDP security towards the client (the endpoint's own server random and certificate).
/// </summary>
public static class RelayBlocks
{
    /// <summary>Offset of serverSelectedProtocol from the start of CS_CORE (its header included).</summary>
    private const int ServerSelectedProtocolOffset = 212;

    /// <summary>Offset of clientRequestedProtocols from the start of SC_CORE (its header included).</summary>
    private const int ClientRequestedProtocolsOffset = 8;

    /// <summary>The client's blocks with CS_CORE serverSelectedProtocol set to <paramref name="selected"/> (when the client sent the field).</summary>
    public static byte[] ForDesktop(ReadOnlySpan<byte> clientBlocks, SecurityProtocols selected)
    {
        var copy = clientBlocks.ToArray();
        foreach (var (type, offset, length) in Blocks(copy))
        {
            if (type == ClientDataBlocks.CoreType && length >= ServerSelectedProtocolOffset + 4)
                BinaryPrimitives.WriteUInt32LittleEndian(copy.AsSpan(offset + ServerSelectedProtocolOffset), (uint)selected);
        }
        return copy;
    }

    /// <summary>
    /// The desktop's blocks for the client: SC_CORE clientRequestedProtocols restored to <paramref name="clientRequested"/>;
    /// SC_SECURITY replaced by <paramref name="security"/> when given (its body), and kept last (rdesktop reads the
    /// certificate to the end). The I/O channel must be 1003, the one the endpoint's own PDUs use.
    /// </summary>
    public static byte[] ForClient(ReadOnlySpan<byte> desktopBlocks, SecurityProtocols clientRequested, byte[]? security)
    {
        var source = desktopBlocks.ToArray();
        var w = new ByteWriter(source.Length + (security?.Length ?? 0));
        byte[]? securityBlock = null;
        var sawNet = false;
        foreach (var (type, offset, length) in Blocks(source))
        {
            var block = source.AsSpan(offset, length);
            switch (type)
            {
                case ServerDataBlocks.CoreType:
                    var core = block.ToArray();
                    if (length >= ClientRequestedProtocolsOffset + 4)
                        BinaryPrimitives.WriteUInt32LittleEndian(core.AsSpan(ClientRequestedProtocolsOffset), (uint)clientRequested);
                    w.Bytes(core);
                    break;
                case ServerDataBlocks.SecurityType:
                    securityBlock = block.ToArray();
                    break;
                case ServerDataBlocks.NetType:
                    if (length < 6) throw new DesktopProtocolException("the desktop's SC_NET block is too short.");
                    var io = BinaryPrimitives.ReadUInt16LittleEndian(block[4..]);
                    if (io != Connection.RdpServerConnection.IoChannel)
                        throw new DesktopProtocolException($"the desktop put its I/O channel at {io}, not {Connection.RdpServerConnection.IoChannel}: the relay cannot pass it through.");
                    sawNet = true;
                    w.Bytes(block);
                    break;
                default:
                    w.Bytes(block);
                    break;
            }
        }
        if (!sawNet) throw new DesktopProtocolException("the desktop's MCS Connect Response has no SC_NET block.");
        if (security is not null) ClientDataBlocks.Block(w, ServerDataBlocks.SecurityType, security);
        else if (securityBlock is not null) w.Bytes(securityBlock);
        return w.ToArray();
    }

    /// <summary>SC_MCS_MSGCHANNEL (0x0C04): the MCS message channel the desktop granted, if any.</summary>
    public static ushort? MessageChannel(ReadOnlySpan<byte> desktopBlocks)
    {
        var blocks = desktopBlocks.ToArray();
        foreach (var (type, offset, length) in Blocks(blocks))
            if (type == 0x0C04 && length >= 6) return BinaryPrimitives.ReadUInt16LittleEndian(blocks.AsSpan(offset + 4));
        return null;
    }

    /// <summary>Each block: its type, where it starts (header included) and its length (header included).</summary>
    private static List<(ushort Type, int Offset, int Length)> Blocks(byte[] blocks)
    {
        var list = new List<(ushort, int, int)>();
        var at = 0;
        while (at < blocks.Length)
        {
            if (blocks.Length - at < 4) throw new RdpProtocolException($"GCC data block at {at}: {blocks.Length - at} bytes left, shorter than a header.");
            var type = BinaryPrimitives.ReadUInt16LittleEndian(blocks.AsSpan(at));
            var length = BinaryPrimitives.ReadUInt16LittleEndian(blocks.AsSpan(at + 2));
            if (length < 4 || length > blocks.Length - at) throw new RdpProtocolException($"GCC data block 0x{type:X4}: length {length} does not fit.");
            list.Add((type, at, length));
            at += length;
        }
        return list;
    }
}
