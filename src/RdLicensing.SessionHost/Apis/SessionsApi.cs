using Microsoft.AspNetCore.Http.HttpResults;
using RdLicensing.Core.Protocol;
using RdLicensing.SessionHost.Connections;
using RdLicensing.SessionHost.Hosting;
using RdLicensing.SessionHost.Rdp;

namespace RdLicensing.SessionHost.Apis;

/// <summary>
/// Open sessions: the sign-in that validates a temporary CAL, activity, and the end of a session. The list is for
/// administrators; the calls on one session are the client's own and stay anonymous, like RDP: the session's
/// random 128-bit id (<see cref="SessionIds"/>) is what only that client knows.
/// </summary>
public static class SessionsApi
{
    public static RouteGroupBuilder MapSessionsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/sessions").WithTags("Sessions");
        api.MapGet("/", List).WithSummary("Open sessions with their live connection, if any: authenticated user, CAL, desktop, bytes each way (administrative sessions idle for 10 minutes are ended first).").RequireAdministrator();
        api.MapPost("/{id}/disconnect", Disconnect).WithSummary("An administrator ends the session: its RDP connection (both legs, client and desktop) is closed and the session ended.").RequireAdministrator();
        api.MapPost("/{id}/sign-in", SignIn).WithSummary("The user signed in: a temporary Per Device CAL is reported to its license server and becomes validated.").AllowAnonymous();
        api.MapPost("/{id}/activity", Activity).WithSummary("Activity on the session; an administrative session ends after 10 minutes without any.").AllowAnonymous();
        api.MapDelete("/{id}", End).WithSummary("End the session (the client disconnected).").AllowAnonymous();
        return api;
    }

    public static async Task<Ok<IEnumerable<SessionView>>> List(HostSessions sessions, LiveConnections live, CancellationToken cancellationToken) =>
        TypedResults.Ok((await sessions.OpenAsync(cancellationToken)).Select(s => s.ToView(live.Find(s.Id))));

    public static Task<Results<Ok<SessionDisconnectView>, ProblemHttpResult>> Disconnect(string id, HostSessions sessions, LiveConnections live,
        CancellationToken cancellationToken) =>
        Guard(id, async () =>
        {
            var closed = live.Disconnect(id, "disconnected by an administrator");
            var session = await sessions.DisconnectAsync(id, closed, cancellationToken);
            return new SessionDisconnectView(session.ToView(), closed, closed
                ? $"Session {id} of {session.ClientName} ended: its connection was closed, towards the client and towards the desktop."
                : $"Session {id} of {session.ClientName} ended (it had no open connection on this host's RDP endpoint).");
        });

    public static Task<Results<Ok<SessionSignInView>, ProblemHttpResult>> SignIn(string id, SignInReporter reporter, CancellationToken cancellationToken) =>
        Guard(id, async () =>
        {
            var result = await reporter.ReportAsync(id, cancellationToken);
            return new SessionSignInView(result.Session.ToView(), result.Reported, result.Validated, result.Message);
        });

    public static Task<Results<Ok<SessionView>, ProblemHttpResult>> Activity(string id, HostSessions sessions, CancellationToken cancellationToken) =>
        Guard(id, async () => (await sessions.TouchAsync(id, cancellationToken)).ToView());

    /// <summary>
    /// The client ends its own session. A session whose RDP connection is open here is the endpoint's to end when the
    /// connection closes, or an administrator's ('rdlic disconnect' with the administrator token): ending only its record
    /// would leave the connection running unaccounted.
    /// </summary>
    public static async Task<Results<Ok<SessionView>, ProblemHttpResult>> End(string id, HostSessions sessions, LiveConnections live, CancellationToken cancellationToken)
    {
        if (SessionIds.LooksValid(id) && live.Find(id) is not null)
            return Problems.Conflict("session-live",
                "The session's connection is open",
                $"Session {id} has an open RDP connection on this host: it ends when the client disconnects, or an administrator ends it with 'rdlic disconnect {id}' (with the session host administrator token).");
        return await Guard(id, async () => (await sessions.EndAsync(id, cancellationToken)).ToView());
    }

    private static async Task<Results<Ok<T>, ProblemHttpResult>> Guard<T>(string id, Func<Task<T>> work)
    {
        if (!SessionIds.LooksValid(id)) return Problems.NotFound("session-not-found", $"'{id}' is not a session id (they look like s- and 32 hexadecimal digits).");
        try
        {
            return TypedResults.Ok(await work());
        }
        catch (SessionNotFoundException e)
        {
            return Problems.NotFound("session-not-found", e.Message);
        }
        catch (SessionEndedException e)
        {
            return Problems.Conflict("session-ended", "The session has ended", e.Message);
        }
    }
}
