using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using RdLicensing.Rdp.Connection;
using RdLicensing.Core.SessionHost;
using RdLicensing.Rdp.Relay;
using RdLicensing.Storage;

namespace RdLicensing.SessionHost.Rdp;

/// <summary>
/// The desktops behind the endpoint (`--desktop`, <see cref="RdpEndpointOptions.Desktops"/>): a new client goes to
/// the desktop with the fewest open connections (the first listed on a tie), a user whose session a desktop holds goes
/// back to it (by the user name of the client's routing cookie, learnt at each sign-in); a desktop that does not
/// answer is logged, recorded as event 5036 and the next one tried. Each relayed session is registered in
/// <see cref="LiveConnections"/>.
/// </summary>
public sealed partial class DesktopRelay(RdpEndpointOptions options, LiveConnections live, SessionHostStore store, TimeProvider clock, ILogger<DesktopRelay> logger,
    Diagnostics.SessionHostMetrics? metrics = null) : IDesktopRelay
{
    private static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    /// <summary>At most one event 5036 per desktop in this time: a client storm on a stopped desktop counts its failures in the next one.</summary>
    public static readonly TimeSpan UnreachableEventInterval = TimeSpan.FromMinutes(1);

    private readonly Dictionary<string, (DateTimeOffset At, int Unrecorded)> _unreachable = new(StringComparer.Ordinal);
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
        var candidates = Candidates(userHint);
        for (var i = 0; i < candidates.Count; i++)
        {
            var desktop = candidates[i];
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
                await RecordUnreachableAsync(Name(desktop), reason, userHint, last: i == candidates.Count - 1, cancellationToken);
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

    /// <summary>
    /// Event 5036 for a desktop that did not answer (at most one per desktop and <see cref="UnreachableEventInterval"/>,
    /// counting the attempts in between). Recording it never fails the connection: a store problem is logged.
    /// </summary>
    private async Task RecordUnreachableAsync(string desktop, string reason, string? userHint, bool last, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        int attempts;
        lock (_gate)
        {
            var (at, unrecorded) = _unreachable.GetValueOrDefault(desktop, (DateTimeOffset.MinValue, 0));
            if (now - at < UnreachableEventInterval)
            {
                _unreachable[desktop] = (at, unrecorded + 1);
                return;
            }
            attempts = unrecorded + 1;
            _unreachable[desktop] = (now, 0);
        }
        var outcome = last
            ? "No other desktop answered: the client was disconnected with ERRINFO_CB_DESTINATION_NOT_FOUND (0x400) before licensing, so no CAL was spent."
            : "The client was sent to the next desktop.";
        var message = $"The desktop {desktop} could not be reached: {reason}. {outcome}"
                      + (attempts > 1 ? $" {attempts} connections failed to reach it since the last such event." : "")
                      + " Check it with 'rdlic diagnose'.";
        try
        {
            await store.WriteAsync(s => s.AddEventAsync(now, new PendingSessionHostEvent(SessionHostEventId.DesktopUnreachable, message, User: userHint)), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogEventNotRecorded(desktop, e.Message);
        }
    }

    /// <summary>
    /// Event 5037 (and a warning): the client typed or clicked at the desktop's login screen before any logon, so the
    /// credentials it sent were refused (or none were sent); the relay does not pass that input on. Never fails the connection.
    /// </summary>
    private async Task RecordLoginScreenInputAsync(RdpClientIdentity client, string desktop, string sessionId)
    {
        LogLoginScreenInput(client.ClientName, client.UserName, desktop, sessionId);
        var message = $"The client {client.ClientName} (claiming {(string.IsNullOrEmpty(client.UserName) ? "no user name" : client.UserName)}"
                      + $"{(client.Administrative ? ", administrative" : "")}) pressed keys or mouse buttons at the login screen of {desktop} before any logon"
                      + $" (session {sessionId}): the user name and password sent with the connection were not accepted, or none were sent."
                      + " Through the RDP endpoint only those credentials sign in (their account is the one licensed and checked against the administrators),"
                      + " so this input is not passed on to the desktop. The user should connect again with the right user name and password (xfreerdp /u: /p:, rdesktop -u -p).";
        try
        {
            await store.WriteAsync(s => s.AddEventAsync(clock.GetUtcNow(), new PendingSessionHostEvent(SessionHostEventId.LoginScreenInputWithheld, message,
                Device: client.ClientName, User: client.UserName)), CancellationToken.None);
        }
        catch (Exception e)
        {
            // Fire and forget from the relay's pump: a store problem is logged, never thrown there.
            LogLoginScreenEventNotRecorded(sessionId, e.Message);
        }
    }

    private List<Uri> Candidates(string? userHint)
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

        public void LoginScreenInputWithheld() => _ = relay.RecordLoginScreenInputAsync(client, connection.Desktop!, connection.SessionId);

        public void Ended(string reason) => relay.LogRelayEnded(connection.SessionId, connection.Desktop!, connection.BytesFromClient, connection.BytesToClient, reason);

        public void Dispose() => connection.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "RDP relay: desktop {Desktop} unreachable: {Reason}")]
    private partial void LogUnreachable(string desktop, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "RDP relay: the event for the unreachable desktop {Desktop} could not be recorded: {Reason}")]
    private partial void LogEventNotRecorded(string desktop, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "RDP relay: {Remote} {Client} licensed, relayed to {Desktop} (session {SessionId})")]
    private partial void LogRelaying(string? remote, string client, string desktop, string sessionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "RDP relay: {Client} signed in as {User} on {Desktop} (session {SessionId})")]
    private partial void LogSignedIn(string client, string user, string desktop, string sessionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "RDP relay: {Client} (claiming {User}) pressed keys or mouse buttons at the login screen of {Desktop} before any logon (session {SessionId}): its credentials were not accepted; that input is not passed on (event 5037)")]
    private partial void LogLoginScreenInput(string client, string? user, string desktop, string sessionId);

    [LoggerMessage(Level = LogLevel.Error, Message = "RDP relay: event 5037 for session {SessionId} could not be recorded: {Reason}")]
    private partial void LogLoginScreenEventNotRecorded(string sessionId, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "RDP relay: {Desktop} (session {SessionId}) sent {What}")]
    private partial void LogObserved(string desktop, string sessionId, string what);

    [LoggerMessage(Level = LogLevel.Information, Message = "RDP relay: session {SessionId} on {Desktop} ended ({FromClient} bytes from the client, {ToClient} to it): {Reason}")]
    private partial void LogRelayEnded(string sessionId, string desktop, long fromClient, long toClient, string reason);
}
