using RdLicensing.Core.Cals;
using RdLicensing.Core.Events;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.SessionHost;
using RdLicensing.Core.Versions;
using RdLicensing.LicenseServer.Hosting;
using RdLicensing.Storage;

namespace RdLicensing.LicenseServer.Licensing;

/// <summary>
/// Issues CALs: a request that changes nothing is answered from a read; any other runs in a write transaction
/// (shared with concurrent ones by group commit) that reads the device's or user's CALs and the key packs,
/// lets the Core policy decide, and applies the decision with its events. Pack counts change only
/// through the guarded update in the store, so concurrent requests can never over-allocate.
/// </summary>
public sealed class CalIssuer(LicenseStore store, ServerState server, TimeProvider clock, PerDeviceCalPolicy perDevice, VerifiedCalTokens verified)
{
    /// <summary>Below this share of a version's licenses left, event 20 warns that few permanent CALs remain.</summary>
    private const double LowWaterShare = 0.10;

    /// <summary>How recently a host must have been recorded as seen for a valid presentation to skip recording it again.</summary>
    public static readonly TimeSpan HostSeenResolution = TimeSpan.FromMinutes(1);

    public async Task<CalOutcome> RequestAsync(CalRequest request, CancellationToken cancellationToken) =>
        Signed(await ValidWithoutWritingAsync(request, cancellationToken) ?? await DecideAndWriteAsync(request, cancellationToken));

    /// <summary>Verifications of presented CAL tokens answered from <see cref="VerifiedCalTokens"/>, and those that checked a signature.</summary>
    public (long Hits, long Misses) TokenCacheStatistics => verified.Statistics;

    /// <summary>
    /// Signs the outcome's new CAL token, if it needs one, once its transaction has committed: signing (an X.509 certificate, an
    /// ECDSA signature) is the costliest step of an issuance, and inside the transaction it ran one request after another under
    /// the writer lock; here it runs on the caller's thread, concurrently with the next batch. A write that does not commit
    /// never reaches here, so no token is signed for a CAL that does not exist. The token's digest is recorded in the CAL's row
    /// with the next write transaction, so the device presenting it is known without a signature check, on any node.
    /// </summary>
    private CalOutcome Signed(CalOutcome outcome)
    {
        if (outcome.TokenToSign is not { } content) return outcome;
        var (token, digest) = verified.Issue(server.Tokens, content);
        if (content.Type == CalType.PerDevice) store.RecordTokenDigest(content.CalId, content.HardwareId, digest);
        return outcome with { License = token, TokenToSign = null };
    }

    /// <summary>
    /// Anchors the host's grace period (<see cref="GraceAnchorPolicy"/>): the first start this server learns is kept; a later one
    /// reported afterwards (the host's state was reset) is refused with event 5081 and the dashboard's warning, and the host gets
    /// the anchored start back.
    /// </summary>
    private static async Task<DateTimeOffset?> AnchorGraceAsync(LicenseWriteSession s, CalRequest request, DateTimeOffset now)
    {
        var recorded = await s.HostGraceStartAsync(request.HostName);
        var reported = request.HostGraceEndsAt - GracePeriod.Length;
        var decision = GraceAnchorPolicy.Decide(recorded, reported, now);
        if (decision.Moved)
        {
            await s.SetHostGraceAsync(request.HostName, decision.StartedAt!.Value, decision.StartedAt.Value + GracePeriod.Length, now);
            await s.AddEventAsync(now, LicensingEventId.HostGracePeriodMoved,
                $"Session host {request.HostName} reported a moved grace period: it says its grace period started {reported:yyyy-MM-dd HH:mm} UTC, but it started " +
                $"{decision.StartedAt:yyyy-MM-dd HH:mm} UTC (its local state was probably deleted). The recorded start holds (grace ends {decision.StartedAt + GracePeriod.Length:yyyy-MM-dd}); the host was told so.",
                request.HostName, reason: "grace-period-moved");
        }
        else if (decision.Record)
        {
            await s.SetHostGraceAsync(request.HostName, decision.StartedAt!.Value, decision.StartedAt.Value + GracePeriod.Length, null);
        }
        return decision.StartedAt;
    }

