using System.Net.Sockets;
using RdLicensing.Rdp.Tests.Support;
using RdLicensing.Rdp.Wire;

namespace RdLicensing.Rdp.Tests.Robustness;

/// <summary>
/// What a hostile or broken peer can do to the endpoint over TCP: garbage, a stall, a half-sent header, a flood of
/// connections. Each bad connection is closed by the server (the test sees end of stream, never a hang), and the
/// endpoint keeps answering others.
/// </summary>
public sealed class EndpointRobustnessTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Garbage_from_many_connections_at_once_closes_each_of_them_and_the_endpoint_goes_on_serving()
    {
        await using var system = await StartAsync();
        var random = new Random(20261122);
        var payloads = Enumerable.Range(0, 60).Select(i =>
        {
            var bytes = new byte[random.Next(1, 3000)];
            random.NextBytes(bytes);
            if (i % 3 == 0) bytes[0] = 3;                 // looks like TPKT
            if (i % 3 == 1) bytes[0] = (byte)(bytes[0] & 0xFC); // looks like fast-path
            return bytes;
        }).ToList();

        await Task.WhenAll(payloads.Select(async payload =>
        {
            using var socket = await ConnectAsync(system.Port);
            try { await socket.SendAsync(payload); }
            catch (SocketException) { /* the server may close before everything is written */ }
            await AssertClosedByServerAsync(socket);
        }));

        Assert.True(system.Rdp.Failed >= payloads.Count - 5, $"{system.Rdp.Failed} connections ended on an error");
        await AssertServesAsync(system.Port);
    }

    [Fact]
    public async Task A_client_that_stops_sending_mid_header_or_says_nothing_is_timed_out()
    {
        await using var system = await StartAsync();
        var started = DateTime.UtcNow;
        using var silent = await ConnectAsync(system.Port);
        using var halfHeader = await ConnectAsync(system.Port);
        await halfHeader.SendAsync(new byte[] { 3, 0 });
        using var longPromise = await ConnectAsync(system.Port);
        await longPromise.SendAsync(new byte[] { 3, 0, 0xFF, 0xFF, 2, 0xF0, 0x80 }); // announces 65535 bytes, sends 7

        await Task.WhenAll(AssertClosedByServerAsync(silent), AssertClosedByServerAsync(halfHeader), AssertClosedByServerAsync(longPromise));
        // The read timeout (1 s) closed them, not the handshake deadline (4 s).
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(3.5), $"closed after {(DateTime.UtcNow - started).TotalSeconds:0.0} s");
        await AssertServesAsync(system.Port);
    }

    [Fact]
    public async Task A_connection_that_never_finishes_the_sequence_is_closed_at_the_handshake_deadline()
    {
        await using var system = await StartAsync();
        using var socket = await ConnectAsync(system.Port);
        var started = DateTime.UtcNow;
        await socket.SendAsync(ConnectionRequest());
        await ReadPacketAsync(socket); // the connection confirm
        await socket.SendAsync(Tpkt.Data(McsConnect.Initial(Gcc.ConferenceCreateRequest(ClientBlocks()))));
        await ReadPacketAsync(socket); // the MCS Connect Response: the server now waits in the domain set-up
        // Keep sending erect-domain requests just inside the read timeout: only the overall deadline can stop it.
        while (DateTime.UtcNow - started < Patience)
        {
            try { await socket.SendAsync(McsDomain.ErectDomainRequest()); }
            catch (SocketException) { break; }
            await Task.Delay(300);
            if (socket.Poll(0, SelectMode.SelectRead) && socket.Available == 0) break;
        }
        // The deadline (4 s) closed it: not a protocol error at once, nor the limit on domain PDUs (39 of them take
        // over 11 s at this pace).
        var closedAfter = DateTime.UtcNow - started;
        Assert.True(closedAfter > TimeSpan.FromSeconds(3), $"closed after {closedAfter.TotalSeconds:0.0} s, before the deadline");
        Assert.True(closedAfter < TimeSpan.FromSeconds(9), $"the server kept a connection that never finished the sequence for {closedAfter.TotalSeconds:0.0} s");
    }

    [Fact]
    public async Task Beyond_the_connection_limit_a_new_connection_is_closed_at_once_and_the_others_are_served()
    {
        await using var system = await StartAsync(maxConnections: 4);
        var held = new List<Socket>();
        for (var i = 0; i < 4; i++) held.Add(await ConnectAsync(system.Port));
        await Task.Delay(200); // let the listener take the four slots

        using var extra = await ConnectAsync(system.Port);
        try { await extra.SendAsync(ConnectionRequest()); }
        catch (SocketException) { /* already closed */ }
        Assert.Equal(0, await AssertClosedByServerAsync(extra)); // closed unanswered, not served and timed out

        await held[0].SendAsync(ConnectionRequest());
        var buffer = new byte[64];
        Assert.True(await held[0].ReceiveAsync(buffer) > 0, "a connection within the limit is served");
        foreach (var socket in held) socket.Dispose();
    }

    [Fact]
    public async Task Hundreds_of_connections_in_flight_are_all_answered()
    {
        await using var system = await StartAsync();
        await Task.WhenAll(Enumerable.Range(0, 300).Select(_ => AssertServesAsync(system.Port)));
    }

    private static Task<RdpTestSystem> StartAsync(int maxConnections = 512) => RdpTestSystem.StartAsync(rdp: o =>
    {
        o.ReadTimeout = TimeSpan.FromSeconds(1);
        o.HandshakeTimeout = TimeSpan.FromSeconds(4);
        o.MaxConnections = maxConnections;
    });

    private static async Task<Socket> ConnectAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync("127.0.0.1", port);
        return socket;
    }

    private static byte[] ConnectionRequest() => new X224ConnectionRequest("Cookie: mstshash=probe", SecurityProtocols.Rdp).ToBytes();

    private static byte[] ClientBlocks() =>
        new ClientDataBlocks(0x00080004, "probe", 2600, 0x1b, 0, [], false, SecurityProtocols.Rdp).ToBytes();

    /// <summary>One whole TPKT packet from the server.</summary>
    private static async Task ReadPacketAsync(Socket socket)
    {
        using var timeout = new CancellationTokenSource(Patience);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        var header = new byte[4];
        await stream.ReadExactlyAsync(header, timeout.Token);
        Assert.Equal(3, header[0]);
        await stream.ReadExactlyAsync(new byte[((header[2] << 8) | header[3]) - 4], timeout.Token);
    }

    /// <summary>The server answers a Connection Request with a Connection Confirm: it is alive and serving.</summary>
    private static async Task AssertServesAsync(int port)
    {
        using var socket = await ConnectAsync(port);
        await socket.SendAsync(ConnectionRequest());
        var buffer = new byte[64];
        using var timeout = new CancellationTokenSource(Patience);
        var read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        Assert.True(read >= 11, $"expected a connection confirm, got {read} bytes");
        var confirm = X224ConnectionConfirm.Parse(buffer.AsSpan(4, read - 4));
        Assert.Equal(SecurityProtocols.Rdp, confirm.Selected);
    }

    /// <summary>Reads until the server closes the connection, returning how many bytes it sent first; a hang fails the test.</summary>
    private static async Task<int> AssertClosedByServerAsync(Socket socket)
    {
        var buffer = new byte[8192];
        var total = 0;
        using var timeout = new CancellationTokenSource(Patience);
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token)) > 0) total += read;
        }
        catch (SocketException)
        {
            // Reset by the server: closed too.
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"the server kept the connection open for {Patience.TotalSeconds:0} s");
        }
        return total;
    }
}
