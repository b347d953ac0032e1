using System.Collections.Concurrent;

namespace RdLicensing.SessionHost.Rdp;

/// <summary>
/// The RDP connections open on this endpoint right now, by session id: what an administrator sees in
/// <c>rdlic sessionhost sessions</c> beyond the stored session (the desktop behind, the bytes each way) and what
/// <c>rdlic disconnect ID</c> ends. The relay registers a connection once its licensing decision gave it a session,
/// counts bytes as they pass, and disposes the registration when both legs are closed.
/// </summary>
public sealed class LiveConnections(TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, LiveConnection> _open = new(StringComparer.Ordinal);

    /// <summary>Registers a connection; <paramref name="end"/> is cancelled to close both its legs.</summary>
    public LiveConnection Register(string sessionId, string? desktop, CancellationTokenSource end)
    {
        var connection = new LiveConnection(this, sessionId, desktop, clock.GetUtcNow(), end);
        _open[sessionId] = connection;
        return connection;
    }

    public IReadOnlyList<LiveConnection> List() => [.. _open.Values.OrderBy(c => c.StartedAt)];

    public LiveConnection? Find(string sessionId) => _open.TryGetValue(sessionId, out var c) ? c : null;

    /// <summary>Closes both legs of the session's connection; false when no such connection is open here.</summary>
    public bool Disconnect(string sessionId, string reason)
    {
        if (!_open.TryGetValue(sessionId, out var connection)) return false;
        connection.Close(reason);
        return true;
    }

    internal void Remove(LiveConnection connection) => _open.TryRemove(new KeyValuePair<string, LiveConnection>(connection.SessionId, connection));
}

/// <summary>One open connection: its session, the desktop it is relayed to, the bytes each way, and how to end it.</summary>
public sealed class LiveConnection : IDisposable
{
    private readonly LiveConnections _owner;
    private readonly CancellationTokenSource _end;
    private long _fromClient;
    private long _toClient;

    internal LiveConnection(LiveConnections owner, string sessionId, string? desktop, DateTimeOffset startedAt, CancellationTokenSource end)
    {
        _owner = owner;
        _end = end;
        SessionId = sessionId;
        Desktop = desktop;
        StartedAt = startedAt;
    }

    public string SessionId { get; }

    /// <summary>The backend's address (rdp://host:port), null without a desktop behind the endpoint.</summary>
    public string? Desktop { get; }

    public DateTimeOffset StartedAt { get; }

    /// <summary>The account the desktop authenticated, once it reported the sign-in.</summary>
    public string? AuthenticatedUser { get; set; }

    public long BytesFromClient => Interlocked.Read(ref _fromClient);

    public long BytesToClient => Interlocked.Read(ref _toClient);

    /// <summary>Why it was closed by this server (an administrator's disconnect), null while open or when a side closed it.</summary>
    public string? CloseReason { get; private set; }

    public void AddFromClient(long bytes) => Interlocked.Add(ref _fromClient, bytes);

    public void AddToClient(long bytes) => Interlocked.Add(ref _toClient, bytes);

    internal void Close(string reason)
    {
        CloseReason = reason;
        try
        {
            _end.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The connection ended meanwhile.
        }
    }

    public void Dispose() => _owner.Remove(this);
}
