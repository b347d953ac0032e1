namespace RdLicensing.Rdp.Wire;

/// <summary>MCS domain PDU types (T.125, PER): the top six bits of the first byte.</summary>
public enum McsPduType : byte
{
    ErectDomainRequest = 1,
    DisconnectProviderUltimatum = 8,
    AttachUserRequest = 10,
    AttachUserConfirm = 11,
    ChannelJoinRequest = 14,
    ChannelJoinConfirm = 15,
    SendDataRequest = 25,
    SendDataIndication = 26,
}

/// <summary>
/// One received MCS domain PDU: its type and, for joins and data, the initiator, channel and user data; for the two
/// confirms, the result (0 = rt-successful).
/// </summary>
public readonly record struct McsDomainPdu(McsPduType Type, ushort Initiator, ushort Channel, byte[] Data, byte Result = 0);

/// <summary>
/// MCS domain PDUs after the connect phase (T.125 PER, MS-RDPBCGR 2.2.1.5 to 2.2.1.9). User ids travel as an offset
/// from 1001; channel ids as they are.
/// </summary>
public static class McsDomain
{
    public const ushort UserIdBase = 1001;

    public static McsDomainPdu Parse(ReadOnlySpan<byte> mcs)
    {
        var r = new ByteReader(mcs);
        var first = r.U8("MCS PDU type");
        var type = (McsPduType)(first >> 2);
        switch (type)
        {
            case McsPduType.ErectDomainRequest:
            case McsPduType.AttachUserRequest:
            case McsPduType.DisconnectProviderUltimatum:
                return new McsDomainPdu(type, 0, 0, []);
            case McsPduType.AttachUserConfirm:
                var attached = r.U8("MCS Attach User Confirm result");
                return new McsDomainPdu(type, (ushort)(r.U16Be("MCS initiator") + UserIdBase), 0, [], attached);
            case McsPduType.ChannelJoinRequest:
                return new McsDomainPdu(type, (ushort)(r.U16Be("MCS initiator") + UserIdBase), r.U16Be("MCS channelId"), []);
            case McsPduType.ChannelJoinConfirm:
                var result = r.U8("MCS Channel Join Confirm result");
                var initiator = (ushort)(r.U16Be("MCS initiator") + UserIdBase);
                r.U16Be("MCS requested channel");
                var channel = r.IsEmpty ? (ushort)0 : r.U16Be("MCS channelId");
                return new McsDomainPdu(type, initiator, result == 0 ? channel : (ushort)0, [], result);
            case McsPduType.SendDataRequest:
            case McsPduType.SendDataIndication:
                var from = (ushort)(r.U16Be("MCS initiator") + UserIdBase);
                var to = r.U16Be("MCS channelId");
                r.U8("MCS dataPriority and segmentation");
                var length = Per.Length(ref r, "MCS Send Data");
                var data = r.Bytes(length, "MCS Send Data user data");
                r.End("MCS Send Data");
                return new McsDomainPdu(type, from, to, data);
            default:
                throw new RdpProtocolException($"unexpected MCS PDU type {first >> 2} (first byte 0x{first:X2}).");
        }
    }

    public static byte[] AttachUserConfirm(ushort userId) => Tpkt.Data([(byte)((int)McsPduType.AttachUserConfirm << 2 | 0x02), 0, (byte)((userId - UserIdBase) >> 8), (byte)(userId - UserIdBase)]);

    public static byte[] ChannelJoinConfirm(ushort userId, ushort channel)
    {
        var w = new ByteWriter(8);
        w.U8((int)McsPduType.ChannelJoinConfirm << 2 | 0x02).U8(0).U16Be(userId - UserIdBase).U16Be(channel).U16Be(channel);
        return Tpkt.Data(w.Written);
    }

    /// <summary>Send Data Indication from the server (initiator: the server's user id 1002) to <paramref name="channel"/>.</summary>
    public static byte[] SendDataIndication(ushort channel, ReadOnlySpan<byte> data) => SendData(McsPduType.SendDataIndication, 1002, channel, data);

    public static byte[] SendDataRequest(ushort userId, ushort channel, ReadOnlySpan<byte> data) => SendData(McsPduType.SendDataRequest, userId, channel, data);

    /// <summary>
    /// Disconnect Provider Ultimatum with reason rn-user-requested (3): `20 80`. Both clients then end as a server
    /// initiated disconnect, after any Set Error Info they were sent.
    /// </summary>
    public static byte[] DisconnectProviderUltimatum() => Tpkt.Data([0x20, 0x80]);

    public static byte[] ErectDomainRequest() => Tpkt.Data([(int)McsPduType.ErectDomainRequest << 2, 1, 0, 1, 0]);
    public static byte[] AttachUserRequest() => Tpkt.Data([(int)McsPduType.AttachUserRequest << 2]);

    public static byte[] ChannelJoinRequest(ushort userId, ushort channel)
    {
        var w = new ByteWriter(6);
        w.U8((int)McsPduType.ChannelJoinRequest << 2).U16Be(userId - UserIdBase).U16Be(channel);
        return Tpkt.Data(w.Written);
    }

    /// <summary>
    /// A whole TPKT packet holding an MCS Send Data Indication from the server on <paramref name="channel"/>, with
    /// <paramref name="userDataLength"/> bytes of user data left for the caller to write at <paramref name="userDataOffset"/>:
    /// one array for the packet, the headers written once (what <see cref="SendDataIndication"/> builds in four).
    /// </summary>
    public static byte[] SendDataIndicationPacket(ushort channel, int userDataLength, out int userDataOffset)
    {
        if (userDataLength is < 0 or > 0x7FFF) throw new InvalidOperationException($"PER length {userDataLength} is over 32767.");
        var perLength = userDataLength < 0x80 ? 1 : 2;
        userDataOffset = 4 + 3 + 6 + perLength;
        var total = userDataOffset + userDataLength;
        if (total > ushort.MaxValue) throw new InvalidOperationException($"A {total}-byte TPKT packet is over the 65535-byte limit.");
        var packet = new byte[total];
        packet[0] = 3; // TPKT version 3, reserved, length
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), (ushort)total);
        packet[4] = 2; packet[5] = 0xF0; packet[6] = 0x80; // X.224 Data TPDU
        packet[7] = (int)McsPduType.SendDataIndication << 2;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(8), 1002 - UserIdBase);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(10), channel);
        packet[12] = 0x70; // dataPriority high, segmentation begin | end
        if (perLength == 1) packet[13] = (byte)userDataLength;
        else System.Buffers.Binary.BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(13), (ushort)(userDataLength | 0x8000));
        return packet;
    }

    internal static byte[] SendData(McsPduType type, ushort userId, ushort channel, ReadOnlySpan<byte> data)
    {
        var w = new ByteWriter(data.Length + 8);
        w.U8((int)type << 2).U16Be(userId - UserIdBase).U16Be(channel).U8(0x70);
        Per.WriteLength(w, data.Length);
        w.Bytes(data);
        return Tpkt.Data(w.Written);
    }
}
