using RdLicensing.Rdp.Wire;

namespace RdLicensing.Rdp.Licensing;

/// <summary>
/// The 4-byte LICENSE_PREAMBLE in front of every licensing message (MS-RDPBCGR 2.2.1.12.1.1): bMsgType, flags
/// (protocol version in the low nibble, EXTENDED_ERROR_MSG_SUPPORTED in the high bit) and wMsgSize, the size of the
/// whole licensing PDU including these 4 bytes.
/// </summary>
public readonly record struct LicensingPreamble(LicensingMessageType MessageType, byte Flags, ushort MessageSize)
{
    public const int Size = 4;

    public const byte VersionMask = 0x0F;

    /// <summary>PREAMBLE_VERSION_3_0: RDP 5.0 and later.</summary>
    public const byte Version3 = 0x03;

    /// <summary>EXTENDED_ERROR_MSG_SUPPORTED: only a client may set it.</summary>
    public const byte ExtendedErrorMsgSupported = 0x80;

    /// <summary>
    /// What this server sends: version 3 without EXTENDED_ERROR_MSG_SUPPORTED, which describes the sender's own
    /// capability (FreeRDP notes mstsc misbehaves when a server sets it).
    /// </summary>
    public const byte ServerFlags = Version3;

    /// <summary>What xfreerdp and Windows clients send (MS-RDPELE 4.2, 4.3, 4.5); rdesktop sends 0x03.</summary>
    public const byte ClientFlags = Version3 | ExtendedErrorMsgSupported;

    public int Version => Flags & VersionMask;

    public bool ExtendedErrorSupported => (Flags & ExtendedErrorMsgSupported) != 0;

    /// <summary>The message type of a licensing PDU, to pick its parser; unknown types are rejected.</summary>
    public static LicensingMessageType Peek(ReadOnlySpan<byte> pdu)
    {
        var reader = new ByteReader(pdu);
        return ReadMessageType(ref reader, "licensing PDU");
    }

    /// <summary>
    /// Reads the preamble of a whole licensing PDU and checks wMsgSize against the buffer: both clients send exact
    /// sizes, so any difference means a framing error. Any version bits and flags are accepted.
    /// </summary>
    public static LicensingPreamble Parse(ReadOnlySpan<byte> pdu) => Parse(pdu, "licensing PDU");

    internal static LicensingPreamble Parse(ReadOnlySpan<byte> pdu, string pduName)
    {
        var reader = new ByteReader(pdu);
        var type = ReadMessageType(ref reader, pduName);
        var flags = reader.U8($"{pduName} preamble flags");
        var size = reader.U16Le($"{pduName} preamble wMsgSize");
        if (size != pdu.Length)
            throw new RdpProtocolException($"{pduName}: preamble wMsgSize is {size} but the licensing PDU has {pdu.Length} byte(s).");
        return new LicensingPreamble(type, flags, size);
    }

    /// <summary>Parses the preamble, insists on one message type and returns a reader over the message body.</summary>
    internal static ByteReader OpenBody(ReadOnlySpan<byte> pdu, LicensingMessageType expected, string pduName, out LicensingPreamble preamble)
    {
        preamble = Parse(pdu, pduName);
        if (preamble.MessageType != expected)
            throw new RdpProtocolException($"{pduName}: bMsgType is {Describe(preamble.MessageType)}, expected {Describe(expected)}.");
        return new ByteReader(pdu[Size..]);
    }

    /// <summary>Starts a licensing PDU; <see cref="Finish"/> fills in wMsgSize once the body is written.</summary>
    internal static ByteWriter Begin(LicensingMessageType type, byte flags)
    {
        var writer = new ByteWriter();
        writer.U8((byte)type).U8(flags).U16Le(0);
        return writer;
    }

    internal static byte[] Finish(ByteWriter writer, string pduName)
    {
        if (writer.Length > ushort.MaxValue)
            throw new InvalidOperationException($"{pduName}: {writer.Length} bytes do not fit the 16-bit wMsgSize.");
        writer.PatchU16Le(2, writer.Length);
        return writer.ToArray();
    }

    internal static string Describe(LicensingMessageType type) => $"0x{(byte)type:X2} ({type})";

    private static LicensingMessageType ReadMessageType(ref ByteReader reader, string pduName)
    {
        var type = (LicensingMessageType)reader.U8($"{pduName} preamble bMsgType");
        if (!Enum.IsDefined(type))
            throw new RdpProtocolException($"{pduName}: unknown licensing message type 0x{(byte)type:X2}.");
        return type;
    }
}