    /// <summary>
    /// The most common connection — a device presenting its valid permanent CAL, a user with a valid Per User CAL —
    /// changes nothing, so it is answered from a read without queueing for the writer. It is taken only when nothing
    /// would be written: no renewal is due, the presented license is this device's own, and the host's last-seen time
    /// was recorded within the minute and the grace period end it reports is the one recorded. Anything else goes through the write transaction.
    /// Expired CALs are never answered valid here (the policy checks expiry against now), so the expiry sweep is not needed first.
    /// </summary>
    private async Task<CalOutcome?> ValidWithoutWritingAsync(CalRequest request, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        long? presentedCalId = null;
        CalTokenDigest presentedDigest = default;
        var known = false;
        if (request.Type == CalType.PerDevice)
        {
            if (request.PresentedLicense is not { } presented) return null;
            // A token presented recently is known before anything is read; any other, once the device's CALs are (below).
            presentedDigest = server.Tokens.Digest(presented);
            if (CheckCached(request, presentedDigest) is { } cached)
            {
                if (cached.Problem is not null) return null;
                presentedCalId = cached.CalId;
                known = true;
            }
        }
        // A Per Device Valid answer depends only on the device's CALs, the host's version, activation and now — neither on the key
        // packs nor on the upgrade policy (PerDeviceCalPolicyTests holds that) — so a Per Device present reads neither: every other
        // answer is dropped below and taken again by the writer, from everything. A Per User answer reads both.
        var isPerDevice = request.Type == CalType.PerDevice;
        var snapshot = await store.PresentationSnapshotAsync(request.HostName, request.Type, isPerDevice ? request.HardwareId! : request.UserName!,
            isPerDevice ? [] : LicensingPolicies.Settings, keyPacks: !isPerDevice, cancellationToken);
        if (snapshot.HostLastSeen is not { } seen || now - seen >= HostSeenResolution || now < seen) return null;
        if (request.HostGraceEndsAt is { } grace && snapshot.HostGraceEndsAt != grace) return null;
        var graceStart = snapshot.HostGraceEndsAt - GracePeriod.Length;

        var policies = LicensingPolicies.From(snapshot.Settings);
        if (isPerDevice)
        {
            if (!known)
            {
                (presentedCalId, var problem) = CheckUncached(request, presentedDigest, snapshot.Cals, snapshot.TokenDigests);
                if (problem is not null) return null;
            }
            var decision = perDevice.Decide(new PerDeviceRequest(request.HostVersion, snapshot.Cals, snapshot.Packs, server.IsActivatedAt(now),
                policies.PreventLicenseUpgrade, now));
            return decision is CalDecision.Valid(var cal) ? ValidDevice(cal, presentedCalId) with { HostGraceStartedAt = graceStart } : null;
        }
        var userDecision = PerUserCalPolicy.Decide(new PerUserRequest(request.HostVersion, snapshot.Cals, snapshot.Packs, policies.PreventLicenseUpgrade, now));
        return userDecision is CalDecision.Valid(var userCal) ? ValidUser(userCal) with { HostGraceStartedAt = graceStart } : null;
    }

    private long _sweptAtTicks;

    /// <summary>
    /// Returns licenses of ended CALs before deciding, but at most once per second of clock time (and whenever the clock
    /// jumps): each sweep reads every Per User CAL that has ended and keeps its license through the reassignment delay,
    /// which on every write capped issuance near a hundred a second. A license can so come back up to a second late,
    /// far below the days the rules count in; the periodic sweep and the clock's advance sweep as before.
    /// </summary>
    private async Task ExpireDueAtMostEverySecondAsync(LicenseWriteSession s, DateTimeOffset now)
    {
        var last = Interlocked.Read(ref _sweptAtTicks);
        if (now.UtcTicks >= last && now.UtcTicks - last < TimeSpan.TicksPerSecond) return;
        Interlocked.Exchange(ref _sweptAtTicks, now.UtcTicks);
        await s.ExpireDueAsync(now);
    }

