using System.Buffers.Binary;

namespace RdLicensing.Rdp.Wire;

/// <summary>
/// Reads whole frames from the connection's stream. A TPKT header (version 3) gives a big-endian length of at most
/// 65535 including itself (T.123); anything else is a fast-path PDU whose length is one or two bytes (MS-RDPBCGR
/// 2.2.8.1.2). The length is checked before any buffer is allocated, so a peer can never make the server allocate
/// more than one frame's worth.
/// </summary>
public sealed class FrameReader(Stream stream)
{
    public const int TpktHeaderLength = 4;

    private readonly byte[] _header = new byte[4];

    public Stream Stream { get; set; } = stream;

    /// <summary>Who is at the other end, as the messages name it ("client", or "desktop" for the relay's own leg).</summary>
    public string Peer { get; init; } = "client";

    public async Task<RdpFrame> ReadAsync(CancellationToken cancellationToken)
    {
        await ReadExactlyAsync(_header.AsMemory(0, 2), "frame header", cancellationToken);
        if (_header[0] == 3)
        {
            await ReadExactlyAsync(_header.AsMemory(2, 2), "TPKT header", cancellationToken);
            var length = BinaryPrimitives.ReadUInt16BigEndian(_header.AsSpan(2));
            if (length < TpktHeaderLength + 3) throw new RdpProtocolException($"TPKT length {length} is too short for an X.224 PDU.");
            var payload = new byte[length - TpktHeaderLength];
            await ReadExactlyAsync(payload, "TPKT payload", cancellationToken);
            return new RdpFrame(false, payload);
        }
        if ((_header[0] & 0x3) != 0) throw new RdpProtocolException($"0x{_header[0]:X2} starts neither a TPKT packet nor a fast-path PDU.");
        int total;
        int headerLength;
        if ((_header[1] & 0x80) != 0)
        {
            await ReadExactlyAsync(_header.AsMemory(2, 1), "fast-path length", cancellationToken);
            total = ((_header[1] & 0x7F) << 8) | _header[2];
            headerLength = 3;
        }
        else
        {
            total = _header[1];
            headerLength = 2;
        }
        if (total < headerLength) throw new RdpProtocolException($"fast-path length {total} is shorter than its own header.");
        var body = new byte[total - headerLength];
        await ReadExactlyAsync(body, "fast-path PDU", cancellationToken);
        return new RdpFrame(true, body, _header[0]);
    }

    private async Task ReadExactlyAsync(Memory<byte> buffer, string what, CancellationToken cancellationToken)
    {
        var read = await Stream.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
        if (read < buffer.Length)
            throw new ConnectionClosedException(read == 0 && what == "frame header"
                ? $"the {Peer} closed the connection"
                : $"the {Peer} closed the connection in the middle of a {what}");
    }
}

/// <summary>The peer closed the TCP connection: the end of a connection, logged as such rather than as a protocol error.</summary>
public sealed class ConnectionClosedException(string message) : IOException(message);
