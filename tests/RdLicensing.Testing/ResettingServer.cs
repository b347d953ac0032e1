using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace RdLicensing.Testing;

/// <summary>
/// A server on loopback that resets every connection (RST) just after its TCP handshake, as a server killed with
/// connections in its accept queue does — with the timing pinned. <see cref="ConnectCallback"/> connects as
/// SocketsHttpHandler does and, for this server, holds the new connection until the reset has arrived, so the handler
/// meets the reset exactly where the race puts it: after the handshake, before it reads the peer's address. There
/// .NET 10's handler throws a bare SocketException (ENOTCONN) instead of an HttpRequestException. Connections to any
/// other address are made as usual.
/// </summary>
public sealed class ResettingServer : IAsyncDisposable
{
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    private readonly Channel<Socket> _accepted = Channel.CreateUnbounded<Socket>();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _resets;

    public ResettingServer()
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(16);
        Port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        _accepting = AcceptAsync();
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}";

    /// <summary>Connections reset so far.</summary>
    public int Resets => Volatile.Read(ref _resets);

    /// <summary>For <see cref="SocketsHttpHandler.ConnectCallback"/>.</summary>
    public async ValueTask<Stream> ConnectCallback(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
            var stream = new NetworkStream(socket, ownsSocket: true);
            if (context.DnsEndPoint.Port != Port) return stream;
            var peer = await _accepted.Reader.ReadAsync(cancellationToken);
            peer.LingerState = new LingerOption(true, 0); // close with a reset
            peer.Dispose();
            Interlocked.Increment(ref _resets);
            // Readable once the reset has arrived; nothing is read.
            while (!socket.Poll(TimeSpan.FromMilliseconds(100), SelectMode.SelectRead)) cancellationToken.ThrowIfCancellationRequested();
            return stream;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>A SocketsHttpHandler whose connections go through <see cref="ConnectCallback"/>.</summary>
    public SocketsHttpHandler Transport() => new() { ConnectCallback = ConnectCallback };

    private async Task AcceptAsync()
    {
        try
        {
            while (true) await _accepted.Writer.WriteAsync(await _listener.AcceptAsync(_stop.Token), _stop.Token);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _accepting;
        _listener.Dispose();
        while (_accepted.Reader.TryRead(out var left)) left.Dispose();
        _stop.Dispose();
    }
}