    private Task<CalOutcome> DecideAndWriteAsync(CalRequest request, CancellationToken cancellationToken) =>
        store.WriteAsync(async s =>
        {
            var now = clock.GetUtcNow();
            await ExpireDueAtMostEverySecondAsync(s, now);
            await s.TouchSessionHostAsync(request.HostName, now);
            var graceStart = await AnchorGraceAsync(s, request, now);
            var policies = await LicensingPolicies.ReadAsync(s);
            var outcome = request.Type == CalType.PerDevice
                ? await PerDeviceAsync(s, request, policies, now)
                : await PerUserAsync(s, request, policies, now);
            return outcome with { HostGraceStartedAt = graceStart };
        }, cancellationToken);

    private async Task<CalOutcome> PerDeviceAsync(LicenseWriteSession s, CalRequest request, LicensingPolicies policies, DateTimeOffset now)
    {
        var hardwareId = request.HardwareId!;
        var (cals, tokenDigests) = await s.DeviceCalsWithTokenDigestsAsync(hardwareId);
        var (presentedCalId, presentedProblem) = request.PresentedLicense is { } presented && server.Tokens.Digest(presented) is var digest
            ? CheckCached(request, digest) ?? CheckUncached(request, digest, cals, tokenDigests)
            : (null, null);
        if (presentedProblem is not null)
        {
            await s.AddEventAsync(now, LicensingEventId.InvalidClientLicensePresented,
                $"Client {request.ClientName} presented a license that is not valid here: {presentedProblem}.", request.HostName, hardwareId, request.UserName);
        }

        var activated = server.IsActivatedAt(now);
        var packs = await s.KeyPacksAsync(CalType.PerDevice);
        var decision = perDevice.Decide(new PerDeviceRequest(request.HostVersion, cals, packs, activated, policies.PreventLicenseUpgrade, now));

        async Task Event(LicensingEventId id, string message, long? calId) =>
            await s.AddEventAsync(now, id, message, request.HostName, hardwareId, request.UserName, calId);

        switch (decision)
        {
            case CalDecision.Valid(var cal):
                return ValidDevice(cal, presentedCalId, presentedProblem);

            case CalDecision.Renewed(var cal, var newExpiry):
            {
                var renewed = cal with { ExpiresAt = newExpiry, ClientName = request.ClientName, HostName = request.HostName };
                await s.UpdateCalAsync(renewed);
                await Event(LicensingEventId.PermanentCalRenewed, $"The permanent CAL {cal.Id} of {request.ClientName} was renewed until {newExpiry:yyyy-MM-dd}.", cal.Id);
                return Outcome("renewed", $"The permanent CAL was renewed until {newExpiry:yyyy-MM-dd}.", renewed, presentedCalId, presentedProblem, forceToken: true);
            }

            case CalDecision.TemporaryIssued(var version, var expires):
            {
                var cal = NewCal(request, version, now, expires) with { Status = CalStatus.Temporary, IsTemporary = true };
                cal = cal with { Id = await s.InsertCalAsync(cal) };
                await Event(LicensingEventId.TemporaryCalIssued, $"A temporary Per Device CAL valid until {expires:yyyy-MM-dd} was issued to {request.ClientName}.", cal.Id);
                if (!activated)
                    await Event(LicensingEventId.NotActivatedTemporaryOnly, "The license server is not activated: it issues only temporary Per Device CALs. Activate the license server.", cal.Id);
                return Outcome("temporary-issued", $"First connection: a temporary CAL valid until {expires:yyyy-MM-dd} was issued.", cal, presentedCalId, presentedProblem, forceToken: true);
            }

            case CalDecision.TemporaryKept(var temporary, var why):
            {
                // The host that asked last is the one whose sign-in report counts (a device moves between hosts).
                if (!string.Equals(temporary.HostName, request.HostName, StringComparison.OrdinalIgnoreCase))
                    await s.UpdateCalAsync(temporary = temporary with { HostName = request.HostName });
                if (why == TemporaryKeptReason.NotActivated)
                    await Event(LicensingEventId.NotActivatedTemporaryOnly, $"The temporary CAL of {request.ClientName} cannot be upgraded: the license server is not activated.", temporary.Id);
                else if (why != TemporaryKeptReason.AwaitingSignIn)
                    await Event(LicensingEventId.NoPermanentLicensesLeft, $"No permanent Per Device CAL for {request.HostVersion.ToDisplayName()} hosts could be issued to {request.ClientName}: {PerDeviceCalPolicy.Describe(why)}. The temporary CAL keeps working until {temporary.ExpiresAt:yyyy-MM-dd}.", temporary.Id);
                return Outcome("temporary-kept", $"The temporary CAL stays valid until {temporary.ExpiresAt:yyyy-MM-dd}; it was not upgraded because {PerDeviceCalPolicy.Describe(why)}.", temporary, presentedCalId, presentedProblem);
            }

            case CalDecision.PermanentIssued(var pack, var expires, var replaces):
            {
                await TakeAsync(s, pack);
                var cal = NewCal(request, pack.Version, now, expires) with
                {
                    Status = CalStatus.Active, KeyPackId = pack.Id, HoldsSlot = true, Validated = true,
                };
                cal = cal with { Id = await s.InsertCalAsync(cal) };
                if (replaces is not null)
                {
                    await s.UpdateCalAsync(replaces with { Status = CalStatus.Upgraded });
                    await Event(LicensingEventId.TemporaryUpgradedToPermanent,
                        $"The temporary CAL {replaces.Id} of {request.ClientName} was upgraded to a permanent {pack.Version.ToDisplayName()} Per Device CAL {cal.Id}, valid until {expires:yyyy-MM-dd}.", cal.Id);
                }
                await WarnWhenFewLeftAsync(s, packs, pack, now, request);
                return Outcome("permanent-issued", $"A permanent {pack.Version.ToDisplayName()} Per Device CAL valid until {expires:yyyy-MM-dd} was issued.", cal, presentedCalId, presentedProblem, forceToken: true);
            }

            case CalDecision.Refused(var reason, var message):
                await s.AddEventAsync(now, LicensingEventId.DeviceRefused, $"{request.ClientName} was refused: {message}", request.HostName, hardwareId, request.UserName,
                    reason: reason == RefusalReason.NoLicense ? "no-license" : reason.ToString());
                return new CalOutcome("refused", message, null, null, reason, presentedProblem);

            default:
                throw new InvalidOperationException($"Unexpected Per Device decision {decision.GetType().Name}.");
        }
    }

