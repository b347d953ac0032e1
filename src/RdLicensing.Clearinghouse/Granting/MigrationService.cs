using RdLicensing.Core.Cals;
using RdLicensing.Core.Codes;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Proof;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using RdLicensing.Storage;

namespace RdLicensing.Clearinghouse.Granting;

/// <summary>
/// Migration moves, never copies. Every request is signed by the license server it is for (proof of possession):
/// <list type="bullet">
/// <item><b>Release</b> (MigrateOut, signed by a running source): the named active installs of the source become 'moved' and
/// are recorded as released to one target, in one transaction. The source has already removed them locally.</item>
/// <item><b>Claim</b> (MigrateIn, signed by the target, naming a running source): the target gets new key packs for exactly
/// what that source released to it and it has not claimed yet — nothing more. Knowing a source's Product ID or License
/// Server ID takes nothing.</item>
/// <item><b>Dead source</b> (MigrateIn with the original purchase identifiers): only the source's active installs whose
/// identifiers are proven move; the source's record of them is retired ('moved'), every later request of the source about
/// them is refused, and its next signed request is refused once with the migration, the target and the date.</item>
/// </list>
/// A signed request that asks for licenses it cannot prove is recorded as a security event (<c>security_events</c>) and
/// logged as a warning, for the vendor. The web and telephone methods (<see cref="MigrateWithCodesAsync"/>) run the same release
/// and claim, proven by request codes instead of signed requests.
/// </summary>
public sealed class MigrationService(ClearinghouseStore store, LicenseServerVerifier verifier, GrantSigner signer, TimeProvider clock, ILogger<MigrationService> log)
{
    // The refusals that mean "asked for licenses it could not prove": recorded for the vendor.
    private static readonly HashSet<string> Unproven = ["nothing-released", "purchase-not-proven", "purchase-proof-required", ReleaseForAnotherServer];

    private const string ReleaseForAnotherServer = "release-for-another-server";

    /// <summary>MigrateOut by the automatic method: the signed request names the target and the key packs.</summary>
    public async Task<MigrationReleaseResponse> ReleaseAsync(MigrationReleaseRequestBody body, ServerProof proof, CancellationToken cancellationToken)
    {
        var release = Release.Read(body);
        return await store.WriteAsync(s => ReleaseInAsync(s, release, proof, clock.GetUtcNow()), cancellationToken);
    }

    /// <summary>MigrateIn by the automatic method: the target's signed claim (a running source's release, or a dead source's purchase identifiers).</summary>
    public async Task<MigrationResponse> MigrateAsync(MigrationRequestBody body, ServerProof proof, CancellationToken cancellationToken)
    {
        var target = verifier.Verify(body.TargetProductId, body.TargetLicenseServerId, "targetProductId", "targetLicenseServerId");
        var targetVersion = RequestFields.Version(body.TargetServerVersion, "targetServerVersion");
        var sourceProductId = string.IsNullOrWhiteSpace(body.SourceProductId) ? null : RequestFields.ProductId(body.SourceProductId, "sourceProductId");
        var sourceCode = sourceProductId is null ? SourceLicenseServerId(body.SourceLicenseServerId) : null;
        var proofs = (body.PurchaseProofs ?? []).Select((p, i) => Purchase.Read(p, $"purchaseProofs[{i}]")).ToList();
        var claim = new Claim(target.LicenseServerProductId, target.LicenseServerId, targetVersion, sourceProductId, sourceCode, proofs,
            body.SourceNoLongerFunctioning || sourceCode is not null || proofs.Count > 0, body.KeyPackIds);
        try
        {
            return await store.WriteAsync(s => ClaimInAsync(s, claim, proof, clock.GetUtcNow()), cancellationToken);
        }
        catch (ClearinghouseRefusal refusal) when (Unproven.Contains(refusal.Slug))
        {
            // The request was signed by the target (checked before these refusals), so the record names who asked.
            await RecordAsync(refusal, claim.Target, proof.InstallationId, null, "/api/migrations",
                $"License server {claim.Target} asked for licenses of {claim.SourceNamed} it could not prove: {refusal.Detail}");
            throw;
        }
    }

