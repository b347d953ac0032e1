using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using RdLicensing.Rdp.Connection;
using RdLicensing.Rdp.Relay;

namespace RdLicensing.SessionHost.Rdp;

/// <summary>
/// The desktops behind the endpoint (`--desktop`, <see cref="RdpEndpointOptions.Desktops"/>): a new client goes to
/// the desktop with the fewest open connections (the first listed on a tie), a user whose session a desktop holds goes
/// back to it (by the user name of the client's routing cookie, learnt at each sign-in); a desktop that does not
/// answer is logged and the next one tried. Each relayed session is registered in <see cref="LiveConnections"/>.
/// </summary>
public sealed partial class DesktopRelay(RdpEndpointOptions options, LiveConnections live, ILogger<DesktopRelay> logger,
    Diagnostics.SessionHostMetrics? metrics = null) : IDesktopRelay
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);
    private readonly Lock _gate = new();
    private readonly Dictionary<string, int> _open = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _homes = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Open connections per desktop now (set-up included).</summary>
    public int OpenOn(string desktop)
    {
        lock (_gate) return _open.GetValueOrDefault(desktop);
    }

    /// <summary>The desktop holding the session of <paramref name="user"/>, if one signed in here.</summary>
    public string? HomeOf(string user)
    {
        lock (_gate) return _homes.GetValueOrDefault(user);
    }

    public async Task<DesktopStream> OpenAsync(string? userHint, CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        foreach (var desktop in Candidates(userHint))
        {
            var tcp = new TcpClient { NoDelay = true };
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(ConnectTimeout);
                await tcp.ConnectAsync(desktop.Host, desktop.Port, timeout.Token);
                var address = Name(desktop);
                lock (_gate) _open[address] = _open.GetValueOrDefault(address) + 1;
                metrics?.Relayed();
                var connected = tcp;
                tcp = null;
                return new DesktopStream(address, connected.GetStream()) { Closed = () => Close(address, connected) };
            }
            catch (Exception e) when (e is SocketException || e is OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                var reason = e is SocketException s ? SocketReason(s) : $"no answer within {ConnectTimeout.TotalSeconds:0} s";
                LogUnreachable(Name(desktop), reason);
                failures.Add($"{Name(desktop)}: {reason}");
            }
            finally
            {
                tcp?.Dispose();
            }
        }
        throw new DesktopUnreachableException($"no desktop could be reached ({string.Join("; ", failures)})");
    }

    public IRelayedSession Begin(RdpLicensingVerdict verdict, RdpClientIdentity client, string desktop, CancellationTokenSource end)
    {
        var id = verdict.SessionId ?? $"rdp-{Guid.NewGuid():N}";
        var connection = live.Register(id, desktop, end);
        LogRelaying(client.Remote?.ToString(), client.ClientName, desktop, id);
        return new RelayedSession(this, connection, client);
    }

    private IEnumerable<Uri> Candidates(string? userHint)
    {
        lock (_gate)
        {
            var home = userHint is not null ? _homes.GetValueOrDefault(userHint) : null;
            return [.. options.Desktops
                .Select((d, i) => (Desktop: d, Index: i))
                .OrderBy(x => Name(x.Desktop) == home ? 0 : 1)
                .ThenBy(x => _open.GetValueOrDefault(Name(x.Desktop)))
                .ThenBy(x => x.Index)
                .Select(x => x.Desktop)];
        }
    }

    private void Close(string address, TcpClient tcp)
    {
        tcp.Dispose();
        lock (_gate) _open[address] = Math.Max(0, _open.GetValueOrDefault(address) - 1);
    }

    private void Home(string user, string desktop)
    {
        lock (_gate) _homes[user] = desktop;
    }

    private static string Name(Uri desktop) => $"rdp://{desktop.Authority}";

    private static string SocketReason(SocketException e) => e.SocketErrorCode switch
    {
        SocketError.ConnectionRefused => "connection refused (is the RDP server running and listening on that port?)",
        SocketError.HostNotFound or SocketError.NoData => "host not found",
        SocketError.TimedOut => "no answer (a firewall?)",
        _ => e.Message,
    };

    private sealed class RelayedSession(DesktopRelay relay, LiveConnection connection, RdpClientIdentity client) : IRelayedSession
    {
        public void FromClient(long bytes) => connection.AddFromClient(bytes);

        public void ToClient(long bytes) => connection.AddToClient(bytes);

        public void SignedIn(string user, string? domain)
        {
            connection.AuthenticatedUser = domain is null ? user : $"{domain}\\{user}";
            relay.Home(user, connection.Desktop!);
            relay.LogSignedIn(client.ClientName, connection.AuthenticatedUser, connection.Desktop!, connection.SessionId);
        }

        public void Observed(string what) => relay.LogObserved(connection.Desktop!, connection.SessionId, what);

        public void Ended(string reason) => relay.LogRelayEnded(connection.SessionId, connection.Desktop!, connection.BytesFromClient, connection.BytesToClient, reason);

        public void Dispose() => connection.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "RDP relay: desktop {Desktop} unreachable: {Reason}")]
    private partial void LogUnreachable(string desktop, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "RDP relay: {Remote} {Client} licensed, relayed to {Desktop} (session {SessionId})")]
    private partial void LogRelaying(string? remote, string client, string desktop, string sessionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "RDP relay: {Client} signed in as {User} on {Desktop} (session {SessionId})")]
    private partial void LogSignedIn(string client, string user, string desktop, string sessionId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "RDP relay: {Desktop} (session {SessionId}) sent {What}")]
    private partial void LogObserved(string desktop, string sessionId, string what);

    [LoggerMessage(Level = LogLevel.Information, Message = "RDP relay: session {SessionId} on {Desktop} ended ({FromClient} bytes from the client, {ToClient} to it): {Reason}")]
    private partial void LogRelayEnded(string sessionId, string desktop, long fromClient, long toClient, string reason);
}
