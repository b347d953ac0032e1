using RdLicensing.Core.Events;
using RdLicensing.Core.Protocol;
using RdLicensing.LicenseServer.Apis;
using RdLicensing.LicenseServer.Hosting;
using RdLicensing.LicenseServer.Licensing;
using RdLicensing.LicenseServer.Remote;
using RdLicensing.Storage;

namespace RdLicensing.LicenseServer.Recovery;

/// <summary>
/// Rebuild the license server database: every key pack and every issued CAL is deleted in one transaction,
/// then — when the clearinghouse can be asked — the packs it recorded for this server are reissued and
/// installed again, with their ids and full counts.
/// </summary>
public sealed class DatabaseRebuilder(LicenseStore store, ServerState server, TimeProvider clock, ClearinghouseClient clearinghouse, KeyPackInstaller installer)
{
    /// <summary>What the administrator types to confirm, as the original asks before deleting the database.</summary>
    public const string Confirmation = "delete every installed CAL";

    public async Task<RebuildResponse> RebuildAsync(CancellationToken cancellationToken)
    {
        var removal = await store.WriteAsync(async s =>
        {
            var removed = await s.DeleteAllKeyPacksAndCalsAsync();
            await s.AddEventAsync(clock.GetUtcNow(), LicensingEventId.DatabaseRebuilt,
                $"The license server database was rebuilt: {removed.Packs.Count} key pack(s) with {removed.Packs.Sum(p => p.Total)} license(s) " +
                $"and {removed.CalRows} CAL record(s) ({removed.LiveCals} live) were deleted.");
            return removed;
        }, cancellationToken);

        var (reinstalled, problem) = await ReissueAsync(cancellationToken);
        var message = $"Deleted {removal.Packs.Count} key pack(s) and {removal.CalRows} issued CAL record(s). " + (problem is null
            ? $"The clearinghouse reissued {reinstalled.Count} key pack(s); {reinstalled.Sum(p => p.Total)} license(s) are installed again."
            : problem);
        return new RebuildResponse(removal.Packs.Count, removal.CalRows, reinstalled, problem, message);
    }

    private async Task<(List<KeyPackView> Reinstalled, string? Problem)> ReissueAsync(CancellationToken cancellationToken)
    {
        const string byHand = "Ask the clearinghouse to reissue this server's key packs and install them with 'rdlic licenses install --key-pack-id CODE'.";
        if (!clearinghouse.IsConfigured) return ([], $"No clearinghouse address is configured, so nothing was reissued automatically. {byHand}");
        var status = server.ActivationStatusAt(clock.GetUtcNow());
        if (status != "activated") return ([], $"The license server is {status.Replace('-', ' ')}, so the clearinghouse cannot reissue its key packs. Activate it, then {byHand[0..1].ToLowerInvariant()}{byHand[1..]}");

        ReissueResponse answer;
        try
        {
            answer = await clearinghouse.ReissueAsync(new ReissueRequestBody(server.ProductId, server.Activation!.LicenseServerId), cancellationToken);
        }
        catch (RemoteCallException e)
        {
            return ([], $"The clearinghouse did not reissue the key packs: {e.Message} {byHand}");
        }
        var reinstalled = new List<KeyPackView>();
        var failures = new List<string>();
        foreach (var grant in answer.KeyPacks)
        {
            var result = await installer.InstallAsync(grant.KeyPackFile, cancellationToken);
            if (result.Pack is { } pack) reinstalled.Add(pack.ToView());
            else failures.Add($"{grant.KeyPackId} (license key pack ID {grant.KeyPackIdCode}): {result.Message}");
        }
        await store.WriteAsync(s => s.AddEventAsync(clock.GetUtcNow(), LicensingEventId.KeyPacksReissued,
            $"The clearinghouse reissued {answer.KeyPacks.Count} key pack(s) after the rebuild; {reinstalled.Count} installed ({reinstalled.Sum(p => p.Total)} licenses)."), cancellationToken);
        return failures.Count == 0
            ? (reinstalled, null)
            : (reinstalled, $"The clearinghouse reissued {answer.KeyPacks.Count} key pack(s), {reinstalled.Count} installed; not installed: {string.Join("; ", failures)}.");
    }
}
