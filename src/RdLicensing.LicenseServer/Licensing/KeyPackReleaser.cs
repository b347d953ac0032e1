using RdLicensing.Core.Cals;
using RdLicensing.Core.Events;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Proof;
using RdLicensing.Core.Versions;
using RdLicensing.LicenseServer.Activation;
using RdLicensing.LicenseServer.Apis;
using RdLicensing.LicenseServer.Hosting;
using RdLicensing.LicenseServer.Remote;
using RdLicensing.Storage;

namespace RdLicensing.LicenseServer.Licensing;

/// <summary>
/// The source side of a migration: this server gives up key packs itself. First, in one local transaction, the packs and
/// every CAL issued from them are removed (no longer issuable; event 89 names the target) — the rule for what a source gives
/// up is unchanged: the whole pack, its issued CALs with it. Then the release is signed to the clearinghouse (MigrateOut,
/// naming the target's Product ID and the key pack ids), which records exactly those packs as released to that target.
/// When the clearinghouse refuses or cannot be reached, the packs are put back from their signed documents with all their
/// licenses (event 5091) — nothing is lost; only the issued CALs removed with them stay removed (their clients get new ones).
/// A process that dies between the two leaves the packs released nowhere: the clearinghouse still records them for this
/// server, so a rebuild (reissue) brings them back.
/// </summary>
public sealed class KeyPackReleaser(LicenseStore store, ServerState server, ClearinghouseClient clearinghouse, TimeProvider clock, RequestCodeService requestCodes)
{
    public async Task<KeyPackReleaseResponse> ReleaseAsync(string targetProductId, IReadOnlyList<Guid>? keyPackIds, CancellationToken cancellationToken)
    {
        if (targetProductId == server.ProductId)
            throw Refusal.Invalid("targetProductId", "That is this license server's own Product ID: name the license server the CALs move to.");
        if (!clearinghouse.IsConfigured)
            throw Refusal.Conflict("clearinghouse-not-configured", "No clearinghouse address",
                "Giving up licenses for a migration is signed to the clearinghouse, and no clearinghouse address is configured. Start the server with --clearinghouse-url URL.");

        var (packs, documents, removedCals) = await RemoveAsync(targetProductId, keyPackIds, null, cancellationToken);
        MigrationReleaseResponse released;
        try
        {
            released = await clearinghouse.ReleaseAsync(new MigrationReleaseRequestBody(server.ProductId, targetProductId, packs.Select(p => p.Id).ToList()), cancellationToken);
        }
        catch (RemoteCallException e)
        {
            // Packs the clearinghouse says were migrated away already are not this server's to put back.
            var back = packs.Where(p => !e.KeyPackIds.Contains(p.Id)).ToList();
            await PutBackAsync(back, documents, e.Message, cancellationToken);
            var detail = $"Nothing was released: {e.Message} " +
                         (back.Count > 0 ? $"The key pack(s) {string.Join(", ", back.Select(p => p.Id))} were put back on license server {server.ProductId} with all their licenses" +
                                           (removedCals > 0 ? $"; the {removedCals} CAL(s) issued from them stay removed (their clients get new ones)." : ".") : "");
            throw e.Failure == RemoteFailure.Refused
                ? new Refusal(StatusCodes.Status422UnprocessableEntity, "release-refused", "Clearinghouse refused the release", detail)
                : new Refusal(StatusCodes.Status502BadGateway, "clearinghouse-unreachable", "Clearinghouse unreachable", detail);
        }
        return new KeyPackReleaseResponse(packs.Select(p => p.ToView()).ToList(), removedCals, targetProductId,
            $"{packs.Count} key pack(s) with {packs.Sum(p => p.Total)} CAL(s) were removed from license server {server.ProductId} ({removedCals} issued CAL(s) with them) " +
            $"and released to license server {targetProductId} through the clearinghouse: {released.Message}");
    }