    private async Task<CalOutcome> PerUserAsync(LicenseWriteSession s, CalRequest request, LicensingPolicies policies, DateTimeOffset now)
    {
        var user = request.UserName!;
        var packs = await s.KeyPacksAsync(CalType.PerUser);
        var decision = PerUserCalPolicy.Decide(new PerUserRequest(request.HostVersion, await s.UserCalsAsync(user),
            packs, policies.PreventLicenseUpgrade, now));

        async Task Event(LicensingEventId id, string message, long calId) =>
            await s.AddEventAsync(now, id, message, request.HostName, request.HardwareId, user, calId);

        switch (decision)
        {
            case CalDecision.Valid(var cal):
                return ValidUser(cal);

            case CalDecision.PerUserExtended(var cal, var newExpiry, var movedTo):
            {
                var extended = cal with { Status = CalStatus.Active, ExpiresAt = newExpiry, HostName = request.HostName };
                if (movedTo is not null)
                {
                    await TakeAsync(s, movedTo);
                    extended = extended with { KeyPackId = movedTo.Id, Version = movedTo.Version, OverUsed = false, HoldsSlot = true, IssuedAt = now };
                }
                await s.UpdateCalAsync(extended);
                if (movedTo is not null)
                    await Event(LicensingEventId.PerUserCalMovedToPool, $"The OverUsed Per User CAL of {user} now comes from the pool ({movedTo.Version.ToDisplayName()}).", cal.Id);
                await Event(LicensingEventId.PerUserCalExtended, $"The Per User CAL of {user} was extended until {newExpiry:yyyy-MM-dd}.", cal.Id);
                return PerUserOutcome("per-user-extended", $"The Per User CAL of {user} was extended until {newExpiry:yyyy-MM-dd}.", extended);
            }

            case CalDecision.PerUserIssued(var pack, var version, var expires, var whyOverUsed):
            {
                if (pack is not null) await TakeAsync(s, pack);
                var cal = NewCal(request, version, now, expires) with
                {
                    Status = CalStatus.Active, KeyPackId = pack?.Id, HoldsSlot = pack is not null, OverUsed = pack is null, Validated = true,
                };
                cal = cal with { Id = await s.InsertCalAsync(cal) };
                if (pack is null)
                {
                    var why = whyOverUsed == NoPermanentReason.UpgradePrevented
                        ? "only newer-version Per User CALs are left and the 'prevent license upgrade' policy is on"
                        : "no Per User CAL of a compatible version is left";
                    await Event(LicensingEventId.PerUserCalOverUsed,
                        $"COMPLIANCE: {user} was given a Per User CAL from the OverUsed pool because {why}. Install more {version.ToDisplayName()} Per User CALs.", cal.Id);
                    return PerUserOutcome("per-user-overused", $"{user} was licensed from the OverUsed pool: {why}. This breaches the license terms until more Per User CALs are installed.", cal);
                }
                await Event(LicensingEventId.PerUserCalIssued, $"A {pack.Version.ToDisplayName()} Per User CAL valid until {expires:yyyy-MM-dd} was issued to {user}.", cal.Id);
                await WarnWhenFewLeftAsync(s, packs, pack, now, request);
                return PerUserOutcome("per-user-issued", $"A Per User CAL valid until {expires:yyyy-MM-dd} was issued to {user}.", cal);
            }

            default:
                throw new InvalidOperationException($"Unexpected Per User decision {decision.GetType().Name}.");
        }
    }

