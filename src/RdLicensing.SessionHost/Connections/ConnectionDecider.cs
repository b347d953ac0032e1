using Microsoft.Extensions.Options;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.SessionHost;
using RdLicensing.Core.Versions;
using RdLicensing.SessionHost.Configuration;
using RdLicensing.SessionHost.LicenseServers;
using RdLicensing.Storage;

namespace RdLicensing.SessionHost.Connections;

/// <summary>
/// The one licensing decision on every client connection, whatever the front end (HTTP now, RDP later).
/// <list type="bullet">
/// <item>Administrative: two at once without a CAL (<see cref="AdministrativeSessions"/>).</item>
/// <item>Per Device: a presented permanent CAL that verifies with a known license server key, is this device's, suits
/// the host's version and has more than 7 days left is accepted without any license server. Otherwise the license
/// servers are asked in order (failing over when one is down or refuses the host) for a new, upgraded or renewed
/// CAL, which the client stores. If none answers, a presented temporary CAL, or a permanent one due for renewal,
/// still counts until it expires.</item>
/// <item>Per User: a license server records a Per User CAL (from the pool or the OverUsed pool).</item>
/// <item>Without a CAL, the connection is allowed while the 120-day grace period runs, and refused afterwards with
/// the licensing error code (0x101 no license server, 0x102 no license, 0x105 bad client license, 0x109 cannot upgrade).</item>
/// </list>
/// CALs are requested during the grace period too whenever a license server is configured. The first client
/// connection starts the grace period; the decision, its session and its events are recorded in one transaction.
/// </summary>
public sealed class ConnectionDecider(
    HostConfiguration configuration,
    SessionHostStore store,
    LicenseServerList licenseServers,
    LicenseServerKeys keys,
    RevocationLists revocations,
    GraceRecovery graceRecovery,
    AdministrativeSessions administrative,
    SessionWrites writes,
    IOptions<SessionHostOptions> options,
    TimeProvider clock)
{
    public async Task<ConnectionDecision> DecideAsync(ConnectionRequest request, CancellationToken cancellationToken)
    {
        // One read: the configuration and the grace period start both come from the settings.
        var (config, settings) = await configuration.LoadWithSettingsAsync(cancellationToken);
        var grace = GracePeriodState.From(settings);
        if (ClientInput.Check(Clean(request.ClientName), Clean(request.HardwareId), Clean(request.UserName)) is { } bad)
            return await RefuseBadInputAsync(request, bad, config, grace, cancellationToken);
        if (request.Administrative)
        {
            if (await administrative.ConnectAsync(request, config, grace, cancellationToken) is { } granted) return granted;
            // Not a listed administrator: the console flag gives nothing; the connection is licensed like any other.
            request = request with { Administrative = false };
            if (string.IsNullOrEmpty(request.HardwareId))
                return await RefuseNotAdministratorWithoutHardwareIdAsync(request, config, grace, cancellationToken);
        }
        if (string.IsNullOrEmpty(request.HardwareId))
            throw new ArgumentException("A client connection needs the client's hardware id.", nameof(request));

        // A store without a grace period start asks its license servers for the start they anchored before deciding anything.
        var knowledge = await graceRecovery.RecoverAsync(grace, config.LicenseServers.Value, cancellationToken);
        var draft = new ConnectionDraft(request, config, knowledge.Grace, clock.GetUtcNow(), options.Value.Name) { GraceUnknown = knowledge.Unknown };
        if (knowledge.Unknown is { } why)
            draft.Event(SessionHostEventId.GracePeriodStartUnknown,
                $"Session host {draft.HostName} has no record of its grace period start and none of its license servers answered to say when it started ({why}): " +
                "the grace period counts as ended until one answers, so clients without a valid CAL are refused.");
        if (config.Mode.Value == LicensingMode.NotConfigured) ModeNotConfigured(draft);
        else if (config.LicenseServers.Value.Count == 0) NoLicenseServerSpecified(draft);
        else if (config.Mode.Value == LicensingMode.PerDevice) await PerDeviceAsync(draft, cancellationToken);
        else if (request.PerUserAtSignIn)
            draft.AwaitSignIn($"Per User mode: the Per User CAL is recorded when the desktop reports the sign-in, for the account it authenticated " +
                              $"(not for '{request.UserName ?? request.ClientName}', which the client claims).");
        else await PerUserAsync(draft, cancellationToken);
        return await RecordAsync(draft, cancellationToken);
    }

    /// <summary>
    /// A client whose name, user name or hardware id breaks the rules license servers apply is refused here, whatever the
    /// grace period: asking a server would only bring its 400 back, and nothing about such a request may let a client in.
    /// </summary>
    private Task<ConnectionDecision> RefuseBadInputAsync(ConnectionRequest request, ClientInputProblem bad, SessionHostConfiguration config, GracePeriod grace,
        CancellationToken cancellationToken)
    {
        // What the events and the answer show of the client: printable and bounded, whatever it sent.
        var shown = request with { ClientName = Printable(request.ClientName) ?? "(no name)", HardwareId = Printable(request.HardwareId), UserName = Printable(request.UserName) };
        var d = new ConnectionDraft(shown, config, grace, clock.GetUtcNow(), options.Value.Name);
        d.Event(SessionHostEventId.ClientInputRefused,
            $"A connection from {shown.ClientName} was refused without asking any license server: its {bad.Message}.");
        d.Refuse(LicensingErrorCode.NoLicense, "INVALID_CLIENT_INPUT", $"Session host {d.HostName} refused the connection: the client's {bad.Message}.");
        return RecordAsync(d, cancellationToken);
    }

    /// <summary>An administrative connection of a user who is not a listed administrator, without the hardware id a CAL needs.</summary>
    private Task<ConnectionDecision> RefuseNotAdministratorWithoutHardwareIdAsync(ConnectionRequest request, SessionHostConfiguration config, GracePeriod grace,
        CancellationToken cancellationToken)
    {
        var d = new ConnectionDraft(request, config, grace, clock.GetUtcNow(), options.Value.Name);
        d.Refuse(LicensingErrorCode.NoLicense, "NOT_AN_ADMINISTRATOR",
            $"{request.UserName ?? "This user"} is not one of the administrators of session host {d.HostName}, so the administrative connection needs a CAL like any other, " +
            "and the client sent no hardware id to license: connect without the administrative option, or list the user with 'rdlic sessionhost config set --administrators'.");
        return RecordAsync(d, cancellationToken);
    }

    private static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string? Printable(string? value)
    {
        if (value is null) return null;
        var printable = new string(value.Select(c => char.IsControl(c) ? '?' : c).Take(ClientInput.MaxNameLength).ToArray());
        return printable.Length < value.Length ? printable + "…" : printable;
    }

    /// <summary>A license server refused the request itself (a 4xx other than a refused token or the security group): an answer, so never the grace period.</summary>
    private static void RejectedByServer(ConnectionDraft d, LicenseServerFailure rejection)
    {
        d.Event(SessionHostEventId.LicenseServerRejectedRequest,
            $"License server {rejection.Url} refused the CAL request for {d.Request.ClientName} ({rejection.Problem}); the connection is refused, not let in by the grace period.", rejection.Url);
        d.Refuse(LicensingErrorCode.NoLicense, "LICENSE_SERVER_REJECTED_REQUEST", $"License server {rejection.Url} refused the CAL request: {rejection.Problem}.", rejection.Url);
    }

    private static void ModeNotConfigured(ConnectionDraft d)
    {
        var fix = d.Config.Mode.Source == SettingSource.Policy
            ? $"set licensingMode in {d.Config.Policy.Path}"
            : "set it with 'rdlic sessionhost config set --mode per-device' (or per-user, matching the CALs installed)";
        if (d.GraceActive)
            d.Event(SessionHostEventId.LicensingModeNotConfigured,
                $"The licensing mode of session host {d.HostName} is not configured: clients connect only while the grace period runs (until {d.Grace.EndsAt:yyyy-MM-dd}); {fix}.");
        else
            d.Event(SessionHostEventId.GracePeriodExpiredModeNotConfigured,
                $"The licensing grace period of session host {d.HostName} has expired and its licensing mode is not configured: {d.Request.ClientName} was refused; {fix}.");
        d.GraceOr(LicensingErrorCode.NoLicenseServer, "LICENSING_MODE_NOT_CONFIGURED", $"The licensing mode of session host {d.HostName} is not configured: {fix}.");
    }

    private static void NoLicenseServerSpecified(ConnectionDraft d)
    {
        var fix = d.Config.LicenseServers.Source == SettingSource.Policy
            ? $"list one in licenseServers in {d.Config.Policy.Path}"
            : "configure one with 'rdlic sessionhost config set --license-server URL'";
        d.Event(SessionHostEventId.NoLicenseServerSpecified,
            $"No license server is specified for session host {d.HostName} ({d.Config.Mode.Value.ToDisplayName()} mode): " +
            (d.GraceActive ? $"clients connect only while the grace period runs (until {d.Grace.EndsAt:yyyy-MM-dd}); " : $"the grace period is over, so {d.Request.ClientName} was refused; ") + fix + ".");
        d.GraceOr(LicensingErrorCode.NoLicenseServer, "NO_LICENSE_SERVER", $"Session host {d.HostName} has no license server configured: {fix}.");
    }

    private async Task PerDeviceAsync(ConnectionDraft d, CancellationToken cancellationToken)
    {
        var request = d.Request;
        var presented = PresentedLicense.Check(request.PresentedLicense, await keys.VerifiersAsync(cancellationToken), request.HardwareId!, d.Version, d.Now);
        var presentedBytes = request.PresentedLicense;
        if (presented.Content is { } signed && await revocations.IsRevokedAsync(signed, cancellationToken))
        {
            // Revoked by the server that signed it: as if the device had no CAL — the server decides as for such a device.
            var url = await keys.UrlOfAsync(signed.LicenseServerProductId, cancellationToken);
            d.Event(SessionHostEventId.RevokedLicensePresented,
                $"{request.ClientName} presented CAL {signed.CalId}, which license server {url ?? signed.LicenseServerProductId} revoked: it is treated as absent.", url);
            d.Note($"The CAL this device presented (CAL {signed.CalId}) was revoked by its license server; it counts as no CAL.");
            presented = PresentedLicense.None;
            presentedBytes = null;
        }
        if (presented.State == PresentedLicenseState.Valid)
        {
            var valid = presented.Content!;
            d.Licensed(FromToken(valid), null, await keys.UrlOfAsync(valid.LicenseServerProductId, cancellationToken),
                $"The presented permanent {valid.Version.ToDisplayName()} Per Device CAL is valid until {valid.ExpiresAt:yyyy-MM-dd}: accepted without contacting a license server.");
            return;
        }
        var presentedInvalid = false;
        if (presented.State == PresentedLicenseState.WrongDevice)
        {
            d.Event(SessionHostEventId.InvalidClientLicense, $"{request.ClientName} presented a license that is not valid for it: {presented.Problem}.");
            presentedInvalid = true;
        }

        var attempt = await licenseServers.RequestCalAsync(d.Servers, new CalRequestBody(CalType.PerDevice.ToShortName(), d.Version.ToShortName(),
            request.HardwareId, request.ClientName, request.UserName, presentedBytes is { } bytes ? Convert.ToBase64String(bytes) : null, d.ReportedGraceEndsAt), cancellationToken);
        d.Failures(attempt.Failures);
        if (attempt.Response is { } answer)
        {
            var url = attempt.AnsweredBy!;
            await AfterAnswerAsync(d, url, answer, cancellationToken);
            // A CAL the host verified itself is genuine: the server only says it is another license server's.
            if (answer.PresentedLicenseProblem is { } problem && !presentedInvalid && presented.Content is null)
            {
                d.Event(SessionHostEventId.InvalidClientLicense, $"License server {url} found the license presented by {request.ClientName} not valid: {problem}.", url);
                presentedInvalid = true;
            }
            if (answer.Licensed && answer.Cal is { } cal)
            {
                await LicensedByServerAsync(d, url, answer, cal, presented, presentedBytes, cancellationToken);
                return;
            }
            // The server refused a license: say why in the client's terms — the CAL it presented is bad (0x105), or it
            // holds a permanent CAL that could not be upgraded or renewed (0x109), or it has none to get (0x102).
            var code = answer.Refusal?.Code == LicensingErrorCode.BadClientLicense.ToHex() || presentedInvalid ? LicensingErrorCode.BadClientLicense
                : presented.IsPermanentNeedingServer ? LicensingErrorCode.CantUpgradeLicense
                : LicensingErrorCode.NoLicense;
            d.Event(code == LicensingErrorCode.CantUpgradeLicense ? SessionHostEventId.CannotRenewLicense : SessionHostEventId.CannotIssueLicense,
                $"License server {url} could not license {request.ClientName}: {answer.Message}", url);
            d.GraceOr(code, code.ToName(), $"License server {url}: {answer.Message}", url);
            return;
        }
        if (attempt.Rejection is { } rejection)
        {
            RejectedByServer(d, rejection);
            return;
        }

        if (presented.UsableWithoutLicenseServer)
        {
            var held = presented.Content!;
            var summary = ConnectionDraft.Summary(attempt.Failures);
            if (presented.State == PresentedLicenseState.RenewalDue)
                d.Event(SessionHostEventId.CannotRenewLicense,
                    $"The permanent CAL of {request.ClientName} expires on {held.ExpiresAt:yyyy-MM-dd} and could not be renewed: no license server answered ({summary}). It is accepted until it expires.");
            else
                d.Note($"The temporary CAL could not be upgraded: no license server answered ({summary}).");
            d.Licensed(FromToken(held), null, await keys.UrlOfAsync(held.LicenseServerProductId, cancellationToken),
                $"No license server answered; the presented {(held.IsTemporary ? "temporary" : "permanent")} CAL is accepted until it expires on {held.ExpiresAt:yyyy-MM-dd}.");
            return;
        }
        if (presented.State == PresentedLicenseState.NotVerified && !presentedInvalid)
            d.Event(SessionHostEventId.InvalidClientLicense, $"The license presented by {request.ClientName} could not be verified: {presented.Problem}.");
        NoLicenseServerAnswered(d, attempt.Failures);
    }

    /// <summary>What every CAL answer carries besides the decision: a newer revocation list number (fetch it now, so the next connection uses it).</summary>
    private async Task AfterAnswerAsync(ConnectionDraft d, string url, CalResponseBody answer, CancellationToken cancellationToken)
    {
        if (answer.HostGraceStartedAt is { } anchored && d.AdoptGrace(anchored))
            d.Note($"License server {url} recorded this host's grace period as started on {anchored:yyyy-MM-dd HH:mm} UTC: that start holds (it ends on {d.Grace.EndsAt:yyyy-MM-dd}).");
        if (await revocations.SyncIfNewerAsync(url, answer.RevocationListNumber, cancellationToken) is { Synced: false } failed)
            d.Note($"License server {url} announced revocation list {answer.RevocationListNumber}, which could not be fetched: {failed.Problem}.");
    }

    private async Task LicensedByServerAsync(ConnectionDraft d, string url, CalResponseBody answer, CalView cal, PresentedLicense presented, byte[]? presentedBytes,
        CancellationToken cancellationToken)
    {
        byte[]? license = null;
        var productId = presented.Content?.LicenseServerProductId;
        if (answer.License is { } text)
        {
            try { license = Convert.FromBase64String(text); }
            catch (FormatException) { d.Note($"License server {url} sent a CAL token that is not base64; the client keeps the one it has."); }
            if (license is not null)
            {
                var content = await keys.VerifyAsync(license, url, cancellationToken);
                if (content is null) d.Note($"The CAL token from {url} does not verify with that server's public key; it is handed to the client anyway.");
                else productId = content.LicenseServerProductId;
                d.Event(SessionHostEventId.ClientLicenseIssued,
                    $"{d.Request.ClientName} received a {(cal.Temporary ? "temporary" : "permanent")} {Names(cal)} from license server {url} ({answer.Outcome}), valid until {cal.ExpiresAt:yyyy-MM-dd}.", url);
            }
        }
        else if (productId is null && presentedBytes is not null)
        {
            // The server says the presented CAL is its current one, but this host does not know the server's key yet: learn it now.
            productId = (await keys.VerifyAsync(presentedBytes, url, cancellationToken))?.LicenseServerProductId;
        }
        if (cal.OverUsed)
            d.Note($"COMPLIANCE: the Per User CAL of {cal.UserName} comes from the OverUsed pool of {url}: install more Per User CALs there.");
        d.Licensed(FromView(cal, productId), license, url, answer.Message);
    }

    private async Task PerUserAsync(ConnectionDraft d, CancellationToken cancellationToken)
    {
        var request = d.Request;
        var user = string.IsNullOrWhiteSpace(request.UserName) ? request.ClientName : request.UserName;
        var attempt = await licenseServers.RequestCalAsync(d.Servers,
            new CalRequestBody(CalType.PerUser.ToShortName(), d.Version.ToShortName(), request.HardwareId, request.ClientName, user, null, d.ReportedGraceEndsAt), cancellationToken);
        d.Failures(attempt.Failures);
        if (attempt.Response is { } answer)
        {
            var url = attempt.AnsweredBy!;
            await AfterAnswerAsync(d, url, answer, cancellationToken);
            if (answer.Licensed && answer.Cal is { } cal)
            {
                await LicensedByServerAsync(d, url, answer, cal, PresentedLicense.None, null, cancellationToken);
                return;
            }
            d.Event(SessionHostEventId.CannotIssueLicense, $"License server {url} could not give {user} a Per User CAL: {answer.Message}", url);
            d.GraceOr(LicensingErrorCode.NoLicense, LicensingErrorCode.NoLicense.ToName(), $"License server {url}: {answer.Message}", url);
            return;
        }
        if (attempt.Rejection is { } rejection)
        {
            RejectedByServer(d, rejection);
            return;
        }
        NoLicenseServerAnswered(d, attempt.Failures);
    }

    private static void NoLicenseServerAnswered(ConnectionDraft d, IReadOnlyList<LicenseServerFailure> failures)
    {
        var summary = ConnectionDraft.Summary(failures);
        d.Event(SessionHostEventId.CannotIssueLicense, $"No license could be obtained for {d.Request.ClientName}: no license server answered ({summary}).");
        var outsideGroup = failures.Where(f => f.Contact == LicenseServerContact.NotInSecurityGroup).Select(f => f.Url).ToList();
        if (outsideGroup.Count > 0)
            d.GraceOr(LicensingErrorCode.NoLicenseServer, "NOT_IN_SECURITY_GROUP",
                $"Session host {d.HostName} is not in the license server security group of {string.Join(", ", outsideGroup)}: add it there with 'rdlic hosts group add {d.HostName}', or turn that server's security group policy off. ({summary})");
        else
            d.GraceOr(LicensingErrorCode.NoLicenseServer, "NO_LICENSE_SERVER", $"None of the license servers of session host {d.HostName} answered: {summary}.");
    }

    /// <summary>
    /// Records the decision, its session and its events in one transaction. Where the front end allows it
    /// (<see cref="ConnectionRequest.AnswerBeforeRecorded"/>), an allowed connection that leaves no event and changes no grace
    /// period state — a valid CAL accepted by the host alone, the most common connection — is answered as soon as its session's
    /// write is queued: nothing decided here depends on it, and the session's sign-in and end wait for its commit
    /// (<see cref="SessionWrites"/>).
    /// </summary>
    private async Task<ConnectionDecision> RecordAsync(ConnectionDraft d, CancellationToken cancellationToken)
    {
        var afterAnswer = d.Request.AnswerBeforeRecorded && d.Outcome != ConnectionOutcome.Refused && d.Events.Count == 0 && d.AdoptedGraceStart is null
                          && (d.HadRecordedGrace || d.GraceUnknown is not null);
        if (!afterAnswer) return await WriteRecordAsync(d, SessionIds.New(), cancellationToken);
        var id = SessionIds.New();
        // Not the connection's token: once queued, the record is written even if the client goes away meanwhile.
        var write = WriteRecordAsync(d, id, CancellationToken.None);
        writes.Track(id, write);
        return Decision(d, id, d.GraceUnknown is null ? d.Grace : new GracePeriod(null));
    }

    private static ConnectionDecision Decision(ConnectionDraft d, string? id, GracePeriod grace) =>
        new(d.Outcome, d.Message, id, d.HostName, d.Config.Mode.Value, d.Version, d.Cal, d.License, d.LicenseServer, d.Refusal, grace, d.Notes);

    private async Task<ConnectionDecision> WriteRecordAsync(ConnectionDraft d, string newSessionId, CancellationToken cancellationToken) =>
        await store.WriteAsync(async s =>
        {
            if (d.AdoptedGraceStart is { } anchored && (await GracePeriodState.AdoptEarlierAsync(s, anchored)).Changed && d.HadRecordedGrace)
                await s.AddEventAsync(d.Now, new PendingSessionHostEvent(SessionHostEventId.GracePeriodCorrected,
                    $"License server {d.LicenseServer} recorded an earlier grace period start for session host {d.HostName} ({anchored:yyyy-MM-dd HH:mm} UTC) than this host's: " +
                    $"that start holds, so the grace period ends on {anchored + GracePeriod.Length:yyyy-MM-dd}.", LicenseServer: d.LicenseServer));
            var (grace, started) = d.GraceUnknown is null
                ? await GracePeriodState.StartOnceAsync(s, d.Now) // keeps an adopted start
                : (new GracePeriod(null), false); // unknown: this connection starts nothing
            // A new host whose license server anchored its start with this very connection: the period started now, here.
            started |= !d.HadRecordedGrace && d.AdoptedGraceStart is { } adopted && d.Now - adopted < TimeSpan.FromMinutes(1);
            if (started)
                await s.AddEventAsync(d.Now, new PendingSessionHostEvent(SessionHostEventId.GracePeriodStarted,
                    $"The licensing grace period of session host {d.HostName} started with the first client connection ({d.Request.ClientName}): clients may connect without CALs until {grace.EndsAt:yyyy-MM-dd HH:mm} UTC. It cannot be extended or reset.",
                    d.Request.ClientName, d.Request.UserName));
            string? id = null;
            if (d.Outcome != ConnectionOutcome.Refused)
            {
                id = newSessionId;
                await s.InsertSessionAsync(new HostSessionRecord(id, false, d.Request.ClientName, d.Request.HardwareId, d.Request.UserName,
                    d.Outcome.ToString().ToLowerInvariant(), d.LicenseServer, d.Cal?.Temporary ?? false, d.Cal?.Validated ?? false, false, d.Now, d.Now, null, null));
            }
            await s.AddEventsAsync(d.Now, d.Events);
            return Decision(d, id, grace);
        }, cancellationToken);

    private static string Names(CalView cal) => CalTypes.TryParse(cal.Type, out var type) ? type.ToDisplayName() : cal.Type;

    private static ClientCal FromToken(CalTokenContent c) =>
        new(c.Type, c.IsTemporary ? "temporary" : "active", c.Version, c.IsTemporary, !c.IsTemporary, false, c.ExpiresAt, ClientCalSource.Presented, c.LicenseServerProductId);

    private static ClientCal FromView(CalView v, string? productId) =>
        new(CalTypes.TryParse(v.Type, out var type) ? type : CalType.PerDevice, v.Status,
            ProductVersions.TryParse(v.Version, out var version) ? version : ProductVersions.Latest,
            v.Temporary, v.Validated, v.OverUsed, v.ExpiresAt, ClientCalSource.LicenseServer, productId);
}
