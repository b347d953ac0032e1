using RdLicensing.Core.Cals;
using RdLicensing.Rdp.Connection;
using RdLicensing.SessionHost.Connections;

namespace RdLicensing.SessionHost.Rdp;

/// <summary>
/// The RDP endpoint's licensing decisions are the session host's own: the same <see cref="ConnectionDecider"/> as the
/// HTTP front end (and so the same events, sessions, grace period and failover), the same sign-in report.
/// </summary>
/// <remarks>
/// The endpoint reads nothing of the stored session: an allowed connection is answered once decided and a sign-in that reports
/// nothing once its record is queued, while the records are committed by the next group commit (<see cref="SessionWrites"/>);
/// the sign-in waits for the connection's record, and the end is queued after both.
/// With desktops behind the endpoint (<see cref="RdpEndpointOptions.Desktops"/>), a Per User CAL waits for the desktop's
/// sign-in and goes to the account it authenticated.
/// </remarks>
public sealed class SessionHostLicensing(ConnectionDecider decider, SessionSignIns signIns, HostSessions sessions, LiveConnections live, SessionWrites writes,
    RdpEndpointOptions? endpoint = null, Diagnostics.SessionHostMetrics? metrics = null) : IClientLicensing
{
    public async Task<RdpLicensingVerdict> DecideAsync(RdpClientIdentity client, byte[]? presentedLicense, CancellationToken cancellationToken)
    {
        var decision = await decider.DecideAsync(
            new ConnectionRequest(client.ClientName, client.HardwareId, client.UserName, presentedLicense, client.Administrative,
                PerUserAtSignIn: endpoint is { Desktops.Count: > 0 }, AnswerBeforeRecorded: true), cancellationToken);
        metrics?.Exchange(decision.Allowed, decision.Cal?.Temporary ?? false);
        if (!decision.Allowed)
            return RdpLicensingVerdict.Refused(decision.Refusal?.Code, decision.Refusal?.Message ?? decision.Message);
        // A Per User CAL belongs to the user, not the device: the client is told it is valid and stores nothing.
        var license = decision.Cal?.Type == CalType.PerUser ? null : decision.License;
        return new RdpLicensingVerdict(true, license, null, decision.Message, decision.SessionId, decision.Cal?.Temporary ?? false);
    }

    public async Task<RdpSignInOutcome> SignedInAsync(RdpLicensingVerdict verdict, RdpSignIn signedIn, CancellationToken cancellationToken)
    {
        if (verdict.SessionId is not { } id) return RdpSignInOutcome.Proceed;
        if (signedIn.AuthenticatedUser is { } user && live.Find(id) is { } connection) connection.AuthenticatedUser ??= user;
        var answer = await signIns.SignedInAsync(id, signedIn.AuthenticatedUser, signedIn.Domain, cancellationToken, recordAfterAnswer: true);
        return answer.Continue ? new RdpSignInOutcome(true, 0, answer.Message)
            : answer.Refusal == SessionSignIns.NoPerUserCal ? new RdpSignInOutcome(false, ErrorInfo.For(Core.SessionHost.LicensingErrorCode.NoLicense), answer.Message)
            : new RdpSignInOutcome(false, ErrorInfo.ServerInsufficientPrivileges, answer.Message);
    }

    public async Task EndedAsync(RdpLicensingVerdict verdict, CancellationToken cancellationToken)
    {
        if (verdict.SessionId is not { } id) return;
        try
        {
            await writes.WrittenAsync(id, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return; // the session was never recorded (SessionWrites logged why): there is nothing to end
        }
        try
        {
            await sessions.EndAsync(id, cancellationToken);
        }
        catch (SessionEndedException)
        {
            // An idle administrative session may have been ended already; the connection's end changes nothing then.
        }
        catch (SessionNotFoundException)
        {
            // Its record could not be written after the answer (SessionWrites logged why): there is nothing to end.
        }
    }
}
