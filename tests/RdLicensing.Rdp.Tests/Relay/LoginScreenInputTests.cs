using RdLicensing.Rdp.Connection;
using RdLicensing.Rdp.Relay;
using RdLicensing.Rdp.Wire;

namespace RdLicensing.Rdp.Tests.Relay;

/// <summary>Which client frames the relay withholds from the desktop before its logon (what could operate xrdp's login screen).</summary>
public sealed class LoginScreenInputTests
{
    private const ushort Io = RdpServerConnection.IoChannel;

    private static byte[] FastPath(params byte[] events)
    {
        var body = events;
        return [(byte)(1 << 2), (byte)(2 + body.Length), .. body]; // one event, no flags
    }

    private static byte[] SlowPathInput(ushort channel, byte compressedType, params (ushort Type, ushort Flags)[] events)
    {
        var w = new ByteWriter();
        w.U16Le(0).U16Le(0x17).U16Le(1007); // share control: totalLength (not checked), data PDU, source
        w.U32Le(0x103EA).U8(0).U8(1).U16Le(0).U8(28).U8(compressedType).U16Le(0); // share data header, PDUTYPE2_INPUT
        w.U16Le((ushort)events.Length).U16Le(0);
        foreach (var (type, flags) in events) w.U32Le(0).U16Le(type).U16Le(flags).U16Le(0x1E).U16Le(0);
        return McsDomain.SendDataRequest(1007, channel, w.ToArray()); // a whole TPKT packet
    }

    [Theory]
    [InlineData(new byte[] { 0x00, 0x1E }, true)]          // scancode press
    [InlineData(new byte[] { 0x01, 0x1E }, false)]         // scancode release
    [InlineData(new byte[] { 0x80, 0x61, 0x00 }, true)]    // Unicode press
    [InlineData(new byte[] { 0x81, 0x61, 0x00 }, false)]   // Unicode release
    [InlineData(new byte[] { 0x60 }, false)]               // synchronize
    [InlineData(new byte[] { 0x20, 0x00, 0x08, 1, 0, 1, 0 }, false)] // mouse move
    [InlineData(new byte[] { 0x20, 0x00, 0x90, 1, 0, 1, 0 }, true)]  // button 1 down
    [InlineData(new byte[] { 0x20, 0x00, 0x10, 1, 0, 1, 0 }, false)] // button 1 up
    [InlineData(new byte[] { 0x40, 0x01, 0x80, 1, 0, 1, 0 }, true)]  // extended button down
    [InlineData(new byte[] { 0xE0 }, true)]                // an event code the relay cannot read
    [InlineData(new byte[] { 0x20, 0x00 }, true)]          // a mouse event cut short
    public void Fast_path_presses_are_withheld_and_releases_moves_and_sync_pass(byte[] events, bool withheld) =>
        Assert.Equal(withheld, LoginScreenInput.Operates(FastPath(events), Io));

    [Fact]
    public void A_fast_path_PDU_still_marked_encrypted_is_withheld_and_several_events_count_each()
    {
        Assert.True(LoginScreenInput.Operates([0x80 | (1 << 2), 3, 0x60], Io));
        byte[] moveThenPress = [(byte)(2 << 2), 2 + 7 + 2, 0x20, 0x00, 0x08, 1, 0, 1, 0, 0x00, 0x1E];
        Assert.True(LoginScreenInput.Operates(moveThenPress, Io));
        byte[] countByte = [0, 2 + 1 + 2, 2, 0x60, 0x60]; // numEvents 0 in the header: a count byte follows
        Assert.False(LoginScreenInput.Operates(countByte, Io));
    }

    [Fact]
    public void Slow_path_input_presses_are_withheld_on_the_IO_channel_only()
    {
        Assert.True(LoginScreenInput.Operates(SlowPathInput(Io, 0, (0x0004, 0x0000)), Io));   // key press
        Assert.False(LoginScreenInput.Operates(SlowPathInput(Io, 0, (0x0004, 0x8000)), Io));  // key release
        Assert.True(LoginScreenInput.Operates(SlowPathInput(Io, 0, (0x0005, 0x0000)), Io));   // Unicode press
        Assert.False(LoginScreenInput.Operates(SlowPathInput(Io, 0, (0x0000, 0x0000), (0x8001, 0x0800)), Io)); // sync, move
        Assert.True(LoginScreenInput.Operates(SlowPathInput(Io, 0, (0x8001, 0x0800), (0x8001, 0x9000)), Io)); // move, click
        Assert.True(LoginScreenInput.Operates(SlowPathInput(Io, 0x20, (0x0004, 0x8000)), Io)); // compressed: cannot be read
        Assert.True(LoginScreenInput.Operates(SlowPathInput(Io, 0, (0x7777, 0)), Io));        // unknown event type
        Assert.False(LoginScreenInput.Operates(SlowPathInput(1004, 0, (0x0004, 0x0000)), Io)); // a virtual channel's data
    }

    [Fact]
    public void A_slow_path_frame_the_relay_cannot_read_as_MCS_is_withheld_and_a_readable_one_beside_it_passes()
    {
        var readable = SlowPathInput(Io, 0, (0x0004, 0x8000)); // a key release: passes
        Assert.False(LoginScreenInput.Operates(readable, Io));
        var unreadable = (byte[])readable.Clone();
        unreadable[FrameReader.TpktHeaderLength + 3] = 0xFF; // the MCS PDU's type byte: no domain PDU the relay knows
        Assert.True(LoginScreenInput.Operates(unreadable, Io));
    }
}
