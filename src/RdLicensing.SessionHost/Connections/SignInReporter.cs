using RdLicensing.Core.SessionHost;
using RdLicensing.SessionHost.LicenseServers;
using RdLicensing.Storage;

namespace RdLicensing.SessionHost.Connections;

public sealed record SignInResult(HostSessionRecord Session, bool Reported, bool Validated, string Message);

/// <summary>
/// After the user of a licensed session signs in, the host tells the license server that issued the device's
/// temporary CAL, which marks it validated: the next connection can then upgrade it to a permanent CAL.
/// A client that never completes the sign-in keeps an unvalidated temporary CAL.
/// </summary>
/// <remarks>
/// <paramref name="recordAfterAnswer"/> (the RDP endpoint): a sign-in that reports nothing to a license server and so adds no
/// event is answered once its record is queued; the session's end, queued after it, and any later reader wait for its commit
/// (<see cref="SessionWrites"/>). A reported sign-in is still committed before the answer.
/// </remarks>
public sealed class SignInReporter(SessionHostStore store, LicenseServerCalls calls, SessionWrites writes, TimeProvider clock)
{
    /// <param name="current">The session as the caller has just read it, when nothing was written to it since (saves a read).</param>
    public async Task<SignInResult> ReportAsync(string id, CancellationToken cancellationToken, bool recordAfterAnswer = false, HostSessionRecord? current = null)
    {
        if (current is null) await writes.WrittenAsync(id, cancellationToken);
        var session = current ?? await store.SessionAsync(id, cancellationToken) ?? throw new SessionNotFoundException(id);
        if (!session.IsOpen) throw new SessionEndedException(session);
        if (session.SignedIn) return new SignInResult(session, false, session.CalValidated, "The sign-in of this session was already completed.");

        var reported = false;
        var validated = session.CalValidated;
        string message;
        PendingSessionHostEvent? pending = null;
        if (!session.Administrative && session.CalTemporary && !session.CalValidated && session.LicenseServer is { } url && session.HardwareId is { } hardwareId)
        {
            var reply = await calls.ReportSignInAsync(url, hardwareId, cancellationToken);
            if (reply.Answered)
            {
                reported = true;
                validated = reply.Value!.Validated;
                message = reply.Value.Message;
                pending = new PendingSessionHostEvent(SessionHostEventId.SignInReported,
                    $"Reported the sign-in of {session.UserName ?? session.ClientName} on {session.ClientName} to license server {url}: {reply.Value.Message}",
                    session.ClientName, session.UserName, url);
            }
            else
            {
                message = $"The sign-in could not be reported to license server {url} ({reply.Problem}); the temporary CAL stays unvalidated until a later sign-in is reported.";
                pending = new PendingSessionHostEvent(SessionHostEventId.SignInNotReported, message, session.ClientName, session.UserName, url);
            }
        }
        else
        {
            message = session.Administrative
                ? "Signed in to an administrative session: no CAL is involved."
                : session.CalTemporary ? "Signed in; the temporary CAL was already validated." : "Signed in; there is no temporary CAL to validate.";
        }

        if (recordAfterAnswer && pending is null)
        {
            var at = clock.GetUtcNow();
            writes.Track(id, store.WriteAsync(async s =>
            {
                if (!await s.MarkSignedInAsync(id, validated, at))
                    throw await s.SessionAsync(id) is { } ended ? new SessionEndedException(ended) : new SessionNotFoundException(id);
            }, CancellationToken.None));
            return new SignInResult(session with { SignedIn = true, CalValidated = validated, LastActivityAt = at }, reported, validated, message);
        }
        var updated = await store.WriteAsync(async s =>
        {
            var now = clock.GetUtcNow();
            if (!await s.MarkSignedInAsync(id, validated, now))
                throw await s.SessionAsync(id) is { } ended ? new SessionEndedException(ended) : new SessionNotFoundException(id);
            if (pending is not null) await s.AddEventAsync(now, pending);
            return (await s.SessionAsync(id))!;
        }, cancellationToken);
        return new SignInResult(updated, reported, validated, message);
    }
}