    /// <summary>
    /// Migration by web or telephone, with the same guarantees as the automatic method and the same steps: the administrator
    /// carries the target's request code (MigrateIn) and, for a running source, the source's release code (MigrateOut, listing the
    /// key packs it removed and the target it gives them to); in one transaction the release is recorded and the target credited
    /// with exactly it — the answer is a license key pack ID per pack, which installs only on the target. For a source that no
    /// longer functions: its License Server ID and the purchase identifiers, as the automatic method. Each code is good once; a
    /// refused proof, a release for another server or a claim it cannot prove is recorded as a security event.
    /// </summary>
    /// <param name="page">The page or console the codes were typed on, and <paramref name="address"/> the client's address: for the security event.</param>
    public async Task<MigrationResponse> MigrateWithCodesAsync(MigrationCodes codes, string page, string? address, CancellationToken cancellationToken)
    {
        var targetCode = ServerKeyCheck.ReadCode(codes.RequestCode);
        var releaseCode = string.IsNullOrWhiteSpace(codes.ReleaseCode) ? null : ServerKeyCheck.ReadCode(codes.ReleaseCode, "releaseCode");
        var proofs = (codes.PurchaseProofs ?? []).Select((p, i) => Purchase.Read(p, $"purchaseProofs[{i}]")).ToList();
        var targetProof = new RequestCodeProof(targetCode);
        RequestCodeProof? releaseProof = null;
        Release? release = null;
        Claim claim;
        if (releaseCode is not null)
        {
            if (releaseCode.ReleasedKeyPackIds is not { } ids || releaseCode.ReleaseTargetProductId is not { } releasedTo)
                throw ClearinghouseRefusal.Unprocessable("request-code-purpose", "Not a release code",
                    $"This code was made to {ServerKeyCheck.Describe(releaseCode.Purpose)}; a running source's release code lists what it gives up: " +
                    "on the source, run rdlic licenses release --target-product-id <target's Product ID> --method web.", "releaseCode");
            if (codes.SourceLicenseServerId is { Length: > 0 } || proofs.Count > 0)
                throw ClearinghouseRefusal.Invalid("sourceLicenseServerId",
                    "A running source's release code moves exactly the key packs it lists: leave the source's License Server ID and the purchase identifiers empty.");
            if (releaseCode.ProductId == targetCode.ProductId)
                throw ClearinghouseRefusal.Invalid("releaseCode", "The release code and the request code are of the same license server: the licenses move from the source to another server.");
            releaseProof = new RequestCodeProof(releaseCode);
            release = new Release(releaseCode.ProductId, releasedTo, [.. ids]);
            claim = new Claim(targetCode.ProductId, null, targetCode.ServerVersion, releaseCode.ProductId, null, [], false, ids);
        }
        else
        {
            if (string.IsNullOrWhiteSpace(codes.SourceLicenseServerId))
                throw ClearinghouseRefusal.Invalid("releaseCode",
                    "Give the source's release code (a source that still runs: rdlic licenses release --target-product-id … --method web on it), " +
                    "or, for a source that no longer functions, its License Server ID and the purchase identifiers of the licenses to move.");
            claim = new Claim(targetCode.ProductId, null, targetCode.ServerVersion, null, SourceLicenseServerId(codes.SourceLicenseServerId), proofs, true, null);
        }

        try
        {
            return await store.WriteAsync(async s =>
            {
                var now = clock.GetUtcNow();
                if (release is not null)
                {
                    // The source's signed release names the target: a code carried to another server's claim moves nothing.
                    if (release.Target != claim.Target)
                        throw ClearinghouseRefusal.Unprocessable(ReleaseForAnotherServer, "Release code for another license server",
                            $"This release code gives the licenses of license server {release.Source} to license server {release.Target}, not to license server {claim.Target} " +
                            "whose request code this is; nothing was moved. Give the target's own request code, or make a new release code on the source for this target.", "releaseCode");
                    await ReleaseInAsync(s, release, releaseProof!, now);
                }
                return await ClaimInAsync(s, claim, targetProof, now);
            }, cancellationToken);
        }
        catch (ClearinghouseRefusal refusal) when (releaseProof?.Refusal is not null || targetProof.Refusal is not null || Unproven.Contains(refusal.Slug))
        {
            var productId = releaseProof?.Refusal is not null ? releaseProof.ProductId : claim.Target;
            await RecordAsync(refusal, productId, null, address, page,
                $"A {page} migration for license server {claim.Target} from {claim.SourceNamed} was refused: {refusal.Detail}");
            if (releaseProof?.Refusal is not null && refusal.Field != "releaseCode")
                throw new ClearinghouseRefusal(refusal.Status, refusal.Slug, refusal.Title, refusal.Detail, "releaseCode", refusal.Group, refusal.Extensions);
            throw;
        }
    }

