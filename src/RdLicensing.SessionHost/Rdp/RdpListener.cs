using RdLicensing.Rdp;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using RdLicensing.Core.Protocol;
using RdLicensing.Rdp.Connection;
using RdLicensing.SessionHost.Apis;

namespace RdLicensing.SessionHost.Rdp;

/// <summary>
/// The session host's RDP endpoint: accepts TCP connections and runs each as its own task
/// (<see cref="RdpServerConnection"/>) under <see cref="RdpEndpointOptions.HandshakeTimeout"/>. Whatever one connection
/// sends — malformed, truncated, oversized, out of order, or nothing at all — ends that connection with one logged
/// line and never touches another. Beyond <see cref="RdpEndpointOptions.MaxConnections"/> a new connection is closed
/// at once. The port is bound at start, so <see cref="Port"/> is known (0 picks a free one).
/// </summary>
public sealed partial class RdpListener(RdpEndpointOptions options, RdpServerContext context, ILogger<RdpListener> logger) : BackgroundService, IFrontEndStatus
{
    private readonly ConcurrentDictionary<long, Task> _connections = new();
    private readonly SemaphoreSlim _slots = new(options.MaxConnections, options.MaxConnections);
    private TcpListener? _listener;
    private long _nextId;

    public int Port { get; private set; }

    public IPEndPoint EndPoint => new(IPAddress.Parse(options.Address), Port);

    /// <summary>"negotiate", "rdp" or "tls", as the command line spells it.</summary>
    public string SecurityLayerName => options.SecurityLayer.ToString().ToLowerInvariant();

    /// <summary>Connections in flight now.</summary>
    public int Active => _connections.Count;

    /// <summary>Connections that completed the licensing exchange, by outcome (for status and the tests).</summary>
    public ConcurrentDictionary<RdpLicensingOutcome, int> Outcomes { get; } = new();

    /// <summary>Raised when a connection has finished its licensing (on the connection's task): what it was given and told.</summary>
    public event Action<RdpConnectionResult>? Completed;

    /// <summary>Connections that ended on a protocol error, a timeout or the client closing early.</summary>
    public int Failed => _failed;
    private int _failed;

    /// <summary>Connections that ended on a fault of this server rather than of the client (logged as errors with their stack).</summary>
    public int Faults => _faults;
    private int _faults;

    public RdpEndpointView Rdp() => new($"{EndPoint}", SecurityLayerName, Active,
        Outcomes.GetValueOrDefault(RdpLicensingOutcome.NewLicense), Outcomes.GetValueOrDefault(RdpLicensingOutcome.UpgradedLicense),
        Outcomes.GetValueOrDefault(RdpLicensingOutcome.ValidClient), Outcomes.GetValueOrDefault(RdpLicensingOutcome.Refused), Failed);

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (!IPAddress.TryParse(options.Address, out var address))
            throw new InvalidOperationException($"'{options.Address}' is not an IP address to listen on for RDP (e.g. 127.0.0.1 or 0.0.0.0).");
        _listener = new TcpListener(address, options.Port);
        try
        {
            _listener.Start(options.AcceptBacklog);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new InvalidOperationException($"RDP port {options.Port} on {options.Address} is already in use: choose another with --rdp-port (0 picks a free one).", e);
        }
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        LogListening(options.Address, Port, options.SecurityLayer);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var stop = stoppingToken.Register(() => _listener!.Stop());
        while (!stoppingToken.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener!.AcceptTcpClientAsync(stoppingToken);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException || stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (SocketException e)
            {
                // A connection reset before it was accepted: the listener goes on.
                LogAcceptFailed(e.SocketErrorCode);
                continue;
            }
            if (!_slots.Wait(0))
            {
                LogTooMany(client.Client.RemoteEndPoint, options.MaxConnections);
                client.Dispose();
                continue;
            }
            var id = Interlocked.Increment(ref _nextId);
            _connections[id] = ServeAsync(id, client, stoppingToken);
        }
        await Task.WhenAll(_connections.Values);
    }

    private async Task ServeAsync(long id, TcpClient client, CancellationToken stoppingToken)
    {
        await Task.Yield();
        var remote = client.Client.RemoteEndPoint as IPEndPoint;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        deadline.CancelAfter(options.HandshakeTimeout);
        try
        {
            client.NoDelay = true;
            await using var stream = client.GetStream();
            var result = await new RdpServerConnection(stream, remote, context).RunAsync(deadline.Token, stoppingToken);
            Outcomes.AddOrUpdate(result.Outcome, 1, (_, n) => n + 1);
            Completed?.Invoke(result);
            LogFinished(remote, result.Client.ClientName, result.Client.UserName, result.Outcome, result.TlsUsed ? "TLS" : "RDP security", result.Verdict.Message);
        }
        catch (Exception e) when (e is RdpProtocolException or RdpTimeoutException or IOException) // ConnectionClosedException is an IOException
        {
            Interlocked.Increment(ref _failed);
            LogEnded(remote, e.Message);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !stoppingToken.IsCancellationRequested)
        {
            Interlocked.Increment(ref _failed);
            LogEnded(remote, $"the connection did not finish licensing and activation within {options.HandshakeTimeout.TotalSeconds:0} s");
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The session host is stopping.
        }
        catch (Exception e)
        {
            // A fault of this server (a store or license server failure surfacing here): logged with its stack, this
            // connection ends, the endpoint serves the next one.
            Interlocked.Increment(ref _failed);
            Interlocked.Increment(ref _faults);
            LogFault(e, remote);
        }
        finally
        {
            client.Dispose();
            _connections.TryRemove(id, out _);
            _slots.Release();
        }
    }

    public override void Dispose()
    {
        _listener?.Dispose();
        _slots.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "RDP endpoint listening on {Address}:{Port} (security layer {Layer})")]
    private partial void LogListening(string address, int port, RdpSecurityLayer layer);

    [LoggerMessage(Level = LogLevel.Information, Message = "RDP {Remote} {Client} ({User}): {Outcome} over {Security}. {Message}")]
    private partial void LogFinished(IPEndPoint? remote, string client, string? user, RdpLicensingOutcome outcome, string security, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "RDP {Remote}: connection ended: {Reason}")]
    private partial void LogEnded(IPEndPoint? remote, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "RDP {Remote}: connection ended by a server fault")]
    private partial void LogFault(Exception exception, IPEndPoint? remote);

    [LoggerMessage(Level = LogLevel.Warning, Message = "RDP: {Remote} refused: {Limit} connections are already in flight (RdpEndpointOptions.MaxConnections)")]
    private partial void LogTooMany(EndPoint? remote, int limit);

    [LoggerMessage(Level = LogLevel.Debug, Message = "RDP: accept failed ({Error})")]
    private partial void LogAcceptFailed(SocketError error);
}
