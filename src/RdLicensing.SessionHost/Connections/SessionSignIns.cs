using Microsoft.Extensions.Options;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.SessionHost;
using RdLicensing.Core.Versions;
using RdLicensing.SessionHost.Configuration;
using RdLicensing.SessionHost.LicenseServers;
using RdLicensing.Storage;

namespace RdLicensing.SessionHost.Connections;

/// <summary>Whether a session goes on after its sign-in, and what the administrator and the client are told.</summary>
/// <param name="Refusal">Why it does not go on (null when it does): "not-administrator".</param>
public sealed record SessionSignInAnswer(bool Continue, string? Refusal, string Message, SignInResult? Reported);

/// <summary>
/// A sign-in as the desktop behind the endpoint reported it (or, without a desktop, reaching the session). The account
/// the desktop authenticated decides, never the name the client claimed:
/// <list type="bullet">
/// <item>An administrative session goes on only for a listed administrator (<see cref="AdministrativeSessionPolicy.AtSignIn"/>);
/// anyone else's is ended here (event 5033), which frees its administrative slot.</item>
/// <item>In Per User mode, when the authenticated account is another than the claimed one, the Per User CAL is requested
/// for the authenticated account (event 5034) and the session shows that user.</item>
/// <item>Then the temporary CAL is validated (<see cref="SignInReporter"/>).</item>
/// </list>
/// </summary>
public sealed class SessionSignIns(
    SessionHostStore store,
    HostConfiguration configuration,
    SignInReporter reporter,
    LicenseServerList licenseServers,
    SessionWrites writes,
    IOptions<SessionHostOptions> options,
    TimeProvider clock)
{
    /// <summary>The refusal of a session that reached its sign-in without any Per User CAL, once the grace period has ended.</summary>
    public const string NoPerUserCal = "no-per-user-cal";

    /// <param name="recordAfterAnswer">The front end reads nothing of the stored session afterwards (the RDP endpoint): a sign-in that
    /// reports nothing is answered once its record is queued (<see cref="SignInReporter"/>).</param>
    public async Task<SessionSignInAnswer> SignedInAsync(string id, string? authenticatedUser, string? domain, CancellationToken cancellationToken,
        bool recordAfterAnswer = false)
    {
        // The connection's own record may still be on its way to the store (ConnectionRequest.AnswerBeforeRecorded).
        await writes.WrittenAsync(id, cancellationToken);
        var session = await store.SessionAsync(id, cancellationToken) ?? throw new SessionNotFoundException(id);
        if (!session.IsOpen) throw new SessionEndedException(session);
        authenticatedUser = string.IsNullOrWhiteSpace(authenticatedUser) ? null : authenticatedUser.Trim();
        domain = string.IsNullOrWhiteSpace(domain) ? null : domain.Trim();
        var shownUser = authenticatedUser is null ? null : domain is null || authenticatedUser.Contains('\\') ? authenticatedUser : $"{domain}\\{authenticatedUser}";
        var config = await configuration.LoadAsync(cancellationToken);

        if (session.Administrative && AdministrativeSessionPolicy.AtSignIn(config.Administrators.Value, authenticatedUser, domain) is AdministrativeSignInDecision.Refused refused)
        {
            await store.WriteAsync(async s =>
            {
                var now = clock.GetUtcNow();
                await s.SetAuthenticatedUserAsync(id, shownUser!);
                await s.EndSessionAsync(id, now, "not-administrator");
                await s.AddEventAsync(now, new PendingSessionHostEvent(SessionHostEventId.AdministrativeSignInRefused,
                    $"Session {id} of {session.ClientName} on session host {options.Value.Name}: {refused.Message} (the client claimed {session.UserName ?? "no user name"}).",
                    session.ClientName, shownUser));
            }, cancellationToken);
            return new SessionSignInAnswer(false, "not-administrator", refused.Message, null);
        }

        var notes = new List<string>();
        var unchanged = true; // nothing below wrote to the session: the reporter may use the record read above
        if (session.Outcome == AwaitingSignIn && !session.Administrative)
        {
            // Per User behind a desktop: the CAL was left for now, for the account the desktop authenticated.
            unchanged = false;
            if (shownUser is not null) await store.WriteAsync(s => s.SetAuthenticatedUserAsync(id, shownUser), cancellationToken);
            var user = shownUser ?? session.UserName ?? session.ClientName;
            var (recorded, message) = await PerUserAtSignInAsync(session, user, config, cancellationToken);
            if (!recorded)
            {
                var grace = await GracePeriodState.ReadAsync(store, cancellationToken);
                var now = clock.GetUtcNow();
                if (!grace.IsActiveAt(now))
                {
                    var refusal = $"{LicensingErrorCode.NoLicense.ClientMessage()} {message} The licensing grace period of session host {options.Value.Name} " +
                                  (grace.EndsAt is { } end ? $"ended on {end:yyyy-MM-dd}." : "is not known.");
                    await store.WriteAsync(async s =>
                    {
                        await s.EndSessionAsync(id, now, NoPerUserCal);
                        await s.AddEventAsync(now, new PendingSessionHostEvent(SessionHostEventId.ConnectionRefused,
                            $"{session.ClientName} ({user}) was refused at sign-in: {message}", session.ClientName, user));
                    }, cancellationToken);
                    return new SessionSignInAnswer(false, NoPerUserCal, refusal, null);
                }
                await store.WriteAsync(s => s.AddEventAsync(now, new PendingSessionHostEvent(SessionHostEventId.ConnectionAllowedByGracePeriod,
                    $"{session.ClientName} ({user}) signed in without a Per User CAL during the grace period ({grace.DaysLeftAt(now)} days left): {message}",
                    session.ClientName, user)), cancellationToken);
            }
            notes.Add(message);
        }
        else if (shownUser is not null)
        {
            unchanged = false;
            if (!session.Administrative && config.Mode.Value == LicensingMode.PerUser && !AdministrativeSessionPolicy.SameUser(session.UserName, authenticatedUser))
                notes.Add(await PerUserForAsync(session, shownUser, config, cancellationToken));
            await store.WriteAsync(s => s.SetAuthenticatedUserAsync(id, shownUser), cancellationToken);
        }
        var reported = await reporter.ReportAsync(id, cancellationToken, recordAfterAnswer, unchanged ? session : null);
        notes.Add(reported.Message);
        return new SessionSignInAnswer(true, null, string.Join(" ", notes), reported);
    }

    private static readonly string AwaitingSignIn = ConnectionOutcome.AwaitingSignIn.ToString().ToLowerInvariant();

    /// <summary>The Per User CAL of a session that waited for its sign-in: recorded for the account the desktop authenticated.</summary>
    private async Task<(bool Recorded, string Message)> PerUserAtSignInAsync(HostSessionRecord session, string user, SessionHostConfiguration config,
        CancellationToken cancellationToken)
    {
        var attempt = await licenseServers.RequestCalAsync(config.LicenseServers.Value,
            new CalRequestBody(CalType.PerUser.ToShortName(), config.Version.Value.ToShortName(), session.HardwareId, session.ClientName, user, null), cancellationToken);
        var (recorded, message) = attempt.Response is { Licensed: true, Cal: { } cal } answer
            ? (true, $"License server {attempt.AnsweredBy} recorded the Per User CAL of {user}, the account the desktop authenticated " +
                     $"(valid until {cal.ExpiresAt:yyyy-MM-dd}{(cal.OverUsed ? ", from the OverUsed pool: install more Per User CALs there" : "")}). {answer.Message}")
            : attempt.Response is { } refusal
                ? (false, $"License server {attempt.AnsweredBy} gave {user} no Per User CAL: {refusal.Message}")
                : (false, $"No license server answered the Per User CAL request for {user} " +
                          $"({ConnectionDraft.Summary(attempt.Rejection is { } r ? [.. attempt.Failures, r] : attempt.Failures)}).");
        await store.WriteAsync(s => s.AddEventAsync(clock.GetUtcNow(), new PendingSessionHostEvent(
            recorded ? SessionHostEventId.PerUserCalFollowsSignIn : SessionHostEventId.CannotIssueLicense, message, session.ClientName, user, attempt.AnsweredBy)), cancellationToken);
        return (recorded, message);
    }

    /// <summary>The Per User CAL for the account the desktop authenticated (the one requested at the connection was for the claimed name).</summary>
    private async Task<string> PerUserForAsync(HostSessionRecord session, string user, SessionHostConfiguration config, CancellationToken cancellationToken)
    {
        var attempt = await licenseServers.RequestCalAsync(config.LicenseServers.Value,
            new CalRequestBody(CalType.PerUser.ToShortName(), config.Version.Value.ToShortName(), session.HardwareId, session.ClientName, user, null), cancellationToken);
        string message;
        if (attempt.Response is { Licensed: true, Cal: { } cal } answer)
            message = $"The desktop authenticated {user}, not {session.UserName ?? "the user the client claimed"}: license server {attempt.AnsweredBy} recorded the Per User CAL for {user} " +
                      $"(valid until {cal.ExpiresAt:yyyy-MM-dd}{(cal.OverUsed ? ", from the OverUsed pool" : "")}). {answer.Message}";
        else if (attempt.Response is { } refusal)
            message = $"The desktop authenticated {user}, not {session.UserName ?? "the user the client claimed"}, but license server {attempt.AnsweredBy} gave {user} no Per User CAL: {refusal.Message}";
        else
            message = $"The desktop authenticated {user}, not {session.UserName ?? "the user the client claimed"}, but no license server answered the Per User CAL request for {user} " +
                      $"({ConnectionDraft.Summary(attempt.Rejection is { } r ? [.. attempt.Failures, r] : attempt.Failures)}).";
        await store.WriteAsync(s => s.AddEventAsync(clock.GetUtcNow(), new PendingSessionHostEvent(SessionHostEventId.PerUserCalFollowsSignIn, message,
            session.ClientName, user, attempt.AnsweredBy)), cancellationToken);
        return message;
    }
}