    private async Task RecordAsync(ClearinghouseRefusal refusal, string productId, string? installationId, string? address, string path, string detail)
    {
        // Recorded whether or not the client waits for its answer (CancellationToken.None, deliberately): a prober that
        // drops its connection as soon as it has asked must not leave the vendor without the record.
        await store.WriteAsync(async s =>
        {
            await s.InsertSecurityEventAsync(clock.GetUtcNow(), refusal.Slug, address, productId, installationId, $"POST {path}", detail);
            return 0;
        }, CancellationToken.None);
        log.LogWarning("Migration refused at {Path}: license server {ProductId} could not prove what it asked ({Slug}).", path, productId, refusal.Slug);
    }

    /// <summary>What a source releases: its Product ID, the one target, the key packs.</summary>
    private sealed record Release(string Source, string Target, List<Guid> Ids)
    {
        public static Release Read(MigrationReleaseRequestBody body)
        {
            var source = RequestFields.ProductId(body.ProductId);
            var target = RequestFields.ProductId(body.TargetProductId, "targetProductId");
            if (target == source) throw ClearinghouseRefusal.Invalid("targetProductId", "The target is the source itself: name the license server the licenses move to.");
            if (body.KeyPackIds is not { Count: > 0 } named)
                throw ClearinghouseRefusal.Invalid("keyPackIds", "Name the key packs this license server gives up (keyPackIds).");
            return new Release(source, target, named.Distinct().ToList());
        }
    }

    /// <summary>What a target claims: from a running source (by Product ID) or a dead one (by License Server ID, with purchase proofs).</summary>
    private sealed record Claim(string Target, string? TargetLicenseServerId, ProductVersion TargetVersion, string? SourceProductId, string? SourceCode,
        List<Purchase> Proofs, bool Dead, IReadOnlyList<Guid>? Wanted)
    {
        public string SourceNamed => SourceProductId ?? $"License Server ID {SourceCode}";
    }

    /// <summary>The release, inside the transaction: the source's proof (MigrateOut), then exactly the named installs become released to the target.</summary>
    private static async Task<MigrationReleaseResponse> ReleaseInAsync(ClearinghouseWriteSession s, Release release, ServerProof proof, DateTimeOffset now)
    {
        var (source, target, ids) = release;
        await proof.RequireAsync(s, source, ServerRequestPurpose.MigrateOut, now);
        if (await s.ActiveActivationAsync(target) is null)
            throw ClearinghouseRefusal.NotFound("target-not-activated",
                $"License server {target} is not activated at the clearinghouse, so it cannot receive licenses; nothing was released. Activate the target first.");
        var total = 0;
        foreach (var id in ids)
        {
            var install = await s.InstallAsync(id);
            if (install is null || install.ProductId != source)
                throw ClearinghouseRefusal.NotFound("key-pack-not-found",
                    $"Key pack {id} is not recorded as granted to license server {source}; nothing was released.");
            if (install.Status != InstallStatus.Active || !await s.ReleaseInstallAsync(id))
                throw await NotHeldAsync(s, install);
            await s.InsertMigrationAsync(new MigrationRecord(id, MigrationKind.Live, source, target, install.Quantity, now, null, null, null));
            total += install.Quantity;
        }
        return new MigrationReleaseResponse(ids, target,
            $"License server {source} released {ids.Count} key pack(s), {total} CAL(s), to license server {target}; only it can claim them.");
    }

