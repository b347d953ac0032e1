using System.Buffers;
using System.Buffers.Binary;
using RdLicensing.Rdp.Connection;
using RdLicensing.Rdp.Wire;

namespace RdLicensing.Rdp.Relay;

/// <summary>
/// The two directions of a relayed session once the client is licensed: frames (slow-path and fast-path, every
/// channel) from the client to the desktop and back. Each direction reads what its source has (up to
/// <see cref="BufferSize"/>) into one pooled buffer, finds the frame boundaries in it (checking each header as
/// <see cref="FrameReader"/> does, so garbage still ends the connection), and writes all the complete frames on in one
/// write: under TLS towards the client the bytes as they came, under standard RDP security each frame decrypted (client
/// to desktop) or encrypted (desktop to client), as the desktop's leg is always TLS. A partial frame stays for the next
/// read. The desktop's frames are watched for its logon (<see cref="DesktopLogon"/>) until it is seen; the frames
/// before the one that shows it are sent first, and the client's sign-in is reported before that frame goes on.
/// Either side closing (or a malformed frame, or the end token) ends both.
/// </summary>
/// <param name="transcoder">Under standard RDP security towards the client: the per-PDU transcoding (<see cref="RelaySecurity"/>); null under TLS.</param>
internal sealed class RelayPump(RdpServerConnection connection, DesktopLeg desktop, IRelayedSession session, RdpLicensingVerdict verdict,
    IReadOnlySet<ushort> sessionChannels, RelaySecurity? transcoder, CancellationToken end)
{
    /// <summary>
    /// What one read may take: two of the largest frames (a TPKT packet is at most 65,535 bytes), so after the partial
    /// frame of the last read moves to the front there is always room for the rest of it.
    /// </summary>
    public const int BufferSize = 128 * 1024;

    private readonly DesktopLogon _logon = new(session, sessionChannels);

    /// <summary>Client to desktop until the client closes (returns why) or sends something malformed (throws).</summary>
    public async Task<string> FromClientAsync()
    {
        try
        {
            await PumpAsync(connection.ClientStream, desktop.Stream, "client", toClient: false);
            return "the client closed the connection";
        }
        catch (IOException e) when (e is ConnectionClosedException || !end.IsCancellationRequested && e.InnerException is System.Net.Sockets.SocketException)
        {
            // Closed or reset (a client killed, a network gone): the session's normal end.
            return e is ConnectionClosedException ? e.Message : $"the client's connection was reset ({e.Message})";
        }
    }

    /// <summary>Desktop to client until the desktop closes (returns why), the sign-in is refused, or something is malformed (throws).</summary>
    public async Task<string> FromDesktopAsync()
    {
        try
        {
            await PumpAsync(desktop.Stream, connection.ClientStream, "desktop", toClient: true);
            return "the desktop closed the connection";
        }
        catch (IOException e) when (e is ConnectionClosedException || e is not SignInRefusedException && !end.IsCancellationRequested && e.InnerException is System.Net.Sockets.SocketException)
        {
            // The desktop closed or reset; or writing to a client that is gone failed: the session's normal end.
            return e is ConnectionClosedException ? e.Message : $"a connection was reset ({e.Message})";
        }
    }

    /// <summary>One direction: read, cut into frames, write the complete ones on; returns never (a close throws).</summary>
    private async Task PumpAsync(Stream source, Stream sink, string peer, bool toClient)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        var output = transcoder is null ? null : new ArrayBufferWriter<byte>(BufferSize);
        var filled = 0;
        try
        {
            while (true)
            {
                var read = await source.ReadAsync(buffer.AsMemory(filled, buffer.Length - filled), end);
                if (read == 0)
                    throw new ConnectionClosedException(filled == 0 ? $"the {peer} closed the connection" : $"the {peer} closed the connection in the middle of a frame");
                filled += read;
                var at = 0;
                var sent = 0;
                while (true)
                {
                    var length = FrameLength(buffer.AsSpan(at, filled - at));
                    if (length == 0 || at + length > filled) break;
                    if (toClient && !_logon.Done && _logon.Inspect(buffer.AsSpan(at, length)) is { } signIn)
                    {
                        // What came before the frame that shows the logon goes first; the sign-in is reported before that frame goes on.
                        await WriteAsync(sink, buffer.AsMemory(sent, at - sent), output, toClient);
                        sent = at;
                        await SignInAsync(signIn);
                    }
                    if (transcoder is not null)
                    {
                        var frame = Frame(buffer.AsSpan(at, length));
                        var transcoded = toClient ? transcoder.BackendToClient(frame) : transcoder.ClientToBackend(frame);
                        // Decrypted all the same (the RC4 stream and the MAC check go on), but a login screen's input stays here.
                        if (toClient || !Withholds(transcoded)) output!.Write(transcoded);
                    }
                    else if (!toClient && Withholds(buffer.AsSpan(at, length)))
                    {
                        await WriteAsync(sink, buffer.AsMemory(sent, at - sent), output, toClient);
                        sent = at + length;
                    }
                    at += length;
                }
                await WriteAsync(sink, buffer.AsMemory(sent, at - sent), output, toClient);
                filled -= at;
                if (filled > 0 && at > 0) buffer.AsSpan(at, filled).CopyTo(buffer);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Before the desktop's logon is seen, a client frame that could operate the desktop's login screen is not passed on
    /// (<see cref="LoginScreenInput"/>); the first one is reported (event 5037). After the logon everything goes.
    /// </summary>
    private bool Withholds(ReadOnlySpan<byte> frame)
    {
        if (_logon.Done || !LoginScreenInput.Operates(frame, RdpServerConnection.IoChannel)) return false;
        if (_withheld++ == 0) session.LoginScreenInputWithheld();
        return true;
    }

    private int _withheld;

    /// <summary>The complete frames read (TLS: as they came) or their transcoding (standard RDP security), in one write.</summary>
    private async ValueTask WriteAsync(Stream sink, ReadOnlyMemory<byte> frames, ArrayBufferWriter<byte>? output, bool toClient)
    {
        var bytes = output is null ? frames : output.WrittenMemory;
        if (bytes.Length == 0) return;
        await sink.WriteAsync(bytes, end);
        if (toClient) session.ToClient(bytes.Length);
        else session.FromClient(bytes.Length);
        output?.ResetWrittenCount();
    }

    private async Task SignInAsync(DesktopSignIn signIn)
    {
        var user = signIn.User ?? connection.ClientUserName;
        var domain = signIn.User is null ? connection.ClientDomain : signIn.Domain;
        var outcome = await connection.Context.Licensing.SignedInAsync(verdict, new RdpSignIn(user, string.IsNullOrEmpty(domain) ? null : domain), end);
        session.SignedIn(user, string.IsNullOrEmpty(domain) ? null : domain);
        if (!outcome.Continue)
        {
            await connection.TryEndAsync(outcome.ErrorInfo, end);
            throw new SignInRefusedException($"the sign-in of {user} was refused: {outcome.Message}");
        }
    }

    /// <summary>
    /// The length of the frame at the start of <paramref name="data"/> as its header says (TPKT: big-endian, at most
    /// 65,535; fast path: one or two bytes, at most 32,767), or 0 when the header itself is not all there yet.
    /// </summary>
    /// <exception cref="RdpProtocolException">Neither a TPKT packet nor a fast-path PDU, or a length shorter than its header.</exception>
    internal static int FrameLength(ReadOnlySpan<byte> data)
    {
        if (data.Length < 2) return 0;
        if (data[0] == 3)
        {
            if (data.Length < FrameReader.TpktHeaderLength) return 0;
            var length = BinaryPrimitives.ReadUInt16BigEndian(data[2..]);
            if (length < FrameReader.TpktHeaderLength + 3) throw new RdpProtocolException($"TPKT length {length} is too short for an X.224 PDU.");
            return length;
        }
        if ((data[0] & 0x3) != 0) throw new RdpProtocolException($"0x{data[0]:X2} starts neither a TPKT packet nor a fast-path PDU.");
        int total, headerLength;
        if ((data[1] & 0x80) != 0)
        {
            if (data.Length < 3) return 0;
            total = ((data[1] & 0x7F) << 8) | data[2];
            headerLength = 3;
        }
        else
        {
            total = data[1];
            headerLength = 2;
        }
        if (total < headerLength) throw new RdpProtocolException($"fast-path length {total} is shorter than its own header.");
        return total;
    }

    /// <summary>A whole frame as <see cref="FrameReader"/> gives it (its payload copied out), for the transcoding and the logon watcher.</summary>
    internal static RdpFrame Frame(ReadOnlySpan<byte> wire)
    {
        if (wire[0] == 3) return new RdpFrame(false, wire[FrameReader.TpktHeaderLength..].ToArray());
        var headerLength = (wire[1] & 0x80) != 0 ? 3 : 2;
        return new RdpFrame(true, wire[headerLength..].ToArray(), wire[0]);
    }
}

/// <summary>The session host refused the session at the desktop's logon (its ErrorInfo was sent to the client).</summary>
public sealed class SignInRefusedException(string message) : IOException(message);
