using RdLicensing.Rdp.Wire;

namespace RdLicensing.Rdp.Connection;

/// <summary>Share Control PDU types (MS-RDPBCGR 2.2.8.1.1.1.1); the wire value adds the protocol version 0x10.</summary>
public enum ShareControlType : ushort
{
    DemandActive = 0x1,
    ConfirmActive = 0x3,
    DeactivateAll = 0x6,
    Data = 0x7,
}

/// <summary>Share Data PDU types (pduType2) the minimal activation reads or writes.</summary>
public enum ShareDataType : byte
{
    Control = 20,
    Input = 28,
    Synchronize = 31,
    ShutdownRequest = 36,
    FontList = 39,
    FontMap = 40,
    PersistentKeyList = 43,
    SetErrorInfo = 47,
}

/// <summary>A received Share Control PDU: its type and, for data PDUs, the pduType2 and the first 16-bit field (a Control PDU's action).</summary>
public readonly record struct SharePdu(ShareControlType Type, ShareDataType? DataType, ushort FirstField = 0)
{
    /// <summary>CTRLACTION_REQUEST_CONTROL (MS-RDPBCGR 2.2.1.15.1).</summary>
    public bool IsControlRequest => DataType == ShareDataType.Control && FirstField == 1;
}

/// <summary>
/// The minimal capability exchange and finalization the server sends (MS-RDPBCGR 2.2.1.13 to 2.2.1.22): a Demand
/// Active with no capability sets, then Synchronize, Control (cooperate), Control (granted) and Font Map. Both clients
/// accept it and then honour a Set Error Info + Disconnect Provider Ultimatum as a normal server-side disconnect.
/// </summary>
public static class ShareControl
{
    public const uint ShareId = 0x0001_03EA;
    public const ushort ServerChannel = 1002;
    private const ushort ProtocolVersion = 0x10;

    public static SharePdu Parse(ReadOnlySpan<byte> pdu)
    {
        var r = new ByteReader(pdu);
        var total = r.U16Le("share control totalLength");
        // A totalLength of 0x8000 is a flow-control PDU (MS-RDPBCGR 2.2.8.1.1.1.1): nothing to do with it.
        if (total == 0x8000) return new SharePdu(0, null);
        var type = (ShareControlType)(r.U16Le("share control pduType") & 0xF);
        r.U16Le("share control pduSource");
        if (type != ShareControlType.Data) return new SharePdu(type, null);
        r.Skip(4 + 1 + 1 + 2, "share data header");
        var dataType = (ShareDataType)r.U8("share data pduType2");
        r.Skip(3, "share data compression fields");
        return new SharePdu(type, dataType, r.Remaining >= 2 ? r.U16Le("share data first field") : (ushort)0);
    }

    public static byte[] DemandActive()
    {
        var body = new ByteWriter();
        body.U32Le(ShareId).U16Le(4).U16Le(4).Bytes("RDP\0"u8).U16Le(0).U16Le(0).U32Le(0);
        return Control(ShareControlType.DemandActive, body.Written);
    }

    /// <summary>A Confirm Active with no capability sets (the benchmark and test client's answer).</summary>
    public static byte[] ConfirmActive(ushort userChannel)
    {
        var body = new ByteWriter();
        body.U32Le(ShareId).U16Le(ServerChannel).U16Le(6).U16Le(4).Bytes("MSTSC\0"u8).U16Le(0).U16Le(0);
        return Control(ShareControlType.ConfirmActive, body.Written, userChannel);
    }

    /// <param name="source">The sender's channel: the server's (1002) by default, a client's user channel when a client sends it.</param>
    public static byte[] Synchronize(ushort target, ushort source = ServerChannel) =>
        Data(ShareDataType.Synchronize, new ByteWriter().U16Le(1).U16Le(target).Written, source);

    /// <param name="source">The sender's channel: the server's (1002) by default, a client's user channel when a client sends it.</param>
    public static byte[] ControlCooperate(ushort source = ServerChannel) => Data(ShareDataType.Control, new ByteWriter().U16Le(4).U16Le(0).U32Le(0).Written, source);

    public static byte[] ControlRequest(ushort source) => Data(ShareDataType.Control, new ByteWriter().U16Le(1).U16Le(0).U32Le(0).Written, source);

    public static byte[] ControlGranted(ushort userChannel) =>
        Data(ShareDataType.Control, new ByteWriter().U16Le(2).U16Le(userChannel).U32Le(ServerChannel).Written);

    public static byte[] FontList(ushort source) => Data(ShareDataType.FontList, new ByteWriter().U16Le(0).U16Le(0).U16Le(3).U16Le(0x32).Written, source);

    public static byte[] FontMap() => Data(ShareDataType.FontMap, new ByteWriter().U16Le(0).U16Le(0).U16Le(3).U16Le(4).Written);

    /// <summary>Set Error Info (MS-RDPBCGR 2.2.5.1.1): why the server ends the connection, in the client's terms.</summary>
    public static byte[] SetErrorInfo(uint errorInfo) => Data(ShareDataType.SetErrorInfo, new ByteWriter().U32Le(errorInfo).Written);

    /// <summary>The errorInfo code of a Set Error Info PDU, or null for any other PDU.</summary>
    public static uint? ErrorInfo(ReadOnlySpan<byte> pdu)
    {
        var r = new ByteReader(pdu);
        if (r.Remaining < 22 || Parse(pdu) is not { Type: ShareControlType.Data, DataType: ShareDataType.SetErrorInfo }) return null;
        r.Skip(18, "share data header");
        return r.U32Le("errorInfo");
    }

    private static byte[] Data(ShareDataType type, ReadOnlySpan<byte> payload, ushort source = ServerChannel)
    {
        var body = new ByteWriter(payload.Length + 12);
        body.U32Le(ShareId).U8(0).U8(1).U16Le(payload.Length + 4).U8((int)type).U8(0).U16Le(0).Bytes(payload);
        return Control(ShareControlType.Data, body.Written, source);
    }

    private static byte[] Control(ShareControlType type, ReadOnlySpan<byte> body, ushort source = ServerChannel)
    {
        var w = new ByteWriter(body.Length + 6);
        w.U16Le(body.Length + 6).U16Le((ushort)type | ProtocolVersion).U16Le(source).Bytes(body);
        return w.ToArray();
    }
}