    /// <summary>The claim, inside the transaction: the target's proof (MigrateIn) and activation, then the running or dead source's packs.</summary>
    private async Task<MigrationResponse> ClaimInAsync(ClearinghouseWriteSession s, Claim claim, ServerProof proof, DateTimeOffset now)
    {
        await proof.RequireAsync(s, claim.Target, ServerRequestPurpose.MigrateIn, now);
        await LicenseServerVerifier.RequireActiveAsync(s, claim.Target, claim.TargetLicenseServerId, now);
        var source = claim.SourceProductId ?? (await s.ActivationByLicenseServerIdAsync(claim.SourceCode!))?.ProductId
            ?? throw ClearinghouseRefusal.NotFound("source-not-found",
                "No license server was activated with that License Server ID: check the source server's License Server ID, or give its Product ID.");
        if (source == claim.Target)
            throw ClearinghouseRefusal.Invalid(claim.SourceProductId is null ? "sourceLicenseServerId" : "sourceProductId",
                "The source is this license server: name the license server the licenses come from.");
        return claim.Dead
            ? await FromDeadSourceAsync(s, source, claim.Target, claim.TargetVersion, claim.Proofs, claim.Wanted, now)
            : await ClaimReleasedAsync(s, source, claim.Target, claim.TargetVersion, claim.Wanted, now);
    }

    /// <summary>A running source: exactly what it released to this target, not yet claimed.</summary>
    private async Task<MigrationResponse> ClaimReleasedAsync(ClearinghouseWriteSession s, string source, string target, ProductVersion targetVersion,
        IReadOnlyList<Guid>? wanted, DateTimeOffset now)
    {
        var released = await s.UnclaimedReleasesAsync(source, target);
        if (wanted is not null) released = released.Where(r => wanted.Contains(r.SourceKeyPackId)).ToList();
        if (released.Count == 0)
            throw ClearinghouseRefusal.Conflict("nothing-released", "Nothing released to this license server",
                $"License server {source} released no key packs to this license server{(wanted is null ? "" : " among those named")}; nothing was moved. " +
                "A running source gives up its licenses itself (rdlic licenses migrate --from URL --from-token TOKEN on this server); " +
                "for a source that no longer functions, prove the purchase with the original license identifiers.");
        var installs = new List<InstallRecord>();
        foreach (var release in released)
            installs.Add(await s.InstallAsync(release.SourceKeyPackId) ?? throw new InvalidOperationException($"release {release.SourceKeyPackId} has no install"));
        RequireHostable(installs, targetVersion);

        var granted = new List<GrantedKeyPack>();
        foreach (var install in installs)
        {
            var moved = NewInstall(install, target, now);
            if (!await s.ClaimReleaseAsync(install.KeyPackId, moved.KeyPackId, now))
                throw ClearinghouseRefusal.Conflict("nothing-released", "Already claimed", $"Key pack {install.KeyPackId} was claimed meanwhile; nothing was moved. Run the migration again.");
            await s.SetInstallMovedToAsync(install.KeyPackId, moved.KeyPackId);
            await s.InsertInstallAsync(moved);
            granted.Add(signer.Sign(moved, now));
        }
        return new MigrationResponse(granted,
            $"Moved {granted.Count} key pack(s), {granted.Sum(g => g.Quantity)} CAL(s), that license server {source} released to {target}.");
    }

