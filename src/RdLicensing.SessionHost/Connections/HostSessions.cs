using RdLicensing.Core.SessionHost;
using RdLicensing.Storage;

namespace RdLicensing.SessionHost.Connections;

/// <summary>No session with this id exists.</summary>
public sealed class SessionNotFoundException(string id) : Exception($"No session {id} exists on this session host. List the open ones with 'rdlic sessionhost sessions'.");

/// <summary>The session has ended (disconnected, or an administrative session idle too long).</summary>
public sealed class SessionEndedException(HostSessionRecord session)
    : Exception($"Session {session.Id} ended at {session.EndedAt:yyyy-MM-dd HH:mm} UTC ({(session.EndReason == "idle" ? $"no activity for {AdministrativeConnections.IdleTimeout.TotalMinutes:0} minutes" : session.EndReason)}).")
{
    public HostSessionRecord Session { get; } = session;
}

/// <summary>Sessions after the connection decision: activity, ending, listing.</summary>
public sealed class HostSessions(SessionHostStore store, TimeProvider clock)
{
    public async Task<IReadOnlyList<HostSessionRecord>> OpenAsync(CancellationToken cancellationToken)
    {
        await store.WriteAsync(s => AdministrativeSessions.EndIdleAsync(s, clock.GetUtcNow()), cancellationToken);
        return await store.OpenSessionsAsync(cancellationToken);
    }

    /// <summary>Activity on a session keeps an administrative session from ending as idle.</summary>
    public Task<HostSessionRecord> TouchAsync(string id, CancellationToken cancellationToken) =>
        store.WriteAsync(async s =>
        {
            var now = clock.GetUtcNow();
            await AdministrativeSessions.EndIdleAsync(s, now);
            if (!await s.TouchSessionAsync(id, now)) throw await MissingOrEndedAsync(s, id);
            return (await s.SessionAsync(id))!;
        }, cancellationToken);

    /// <summary>Ends the session (the client disconnected). An already ended session is returned as it is.</summary>
    public Task<HostSessionRecord> EndAsync(string id, CancellationToken cancellationToken) =>
        store.WriteAsync(async s =>
        {
            var now = clock.GetUtcNow();
            await AdministrativeSessions.EndIdleAsync(s, now);
            var session = await s.SessionAsync(id) ?? throw new SessionNotFoundException(id);
            if (session.IsOpen) await s.EndSessionAsync(id, now, "disconnected");
            return (await s.SessionAsync(id))!;
        }, cancellationToken);

    /// <summary>
    /// An administrator ends the session ('rdlic disconnect'): recorded with its reason and event 5035.
    /// <paramref name="connectionClosed"/>: its RDP connection was open and has been told to close (then an already ended
    /// record is no error: the connection was what remained).
    /// </summary>
    public Task<HostSessionRecord> DisconnectAsync(string id, bool connectionClosed, CancellationToken cancellationToken) =>
        store.WriteAsync(async s =>
        {
            var now = clock.GetUtcNow();
            await AdministrativeSessions.EndIdleAsync(s, now);
            var session = await s.SessionAsync(id) ?? throw new SessionNotFoundException(id);
            if (!session.IsOpen && !connectionClosed) throw new SessionEndedException(session);
            if (session.IsOpen) await s.EndSessionAsync(id, now, "disconnected by an administrator");
            await s.AddEventAsync(now, new PendingSessionHostEvent(SessionHostEventId.SessionDisconnected,
                $"An administrator disconnected session {id} of {session.AuthenticatedUser ?? session.UserName ?? "(no user)"} on {session.ClientName}" +
                (connectionClosed ? ": its connection was closed (both legs)." : " (no connection of it was open on this host's RDP endpoint)."),
                session.ClientName, session.AuthenticatedUser ?? session.UserName));
            return (await s.SessionAsync(id))!;
        }, cancellationToken);

    private static async Task<Exception> MissingOrEndedAsync(SessionHostWriteSession s, string id) =>
        await s.SessionAsync(id) is { } session ? new SessionEndedException(session) : new SessionNotFoundException(id);
}