    /// <summary>
    /// The user signed in on the device: its temporary CAL becomes validated, so the next connection can upgrade it. Only the
    /// session host that last requested the device's CAL may report it (<paramref name="NotThisHost"/> otherwise, with event
    /// 5080): another host's token cannot validate a device it never served.
    /// </summary>
    public Task<(bool Validated, string Message, IssuedCal? Cal, bool NotThisHost)> ReportSignInAsync(string hostName, string hardwareId, CancellationToken cancellationToken) =>
        store.WriteAsync(async s =>
        {
            var now = clock.GetUtcNow();
            var cals = await s.DeviceCalsAsync(hardwareId);
            var temporary = cals.Where(c => c.IsTemporary && c.Status == CalStatus.Temporary && !c.IsExpiredAt(now))
                .OrderByDescending(c => c.IssuedAt).FirstOrDefault();
            if (temporary is null)
            {
                var permanent = cals.Where(c => !c.IsTemporary && c.Status == CalStatus.Active && !c.IsExpiredAt(now)).MaxBy(c => c.ExpiresAt);
                return permanent is not null
                    ? (false, "The device holds a permanent CAL; there is nothing to validate.", permanent, false)
                    : (false, "The device holds no temporary CAL to validate: request a CAL first.", (IssuedCal?)null, false);
            }
            if (!string.Equals(temporary.HostName, hostName, StringComparison.OrdinalIgnoreCase))
            {
                var refused = $"Session host {hostName} reported a sign-in on {temporary.ClientName}, but it did not request that device's CAL " +
                              $"(session host {temporary.HostName} did): a host reports sign-ins only for the connections it asked a CAL for. Nothing was validated.";
                await s.AddEventAsync(now, LicensingEventId.SignInFromAnotherHostRefused, refused, hostName, hardwareId, null, temporary.Id,
                    reason: "sign-in-not-requested-by-host");
                return (false, refused, temporary, true);
            }
            if (temporary.Validated) return (true, "The temporary CAL was already validated.", temporary, false);
            var validated = temporary with { Validated = true };
            await s.UpdateCalAsync(validated);
            await s.AddEventAsync(now, LicensingEventId.TemporaryCalValidated,
                $"The temporary CAL {temporary.Id} of {temporary.ClientName} was validated after a sign-in.", hostName, hardwareId, null, temporary.Id);
            return (true, "The temporary CAL was validated: the next connection upgrades it to a permanent CAL when one is available.", validated, false);
        }, cancellationToken);

