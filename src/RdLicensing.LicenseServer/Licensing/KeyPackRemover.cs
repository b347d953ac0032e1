using RdLicensing.Core.Cals;
using RdLicensing.Core.Events;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Versions;
using RdLicensing.Storage;

namespace RdLicensing.LicenseServer.Licensing;

/// <summary>
/// The source side of a migration: removes a key pack and every CAL issued from it, in one transaction, so
/// the clearinghouse can grant the licenses to the target. Event 89 names the target.
/// </summary>
public sealed class KeyPackRemover(LicenseStore store, TimeProvider clock)
{
    public Task<(KeyPack Pack, int RemovedCals)> RemoveAsync(Guid keyPackId, string? targetProductId, CancellationToken cancellationToken) =>
        store.WriteAsync(async s =>
        {
            var now = clock.GetUtcNow();
            await s.ExpireDueAsync(now);
            var pack = await s.KeyPackAsync(keyPackId)
                       ?? throw Refusal.NotFound("key-pack-not-found", $"There is no key pack {keyPackId} on this license server. List them with 'rdlic keypacks list'.");
            var removal = await s.RemoveKeyPacksAsync([pack]);
            var target = string.IsNullOrWhiteSpace(targetProductId) ? "another license server" : $"license server {targetProductId.Trim()}";
            await s.AddEventAsync(now, LicensingEventId.MigrationRemovedCals,
                $"Key pack {pack.Id} ({pack.Total} {pack.Version.ToDisplayName()} {pack.Type.ToDisplayName()}s, {pack.Program.ToDisplayName()}) and its {removal.LiveCals} issued CAL(s) " +
                $"were removed for migration to {target}.");
            return (pack, removal.LiveCals);
        }, cancellationToken);
}