    /// <summary>A source that no longer functions: only its active installs whose purchase identifiers are proven.</summary>
    private async Task<MigrationResponse> FromDeadSourceAsync(ClearinghouseWriteSession s, string source, string target, ProductVersion targetVersion,
        List<Purchase> proofs, IReadOnlyList<Guid>? wanted, DateTimeOffset now)
    {
        if (proofs.Count == 0)
            throw new ClearinghouseRefusal(StatusCodes.Status400BadRequest, "purchase-proof-required", "Purchase identifiers required",
                "A source that no longer functions gives up its licenses only against the original purchase identifiers of the licenses to move: " +
                "the retail license codes, the Open License number and authorization number, or the agreement number with the CAL version and type. Nothing was moved.",
                "purchaseProofs");
        var installs = await s.ActiveInstallsAsync(source);
        if (wanted is not null) installs = installs.Where(i => wanted.Contains(i.KeyPackId)).ToList();
        var proven = new List<InstallRecord>();
        foreach (var purchase in proofs)
        {
            var matches = new List<InstallRecord>();
            foreach (var install in installs)
                if (await purchase.MatchesAsync(s, install))
                    matches.Add(install);
            if (matches.Count == 0)
                throw ClearinghouseRefusal.Unprocessable("purchase-not-proven", "Purchase not recognized",
                    $"{purchase.Describe()} is not recognized for license server {source}: check it against your purchase records. Nothing was moved.", purchase.Field);
            proven.AddRange(matches.Where(m => proven.All(p => p.KeyPackId != m.KeyPackId)));
        }
        RequireHostable(proven, targetVersion);

        var granted = new List<GrantedKeyPack>();
        foreach (var install in proven)
        {
            var moved = NewInstall(install, target, now);
            if (!await s.MarkInstallMovedAsync(install.KeyPackId, moved.KeyPackId))
                throw ClearinghouseRefusal.Conflict("purchase-not-proven", "Moved meanwhile", $"Key pack {install.KeyPackId} changed meanwhile; nothing was moved. Run the migration again.");
            await s.InsertInstallAsync(moved);
            await s.InsertMigrationAsync(new MigrationRecord(install.KeyPackId, MigrationKind.Dead, source, target, install.Quantity, now, moved.KeyPackId, now, null));
            granted.Add(signer.Sign(moved, now));
        }
        return new MigrationResponse(granted,
            $"Moved {granted.Count} key pack(s), {granted.Sum(g => g.Quantity)} CAL(s), from license server {source} (no longer functioning) to {target}. " +
            $"The clearinghouse retired them on {source}: if it ever runs again, it is refused for them and told of this migration.");
    }

    private static InstallRecord NewInstall(InstallRecord install, string target, DateTimeOffset now) => install with
    {
        KeyPackId = KeyPackIdCode.NewKeyPackId(), ProductId = target, InstalledAt = now, Status = InstallStatus.Active, MovedTo = null,
    };

    private static void RequireHostable(IReadOnlyList<InstallRecord> installs, ProductVersion targetVersion)
    {
        if (installs.FirstOrDefault(i => !VersionCompatibility.LicenseServerHosts(targetVersion, i.Version)) is { } tooNew)
            throw ClearinghouseRefusal.Unprocessable("version-not-hostable", "CAL version not hostable",
                $"Key pack {tooNew.KeyPackId} holds {tooNew.Version.ToDisplayName()} CALs, which a {targetVersion.ToDisplayName()} license server cannot host; nothing was moved. " +
                "Migrate to a license server of that version or later, or name only the key packs it can host.", "targetServerVersion");
    }

    /// <summary>Why a pack the source names is no longer its own: migrated away (named, with target and date), or otherwise gone.</summary>
    internal static async Task<ClearinghouseRefusal> NotHeldAsync(ClearinghouseWriteSession s, InstallRecord install)
    {
        if (await s.MigrationAsync(install.KeyPackId) is { } migration)
            return ClearinghouseRefusal.Conflict(MigrationProblems.MigratedAway, "Key pack migrated away",
                $"Key pack {install.KeyPackId} no longer belongs to license server {install.ProductId}: it was migrated to license server {migration.TargetProductId} " +
                $"on {migration.RecordedAt:yyyy-MM-dd} ({(migration.Kind == MigrationKind.Dead ? "migration for a source that no longer functions, proven by its purchase identifiers" : "released by this license server")}). " +
                "Remove it from this license server.",
                MigratedAwayExtensions([migration]));
        return ClearinghouseRefusal.Conflict("key-pack-not-active", "Key pack no longer held",
            $"Key pack {install.KeyPackId} is no longer held by license server {install.ProductId} (it was {install.Status}); nothing was released.");
    }

    internal static Dictionary<string, object?> MigratedAwayExtensions(IReadOnlyList<MigrationRecord> migrations) => new()
    {
        ["keyPackIds"] = migrations.Select(m => m.SourceKeyPackId).ToArray(),
        ["targetProductId"] = migrations[0].TargetProductId,
        ["migratedAt"] = migrations[0].RecordedAt,
    };

