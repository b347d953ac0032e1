using RdLicensing.Core.Codes;
using RdLicensing.Core.Events;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using RdLicensing.LicenseServer.Apis;
using RdLicensing.LicenseServer.Hosting;
using RdLicensing.LicenseServer.Remote;
using RdLicensing.Storage;

namespace RdLicensing.LicenseServer.Licensing;

/// <summary>
/// Manage Licenses → migrate CALs to this (target) server. Migration moves, never copies:
/// <list type="bullet">
/// <item>Running source: every pack is checked first; then the source itself removes the packs (event 89 there) and signs
/// their release to the clearinghouse for this server — putting them back if the clearinghouse refuses; then this server's
/// signed claim is credited with exactly what was released.</item>
/// <item>Source no longer functioning: the administrator names it (License Server ID, version), confirms, and proves the
/// purchase with the original identifiers of the packs to move; the clearinghouse moves only those and retires them on the
/// source.</item>
/// <item>SourceProductId: claim what a source already released to this server (an interrupted migration).</item>
/// </list>
/// A failure half-way says exactly what moved and how to finish.
/// </summary>
public sealed class MigrationService(
    ServerState server,
    TimeProvider clock,
    LicenseStore store,
    ClearinghouseClient clearinghouse,
    SourceServerClient sources,
    LicenseInstallService installs)
{
    public async Task<MigrationResult> MigrateAsync(MigrationBody body, CancellationToken cancellationToken)
    {
        var status = server.ActivationStatusAt(clock.GetUtcNow());
        if (status != "activated") throw Refusal.NotActivated(status, "receive migrated licenses");
        if (server.Clearinghouse is null)
            throw Refusal.Conflict("no-clearinghouse-trusted", "No clearinghouse trusted", KeyPackInstaller.NoClearinghouseMessage);
        if (!clearinghouse.IsConfigured)
            throw Refusal.Conflict("clearinghouse-not-configured", "No clearinghouse address",
                "Migrating licenses needs the clearinghouse (automatic connection method), and no clearinghouse address is configured. Start the server with the clearinghouse address (rdlic server run --clearinghouse-url URL; rdlic up sets it).");
        var ids = body.KeyPackIds?.Distinct().ToList();

        if (!string.IsNullOrWhiteSpace(body.SourceUrl)) return await FromRunningSourceAsync(body, ids, cancellationToken);
        if (!string.IsNullOrWhiteSpace(body.SourceLicenseServerId)) return await FromDeadSourceAsync(body, ids, cancellationToken);
        if (!string.IsNullOrWhiteSpace(body.SourceProductId))
        {
            var productId = body.SourceProductId.Trim();
            if (productId.Length > 64 || productId.Any(char.IsControl)) throw Refusal.Invalid("sourceProductId", "sourceProductId must be the source license server's Product ID.");
            if (productId == server.ProductId) throw Refusal.Invalid("sourceProductId", "That is this license server's own Product ID: name the source license server.");
            if (body.PurchaseProofs is { Count: > 0 })
                throw Refusal.Invalid("purchaseProofs", "Purchase identifiers go with a source that no longer functions (sourceLicenseServerId, sourceVersion, confirmRemoved).");
            return await GrantAsync(productId, null, ids, false, [], null, cancellationToken);
        }
        throw Refusal.Invalid("sourceUrl",
            "Name the source: sourceUrl and sourceToken for a license server that still runs, or sourceLicenseServerId, sourceVersion, confirmRemoved and purchaseProofs for one that no longer works.");
    }

    private async Task<MigrationResult> FromRunningSourceAsync(MigrationBody body, List<Guid>? ids, CancellationToken cancellationToken)
    {
        var address = SourceServerClient.ParseAddress(body.SourceUrl) ?? throw Refusal.Invalid("sourceUrl", "sourceUrl must be the source license server's http:// or https:// address.");
        if (string.IsNullOrWhiteSpace(body.SourceToken)) throw Refusal.Invalid("sourceToken", "sourceToken must be an administrator token of the source license server.");
        var token = body.SourceToken.Trim();

        var sourceStatus = await SourceCallAsync(() => sources.StatusAsync(address, token, cancellationToken));
        if (sourceStatus.ProductId == server.ProductId) throw Refusal.Invalid("sourceUrl", "That is this license server: name the license server the CALs come from.");
        var packs = await SourceCallAsync(() => sources.KeyPacksAsync(address, token, cancellationToken));
        var selected = ids is null ? packs : ids.Select(id => packs.FirstOrDefault(p => p.Id == id)
            ?? throw Refusal.NotFound("key-pack-not-found", $"The source license server {sourceStatus.ProductId} has no key pack {id}. Its key packs: {Describe(packs)}.")).ToList();
        if (selected.Count == 0) throw Refusal.Conflict("nothing-to-migrate", "Nothing to migrate", $"The source license server {sourceStatus.ProductId} has no key packs.");
        var notHostable = selected.Where(p => !VersionCompatibility.LicenseServerHosts(server.Version, ProductVersions.Parse(p.Version))).ToList();
        if (notHostable.Count > 0)
            throw Refusal.Unprocessable("version-not-hostable", "Version not hostable",
                $"Nothing was moved: this {server.Version.ToDisplayName()} license server cannot host {Describe(notHostable)} (a license server hosts CALs of its own version or older). Leave them out with --key-pack, or migrate to a newer license server.");

        // Every check passed. The source removes the packs and signs their release to the clearinghouse for this server, or puts
        // them back and refuses: either all of them are released, or none.
        KeyPackReleaseResponse released;
        try
        {
            released = await sources.ReleaseAsync(address, token, selected.Select(p => p.Id).ToList(), server.ProductId, cancellationToken);
        }
        catch (RemoteCallException e)
        {
            throw SourceFailure(e);
        }
        var removed = released.Released.Select(p => p.Id).ToList();
        var result = await GrantAsync(sourceStatus.ProductId, null, removed, false, removed, null, cancellationToken);
        return result with
        {
            Message = result.Message + $" License server {sourceStatus.ProductId} removed them ({released.RemovedCals} issued CAL(s) with them) and released them to this server through the clearinghouse.",
        };
    }

    private async Task<MigrationResult> FromDeadSourceAsync(MigrationBody body, List<Guid>? ids, CancellationToken cancellationToken)
    {
        try
        {
            LicenseServerIdCode.CheckTyping(body.SourceLicenseServerId);
        }
        catch (CodeFormatException e)
        {
            throw Refusal.Mistyped("sourceLicenseServerId", e.Group, e.Message);
        }
        if (!ProductVersions.TryParse(body.SourceVersion, out var sourceVersion))
            throw Refusal.Invalid("sourceVersion", $"sourceVersion must be the source license server's Windows Server version: one of {string.Join(", ", ProductVersions.All.Select(v => v.ToShortName()))}.");
        if (!VersionCompatibility.LicenseServerHosts(server.Version, sourceVersion))
            throw Refusal.Unprocessable("version-not-hostable", "Version not hostable",
                $"A {sourceVersion.ToDisplayName()} license server's CALs can include versions this {server.Version.ToDisplayName()} license server cannot host: migrate to a license server of {sourceVersion.ToDisplayName()} or newer.");
        if (body.ConfirmRemoved != true)
            throw Refusal.Invalid("confirmRemoved",
                "Confirm that the source license server no longer functions and its CALs were removed from it (confirmRemoved: true; rdlic: --confirm-removed).");
        if (body.PurchaseProofs is not { Count: > 0 } proofs || proofs.Any(p => p is null))
            throw Refusal.Invalid("purchaseProofs",
                "Prove the purchase of the licenses to move, as on the original purchase: the retail license codes, the Open License number and authorization number, " +
                "or the agreement number with the CAL version and type (rdlic: --program and its identifiers). Only packs whose identifiers are proven move.");
        if (proofs.Count > MaxPurchaseProofs) throw Refusal.Invalid("purchaseProofs", $"At most {MaxPurchaseProofs} purchase proofs in one migration.");
        var code = GroupedCode.Format(GroupedCode.Normalize(body.SourceLicenseServerId));
        return await GrantAsync(null, code, ids, true, [], proofs, cancellationToken);
    }

    private const int MaxPurchaseProofs = 100;

    /// <summary>Asks the clearinghouse for the packs (signed by this server) and installs each; <paramref name="removed"/> is what the source already released.</summary>
    private async Task<MigrationResult> GrantAsync(string? sourceProductId, string? sourceLicenseServerId, IReadOnlyList<Guid>? ids, bool noLongerFunctioning,
        IReadOnlyList<Guid> removed, IReadOnlyList<PurchaseProof>? proofs, CancellationToken cancellationToken)
    {
        var source = sourceProductId ?? $"License Server ID {sourceLicenseServerId}";
        MigrationResponse answer;
        try
        {
            answer = await clearinghouse.MigrateAsync(new MigrationRequestBody(server.ProductId, server.Activation!.LicenseServerId, server.Version.ToShortName(),
                sourceProductId, sourceLicenseServerId, ids, noLongerFunctioning, proofs), cancellationToken);
        }
        catch (RemoteCallException e) when (removed.Count > 0)
        {
            var finish = $"rdlic licenses migrate --source-product-id {sourceProductId} {string.Join(' ', removed.Select(id => $"--key-pack {id}"))}";
            throw new Refusal(e.Failure == RemoteFailure.Refused ? StatusCodes.Status422UnprocessableEntity : StatusCodes.Status502BadGateway,
                "migration-incomplete", "Migration incomplete",
                $"Key pack(s) {string.Join(", ", removed)} were removed from the source {source} and released to this license server, but the clearinghouse did not grant them here yet: {e.Message} " +
                $"Nothing was installed; the release waits for this server alone. When the clearinghouse answers again, finish with: {finish}",
                new Dictionary<string, object?> { ["removedFromSource"] = removed });
        }

        var installed = new List<KeyPackView>();
        var failures = new List<string>();
        foreach (var grant in answer.KeyPacks)
        {
            try
            {
                installed.Add((await installs.InstallGrantAsync(grant, cancellationToken)).ToView());
            }
            catch (Refusal e)
            {
                failures.Add(e.Message);
            }
        }
        var summary = $"{installed.Count} key pack(s) with {installed.Sum(p => p.Total)} CAL(s) migrated from {source}: {Describe(installed)}.";
        await store.WriteAsync(s => s.AddEventAsync(clock.GetUtcNow(), LicensingEventId.KeyPacksMigrated, summary), cancellationToken);
        if (installed.Count == 0 && failures.Count > 0)
            throw Refusal.Unprocessable("migration-incomplete", "Migration incomplete",
                $"The clearinghouse granted the licenses of {source}, but none could be installed here: {string.Join(" ", failures)}",
                new Dictionary<string, object?> { ["removedFromSource"] = removed });
        var message = answer.KeyPacks.Count == 0
            ? $"The clearinghouse had no key packs of {source} to move. {answer.Message}".Trim()
            : summary + (noLongerFunctioning ? $" The clearinghouse retired them on {source}: if it runs again, it is refused for them and told of this migration." : "") +
              (failures.Count > 0 ? " Not installed: " + string.Join(" ", failures) : "");
        return new MigrationResult(sourceProductId, removed, installed, message);
    }

    private static Refusal SourceFailure(RemoteCallException e) => e.Failure == RemoteFailure.Refused
        ? Refusal.Unprocessable("source-license-server-refused", "Source license server refused", $"Nothing was moved: {e.Message}",
            new Dictionary<string, object?> { ["sourceStatus"] = e.Status })
        : new Refusal(StatusCodes.Status502BadGateway, "source-license-server-unreachable", "Source license server unreachable",
            $"Nothing was moved: {e.Message} If the source no longer works, migrate with its License Server ID instead (--source-license-server-id, --source-version, --confirm-removed).");

    private static async Task<T> SourceCallAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (RemoteCallException e)
        {
            throw SourceFailure(e);
        }
    }

    private static string Describe(IEnumerable<KeyPackView> packs) =>
        string.Join(", ", packs.Select(p => $"{p.Id} ({p.Total} {p.VersionName} {(p.Type == "per-device" ? "Per Device" : "Per User")})")) is { Length: > 0 } text ? text : "none";
}