    /// <summary>
    /// The web and telephone methods: the same removal (one local transaction, event 89), then a <b>release code</b> signed by
    /// this server that lists the removed key packs and the target, for the administrator to carry to the clearinghouse's
    /// migration page or operator with the target's request code. Nothing is put back: the packs are this server's no more
    /// the moment the code exists. A code never carried leaves them recorded for this server at the clearinghouse; once it has
    /// expired (7 days) a rebuild (reissue) brings them back.
    /// </summary>
    public async Task<KeyPackReleaseResponse> ReleaseWithCodeAsync(string targetProductId, IReadOnlyList<Guid>? keyPackIds, string method, string? country,
        CancellationToken cancellationToken)
    {
        if (targetProductId == server.ProductId)
            throw Refusal.Invalid("targetProductId", "That is this license server's own Product ID: name the license server the CALs move to.");
        if (targetProductId.Replace("-", "") is not { Length: 20 } digits || !digits.All(char.IsAsciiDigit))
            throw Refusal.Invalid("targetProductId", "targetProductId must be the target license server's Product ID (four groups of five digits).");
        var status = server.ActivationStatusAt(clock.GetUtcNow());
        if (status != "activated") throw Refusal.NotActivated(status, "give up licenses for a migration");
        var properties = await ServerProperties.ReadAsync(store, cancellationToken);
        var (page, countryRegion, number) = requestCodes.Where(method, ServerRequestPurpose.MigrateOut, country, properties);

        var (packs, _, removedCals) = await RemoveAsync(targetProductId, keyPackIds, ids =>
        {
            if (ids.Count > ServerRequestCode.MaxReleasedKeyPacks)
                throw Refusal.Invalid("keyPackIds", $"A release code lists at most {ServerRequestCode.MaxReleasedKeyPacks} key packs: name them with keyPackIds (rdlic: --key-pack), in several releases.");
            if (ids.FirstOrDefault(id => !ServerRequestCode.FitsReleaseCode(id)) is var odd && odd != Guid.Empty)
                throw Refusal.Unprocessable("key-pack-not-releasable-by-code", "Key pack not releasable by code",
                    $"Key pack {odd} was not granted by the clearinghouse under an id a release code can carry; nothing was released. Release it with the automatic method.");
        }, cancellationToken);
        var code = ServerRequestCode.CreateRelease(server.Identity.Key, server.ProductId, server.Version, clock.GetUtcNow(), targetProductId, packs.Select(p => p.Id).ToList());
        var where = page is not null ? $"Open {page}" : $"Call {number} ({countryRegion})";
        return new KeyPackReleaseResponse(packs.Select(p => p.ToView()).ToList(), removedCals, targetProductId,
            $"{packs.Count} key pack(s) with {packs.Sum(p => p.Total)} CAL(s) were removed from license server {server.ProductId} ({removedCals} issued CAL(s) with them) " +
            $"for license server {targetProductId}. {where} and give this release code with the target's request code (rdlic licenses migrate --method {method} on the target); " +
            $"it is good once, until {RequestCodeService.ValidUntil(clock.GetUtcNow()):yyyy-MM-dd}, and only for license server {targetProductId}.",
            code, page, countryRegion, number);
    }

    /// <summary>Removes the chosen packs (all when <paramref name="keyPackIds"/> is null) and their issued CALs in one transaction (event 89).</summary>
    private Task<(IReadOnlyList<KeyPack> Packs, Dictionary<Guid, string> Documents, int RemovedCals)> RemoveAsync(string targetProductId, IReadOnlyList<Guid>? keyPackIds,
        Action<IReadOnlyList<Guid>>? check, CancellationToken cancellationToken) =>
        store.WriteAsync<(IReadOnlyList<KeyPack>, Dictionary<Guid, string>, int)>(async s =>
        {
            var now = clock.GetUtcNow();
            await s.ExpireDueAsync(now);
            var all = await s.AllKeyPacksAsync();
            IReadOnlyList<KeyPack> chosen = keyPackIds is null
                ? all
                : keyPackIds.Distinct().Select(id => all.FirstOrDefault(p => p.Id == id)
                    ?? throw Refusal.NotFound("key-pack-not-found", $"There is no key pack {id} on this license server; nothing was released. List them with 'rdlic keypacks list'.")).ToList();
            if (chosen.Count == 0) throw Refusal.Conflict("nothing-to-migrate", "Nothing to migrate", $"License server {server.ProductId} has no key packs.");
            check?.Invoke(chosen.Select(p => p.Id).ToList());
            var docs = new Dictionary<Guid, string>();
            foreach (var pack in chosen) docs[pack.Id] = await s.KeyPackDocumentAsync(pack.Id) ?? throw new InvalidOperationException($"key pack {pack.Id} has no document");
            var removal = await s.RemoveKeyPacksAsync(chosen);
            foreach (var pack in chosen)
                await s.AddEventAsync(now, LicensingEventId.MigrationRemovedCals,
                    $"Key pack {pack.Id} ({pack.Total} {pack.Version.ToDisplayName()} {pack.Type.ToDisplayName()}s, {pack.Program.ToDisplayName()}) and its issued CAL(s) " +
                    $"were removed for migration to license server {targetProductId} ({removal.LiveCals} issued CAL(s) in all).");
            return (chosen, docs, removal.LiveCals);
        }, cancellationToken);

    private Task PutBackAsync(IReadOnlyList<KeyPack> packs, IReadOnlyDictionary<Guid, string> documents, string why, CancellationToken cancellationToken) =>
        store.WriteAsync(async s =>
        {
            var now = clock.GetUtcNow();
            foreach (var pack in packs)
                if (!await s.KeyPackExistsAsync(pack.Id))
                    await s.InsertKeyPackAsync(pack, documents[pack.Id]);
            if (packs.Count > 0)
                await s.AddEventAsync(now, LicensingEventId.MigrationReleasePutBack,
                    $"The migration release was not recorded by the clearinghouse ({why.TrimEnd('.')}): key pack(s) {string.Join(", ", packs.Select(p => p.Id))} were put back with all their licenses.");
            return 0;
        }, CancellationToken.None);
}