    /// <summary>Expires what time has ended and returns licenses to their packs; logs how many.</summary>
    /// <param name="lease">For the periodic sweep: run only when this node holds the job (one node of several sweeps).</param>
    public Task<(int Expired, int LicensesReturned)> SweepAsync(CancellationToken cancellationToken, JobLease? lease = null) =>
        store.WriteAsync(async s =>
        {
            if (lease is not null && !await s.TryClaimJobAsync(lease.Job, server.NodeId, TimeProvider.System.GetUtcNow(), lease.Duration))
                return (0, 0);
            var now = clock.GetUtcNow();
            var result = await s.ExpireDueAsync(now);
            if (result.Expired + result.LicensesReturned > 0)
                await s.AddEventAsync(now, LicensingEventId.CalsExpired,
                    $"{result.Expired} CAL(s) expired; {result.LicensesReturned} license(s) returned to their key packs.");
            return result;
        }, cancellationToken);

    /// <summary>
    /// The CAL id of the presented token (<paramref name="digest"/> its digest) if this process verified or signed it recently
    /// (<see cref="VerifiedCalTokens"/>), or why it is not this device's CAL of this server; null when the cache does not know
    /// it (<see cref="CheckUncached"/> then). Needs nothing read, so the read path asks it first.
    /// </summary>
    private (long? CalId, string? Problem)? CheckCached(CalRequest request, CalTokenDigest digest) =>
        verified.Cached(server.Tokens, digest) is { } cached ? CheckContent(cached, request) : null;

    /// <summary>
    /// The CAL id of a presented token the cache does not know (<paramref name="digest"/> its digest) if this server signed it
    /// for this device, or why it is not one. Known, cheapest first: from the digest recorded in one of the device's CAL rows
    /// (<paramref name="cals"/>, <paramref name="tokenDigests"/> beside them), which this server's current key signed for that
    /// CAL and device — after a restart, or issued by another node; else by its signature, after which its digest is recorded
    /// for the next time.
    /// </summary>
    private (long? CalId, string? Problem) CheckUncached(CalRequest request, CalTokenDigest digest, IReadOnlyList<IssuedCal> cals, IReadOnlyList<byte[]?> tokenDigests)
    {
        var presented = request.PresentedLicense!;
        for (var i = 0; i < tokenDigests.Count; i++)
        {
            if (!digest.Matches(tokenDigests[i])) continue;
            verified.CountStoredMatch();
            return (cals[i].Id, null);
        }
        try
        {
            var token = verified.VerifySignature(server.Tokens, presented, digest);
            var checkedToken = CheckContent(token, request);
            if (checkedToken.Problem is null && cals.Any(c => c.Id == token.CalId))
                store.RecordTokenDigest(token.CalId, token.HardwareId, digest);
            return checkedToken;
        }
        catch (CalTokenException e)
        {
            // Signed by a key this server retired (rotation): the CAL is still the one the database holds for the device, so
            // the answer carries a fresh token signed by the current key — the same CAL, re-signed (no presented CAL id: not current).
            foreach (var retired in server.RetiredKeyVerifiers)
            {
                try
                {
                    var token = retired.Verify(presented);
                    if (token.LicenseServerProductId == server.ProductId && token.Type == CalType.PerDevice
                        && string.Equals(token.HardwareId, request.HardwareId, StringComparison.Ordinal))
                        return (null, null);
                }
                catch (CalTokenException)
                {
                    // Not this retired key.
                }
            }
            return (null, e.Message);
        }
    }