    private static string SourceLicenseServerId(string? code)
    {
        if (string.IsNullOrWhiteSpace(code))
            throw ClearinghouseRefusal.Invalid("sourceProductId",
                "Name the source license server: sourceProductId when it still runs, or sourceLicenseServerId when it no longer functions.");
        try
        {
            LicenseServerIdCode.CheckTyping(code);
        }
        catch (CodeFormatException e)
        {
            throw ClearinghouseRefusal.Mistyped("sourceLicenseServerId", e.Group, e.Message);
        }
        return GroupedCode.Format(GroupedCode.Normalize(code));
    }

    /// <summary>One purchase proof, its format checked before the transaction; <see cref="MatchesAsync"/> compares it with a recorded install.</summary>
    internal sealed record Purchase(LicenseProgram Program, string Identifier, string? Authorization, ProductVersion? Version, CalType? Type, string Field)
    {
        public static Purchase Read(PurchaseProof? proof, string at)
        {
            if (proof is null) throw ClearinghouseRefusal.Invalid(at, "Each purchase proof names its program and identifiers.");
            var program = RequestFields.Program(proof.Program, at + ".program");
            switch (program)
            {
                case LicenseProgram.Retail:
                    if (!LicenseIdentifiers.TryParseRetailCode(proof.LicenseCode, out var code, out var error)) throw ClearinghouseRefusal.Invalid(at + ".licenseCode", error);
                    return new Purchase(program, code, null, null, null, at + ".licenseCode");
                case LicenseProgram.Open:
                    var number = proof.LicenseNumber?.Trim();
                    var authorization = proof.AuthorizationNumber?.Trim().ToUpperInvariant();
                    if (!LicenseIdentifiers.IsOpenLicenseNumber(number))
                        throw ClearinghouseRefusal.Invalid(at + ".licenseNumber", "The Open License number has 8 digits: copy it from your Open License confirmation.");
                    if (!LicenseIdentifiers.IsAuthorizationNumber(authorization))
                        throw ClearinghouseRefusal.Invalid(at + ".authorizationNumber", "The authorization number has 15 letters or digits: copy it from your Open License confirmation.");
                    return new Purchase(program, number!, authorization, null, null, at + ".licenseNumber");
                default:
                    var agreement = proof.AgreementNumber?.Trim();
                    if (!LicenseIdentifiers.IsAgreementNumber(agreement))
                        throw ClearinghouseRefusal.Invalid(at + ".agreementNumber", $"The {program.ToDisplayName()} number (agreement or enrollment number) has 7 digits.");
                    return new Purchase(program, agreement!, null, RequestFields.Version(proof.Version, at + ".version"), RequestFields.CalType(proof.CalType, at + ".calType"),
                        at + ".agreementNumber");
            }
        }

        public async Task<bool> MatchesAsync(ClearinghouseWriteSession s, InstallRecord install)
        {
            if (install.Program != Program || install.Identifier != Identifier) return false;
            return Program switch
            {
                LicenseProgram.Retail => true,
                LicenseProgram.Open => (await s.OpenLicenseAsync(Identifier))?.AuthorizationNumber == Authorization,
                _ => install.Version == Version && install.Type == Type,
            };
        }

        public string Describe() => Program switch
        {
            LicenseProgram.Retail => $"The license code {Identifier}",
            LicenseProgram.Open => $"The Open License {Identifier} with that authorization number",
            _ => $"{Program.ToDisplayName()} {Identifier} for {Version!.Value.ToDisplayName()} {Type!.Value.ToDisplayName()}s",
        };
    }
}

/// <summary>What the administrator carries for a web or telephone migration (form fields of /migrate and the operator console).</summary>
/// <param name="ReleaseCode">A running source's release code (it lists the key packs and the target).</param>
/// <param name="RequestCode">The target's request code for receiving migrated licenses.</param>
/// <param name="SourceLicenseServerId">A source that no longer functions: its License Server ID, with <paramref name="PurchaseProofs"/>.</param>
public sealed record MigrationCodes(string? ReleaseCode, string? RequestCode, string? SourceLicenseServerId, IReadOnlyList<PurchaseProof>? PurchaseProofs);
