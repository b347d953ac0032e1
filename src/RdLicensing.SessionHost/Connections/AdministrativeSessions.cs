using Microsoft.Extensions.Options;
using RdLicensing.Core.SessionHost;
using RdLicensing.SessionHost.Configuration;
using RdLicensing.Storage;

namespace RdLicensing.SessionHost.Connections;

/// <summary>
/// Remote Desktop for Administration: at most <see cref="AdministrativeConnections.Limit"/> administrative sessions
/// at once, no CAL needed. The limit is checked and the session recorded in one write transaction. Sessions idle for
/// <see cref="AdministrativeConnections.IdleTimeout"/> of the host's clock end whenever the host next looks at them
/// (a connection, activity, status), so a crashed client does not block administrators for ever.
/// </summary>
public sealed class AdministrativeSessions(SessionHostStore store, IOptions<SessionHostOptions> options, TimeProvider clock)
{
    /// <summary>
    /// An administrative session for a listed administrator (<see cref="AdministrativeSessionPolicy"/>); null when the
    /// claimed user is not one, so the caller licenses the connection like any other.
    /// </summary>
    public Task<ConnectionDecision?> ConnectAsync(ConnectionRequest request, SessionHostConfiguration config, GracePeriod grace, CancellationToken cancellationToken) =>
        store.WriteAsync<ConnectionDecision?>(async s =>
        {
            var now = clock.GetUtcNow();
            var open = await EndIdleAsync(s, now);
            var host = options.Value.Name;
            var decision = AdministrativeSessionPolicy.AtConnection(
                new AdministrativeSnapshot(config.Administrators.Value, request.UserName, [.. open.Select(o => o.LastActivityAt)]), now);
            if (decision is AdministrativeDecision.LicenseAsClient notAdministrator)
            {
                await s.AddEventAsync(now, new PendingSessionHostEvent(SessionHostEventId.AdministrativeConnectionLicensed,
                    $"An administrative (console) connection from {request.ClientName} is licensed like any other: {notAdministrator.Message}",
                    request.ClientName, request.UserName));
                return null;
            }
            if (decision is AdministrativeDecision.LimitReached { FirstIdleEnd: var firstIdleEnd })
            {
                var message = $"{AdministrativeConnections.LimitReachedMessage} Session host {host} allows {AdministrativeConnections.Limit} administrative connections without CALs and both are in use " +
                              $"({string.Join(", ", open.Select(o => $"{o.ClientName} since {o.StartedAt:HH:mm} UTC"))}). One ends when its client disconnects ('rdlic disconnect SESSION-ID') " +
                              $"or after {AdministrativeConnections.IdleTimeout.TotalMinutes:0} minutes without activity, the first at {firstIdleEnd:yyyy-MM-dd HH:mm} UTC at the latest.";
                await s.AddEventAsync(now, new PendingSessionHostEvent(SessionHostEventId.AdministrativeConnectionRefused,
                    $"An administrative connection from {request.ClientName} was refused: {AdministrativeConnections.Limit} administrative sessions are open.",
                    request.ClientName, request.UserName));
                return new ConnectionDecision(ConnectionOutcome.Refused, message, null, host, config.Mode.Value, config.Version.Value, null, null, null,
                    new ConnectionRefusal(null, "ADMIN_CONNECTIONS_IN_USE", message), grace, []);
            }
            var id = SessionIds.New();
            await s.InsertSessionAsync(new HostSessionRecord(id, true, request.ClientName, request.HardwareId, request.UserName, "administrative",
                null, false, false, false, now, now, null, null));
            return new ConnectionDecision(ConnectionOutcome.Administrative,
                $"Administrative connection {((AdministrativeDecision.Granted)decision).Number} of {AdministrativeConnections.Limit}: no CAL needed. It stays open until it is ended, or for {AdministrativeConnections.IdleTimeout.TotalMinutes:0} minutes without activity.",
                id, host, config.Mode.Value, config.Version.Value, null, null, null, null, grace, []);
        }, cancellationToken);

    /// <summary>The administrative sessions open now (ending the idle ones first).</summary>
    public Task<IReadOnlyList<HostSessionRecord>> OpenAsync(CancellationToken cancellationToken) =>
        store.WriteAsync(s => EndIdleAsync(s, clock.GetUtcNow()), cancellationToken);

    /// <summary>Ends administrative sessions whose last activity is <see cref="AdministrativeConnections.IdleTimeout"/> ago; returns those still open.</summary>
    public static async Task<IReadOnlyList<HostSessionRecord>> EndIdleAsync(SessionHostWriteSession s, DateTimeOffset now)
    {
        var open = new List<HostSessionRecord>();
        foreach (var session in await s.OpenAdministrativeSessionsAsync())
        {
            if (!AdministrativeConnections.IsIdleAt(session.LastActivityAt, now))
            {
                open.Add(session);
                continue;
            }
            var endedAt = session.LastActivityAt + AdministrativeConnections.IdleTimeout;
            await s.EndSessionAsync(session.Id, endedAt, "idle");
            await s.AddEventAsync(now, new PendingSessionHostEvent(SessionHostEventId.AdministrativeSessionIdle,
                $"The administrative session {session.Id} of {session.ClientName} ended after {AdministrativeConnections.IdleTimeout.TotalMinutes:0} minutes without activity (at {endedAt:yyyy-MM-dd HH:mm} UTC).",
                session.ClientName, session.UserName));
        }
        return open;
    }
}