    /// <summary>The CAL id of a token this server's current key signed, if it is a Per Device CAL of this server for this device.</summary>
    private (long? CalId, string? Problem) CheckContent(CalTokenContent token, CalRequest request)
    {
        if (token.LicenseServerProductId != server.ProductId) return (null, "it names another license server");
        if (token.Type != CalType.PerDevice) return (null, "it is not a Per Device CAL");
        if (!string.Equals(token.HardwareId, request.HardwareId, StringComparison.Ordinal)) return (null, "it was issued to another device (hardware id differs)");
        return (token.CalId, null);
    }

    private static async Task TakeAsync(LicenseWriteSession s, KeyPack pack)
    {
        // The policy chose from a snapshot read in this same transaction, so this cannot fail unless the invariant is broken.
        if (!await s.TakeLicenseAsync(pack.Id))
            throw new InvalidOperationException($"Key pack {pack.Id} had no license left although it was chosen in the same transaction.");
    }

    /// <param name="packs">The snapshot read in this transaction before <paramref name="taken"/> gave one license.</param>
    private static async Task WarnWhenFewLeftAsync(LicenseWriteSession s, IReadOnlyList<KeyPack> packs, KeyPack taken, DateTimeOffset now, CalRequest request)
    {
        var (type, version) = (taken.Type, taken.Version);
        var pool = packs.Where(p => p.Type == type && p.Version == version && !p.IsExpired(now)).ToList();
        var total = pool.Sum(p => p.Total);
        var available = pool.Sum(p => p.Available) - 1;
        var threshold = total * LowWaterShare;
        // Warn once, when this issue crossed the threshold, not on every later issue.
        if (available + 1 >= threshold && available < threshold)
        {
            await s.AddEventAsync(now, LicensingEventId.TooFewPermanentLicenses,
                $"Only {available} of {total} {version.ToDisplayName()} {type.ToDisplayName()}s are left. Install more licenses.", request.HostName);
        }
    }

    private static IssuedCal NewCal(CalRequest request, ProductVersion version, DateTimeOffset now, DateTimeOffset expires) => new()
    {
        Type = request.Type,
        Version = version,
        HardwareId = request.HardwareId,
        ClientName = request.ClientName,
        UserName = request.UserName,
        HostName = request.HostName,
        IssuedAt = now,
        ExpiresAt = expires,
    };

    /// <summary>Hands out a token unless the device already presented the current one unchanged.</summary>
    private CalOutcome Outcome(string outcome, string message, IssuedCal cal, long? presentedCalId, string? presentedProblem, bool forceToken = false)
    {
        var presentedIsCurrent = !forceToken && presentedCalId == cal.Id;
        var content = presentedIsCurrent ? null : new CalTokenContent(cal.Id, server.ProductId, cal.Type, cal.Version,
            cal.IsTemporary, cal.HardwareId!, cal.ClientName, Truncate(cal.IssuedAt), Truncate(cal.ExpiresAt));
        return new CalOutcome(outcome, message, cal, null, null, presentedProblem) { TokenToSign = content };
    }

    private CalOutcome ValidDevice(IssuedCal cal, long? presentedCalId, string? presentedProblem = null) =>
        Outcome("valid", $"The permanent CAL is valid until {cal.ExpiresAt:yyyy-MM-dd}.", cal, presentedCalId, presentedProblem);

    private static CalOutcome ValidUser(IssuedCal cal) => PerUserOutcome("valid", $"The Per User CAL of {cal.UserName} is valid until {cal.ExpiresAt:yyyy-MM-dd}.", cal);

    private static CalOutcome PerUserOutcome(string outcome, string message, IssuedCal cal) => new(outcome, message, cal, null, null, null);

    private static DateTimeOffset Truncate(DateTimeOffset time) => new(time.Ticks - time.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
}
