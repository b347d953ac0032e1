using System.Buffers.Binary;
using RdLicensing.Rdp.Wire;

namespace RdLicensing.Rdp.Relay;

/// <summary>
/// Which of the client's frames could operate the desktop's own login screen. Until the desktop's logon is seen
/// (<see cref="DesktopLogon"/>) the relay does not pass them on: xrdp with its default <c>require_credentials=false</c>
/// keeps a client whose credentials PAM refused at its login screen, where another account could be typed, and xrdp
/// 0.9.21 says nothing on the wire about which account then signed in. Without key presses and mouse-button presses
/// that screen cannot be used, so a logon the relay sees is the one the desktop made with the credentials of the
/// Client Info, and the Client Info's account is the account signed in (for the administrators' list and Per User CALs).
/// <para>
/// Withheld: a key press (scancode or Unicode, not a release), a mouse-button press (pointer or extended), and any
/// input the relay cannot read to the end (a compressed input PDU, an unknown event, a cut-short event, a fast-path
/// PDU still marked encrypted). Passed: releases, synchronize (toggle keys), mouse moves and wheels, QoE time stamps,
/// and everything that is not input (activation, channels). The frame is the one the desktop gets: plain (TLS towards
/// the client, or after <see cref="RelaySecurity"/> decrypted it).
/// </para>
/// </summary>
internal static class LoginScreenInput
{
    private const byte InputPdu = 28;            // PDUTYPE2_INPUT
    private const byte PacketCompressed = 0x20;  // compressedType: PACKET_COMPRESSED
    private const ushort KeyRelease = 0x8000;    // KBDFLAGS_RELEASE
    private const ushort ButtonDown = 0x8000;    // PTRFLAGS_DOWN, PTRXFLAGS_DOWN

    /// <summary>True when the frame (TPKT or fast-path header included) carries input that could operate a login screen.</summary>
    public static bool Operates(ReadOnlySpan<byte> wire, ushort ioChannel) =>
        wire[0] == 3 ? SlowPath(wire, ioChannel) : FastPath(wire);

    /// <summary>TS_FP_INPUT_PDU (MS-RDPBCGR 2.2.8.1.2): its events after the header (and a count byte when the header's is 0).</summary>
    private static bool FastPath(ReadOnlySpan<byte> wire)
    {
        if ((wire[0] & 0x80) != 0) return true; // still marked encrypted: the desktop's reading of it is not ours
        var at = (wire[1] & 0x80) != 0 ? 3 : 2;
        int count = (wire[0] >> 2) & 0x0F;
        if (count == 0)
        {
            if (at >= wire.Length) return true;
            count = wire[at++];
        }
        for (var i = 0; i < count; i++)
        {
            if (at >= wire.Length) return true;
            var header = wire[at++];
            var flags = header & 0x1F;
            int size;
            switch (header >> 5)
            {
                case 0: // FASTPATH_INPUT_EVENT_SCANCODE: keyCode
                case 4: // FASTPATH_INPUT_EVENT_UNICODE: unicodeCode (2)
                    if ((flags & 0x01) == 0) return true; // FASTPATH_INPUT_KBDFLAGS_RELEASE not set: a press
                    size = header >> 5 == 0 ? 1 : 2;
                    break;
                case 1: // FASTPATH_INPUT_EVENT_MOUSE: pointerFlags, x, y
                case 2: // FASTPATH_INPUT_EVENT_MOUSEX
                case 5: // FASTPATH_INPUT_EVENT_RELMOUSE: pointerFlags, xDelta, yDelta
                    if (at + 6 > wire.Length) return true;
                    if ((BinaryPrimitives.ReadUInt16LittleEndian(wire[at..]) & ButtonDown) != 0) return true;
                    size = 6;
                    break;
                case 3: // FASTPATH_INPUT_EVENT_SYNC
                    size = 0;
                    break;
                case 6: // FASTPATH_INPUT_EVENT_QOE_TIMESTAMP
                    size = 4;
                    break;
                default:
                    return true;
            }
            if (at + size > wire.Length) return true;
            at += size;
        }
        return false;
    }

    /// <summary>An MCS Send Data Request on the I/O channel whose share data PDU is an Input PDU (2.2.8.1.1.3).</summary>
    private static bool SlowPath(ReadOnlySpan<byte> wire, ushort ioChannel)
    {
        McsDomainPdu pdu;
        try
        {
            pdu = McsDomain.Parse(Tpkt.DataPayload(wire[FrameReader.TpktHeaderLength..]));
        }
        catch (RdpProtocolException)
        {
            return true; // a frame the relay cannot read: withheld like any input it cannot read to the end (fail closed)
        }
        if (pdu.Type != McsPduType.SendDataRequest || pdu.Channel != ioChannel) return false;
        // The share control header as the desktop reads it: totalLength (0x8000: flow control), pduType, pduSource;
        // a data PDU's share data header follows: shareId, pad, streamId, uncompressedLength, pduType2, compressedType, compressedLength.
        var data = pdu.Data.AsSpan();
        if (data.Length < 18 || BinaryPrimitives.ReadUInt16LittleEndian(data) == 0x8000) return false;
        if ((BinaryPrimitives.ReadUInt16LittleEndian(data[2..]) & 0x0F) != 7 || data[14] != InputPdu) return false;
        if ((data[15] & PacketCompressed) != 0) return true;
        var events = data[18..];
        if (events.Length < 4) return true;
        var count = BinaryPrimitives.ReadUInt16LittleEndian(events);
        events = events[4..];
        for (var i = 0; i < count; i++)
        {
            if (events.Length < 12) return true;
            var type = BinaryPrimitives.ReadUInt16LittleEndian(events[4..]);
            var flags = BinaryPrimitives.ReadUInt16LittleEndian(events[6..]);
            switch (type)
            {
                case 0x0000: // INPUT_EVENT_SYNC
                case 0x0002: // INPUT_EVENT_UNUSED
                    break;
                case 0x0004: // INPUT_EVENT_SCANCODE
                case 0x0005: // INPUT_EVENT_UNICODE
                    if ((flags & KeyRelease) == 0) return true;
                    break;
                case 0x8001: // INPUT_EVENT_MOUSE
                case 0x8002: // INPUT_EVENT_MOUSEX
                case 0x8004: // INPUT_EVENT_MOUSEREL
                    if ((flags & ButtonDown) != 0) return true;
                    break;
                default:
                    return true;
            }
            events = events[12..];
        }
        return false;
    }
}
