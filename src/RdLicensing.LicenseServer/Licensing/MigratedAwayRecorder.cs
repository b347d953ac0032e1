using RdLicensing.Core.Events;
using RdLicensing.LicenseServer.Hosting;
using RdLicensing.LicenseServer.Remote;
using RdLicensing.Storage;

namespace RdLicensing.LicenseServer.Licensing;

/// <summary>
/// A source that comes back after a migration for a "no longer functioning" source took its key packs is told so by the
/// clearinghouse at its next contact (problem type <c>key-packs-migrated-away</c>, naming the packs, the target and the
/// date). This removes those packs here (event 5090) and keeps the clearinghouse's words for `rdlic server status` and the
/// console's warnings.
/// </summary>
public sealed class MigratedAwayRecorder(LicenseStore store, TimeProvider clock)
{
    public const string Setting = "migration.migratedAway";

    public async Task RecordAsync(RemoteCallException refusal, CancellationToken cancellationToken)
    {
        if (!refusal.Is(Core.Protocol.MigrationProblems.MigratedAway)) return;
        await store.WriteAsync(async s =>
        {
            var now = clock.GetUtcNow();
            var here = (await s.AllKeyPacksAsync()).Where(p => refusal.KeyPackIds.Contains(p.Id)).ToList();
            var removal = await s.RemoveKeyPacksAsync(here);
            var note = $"The clearinghouse said on {now:yyyy-MM-dd}: {refusal.Message.Trim()}" +
                       (here.Count > 0 ? $" Removed here: {here.Count} key pack(s) ({here.Sum(p => p.Total)} license(s), {removal.LiveCals} issued CAL(s))." : "");
            await s.AddEventAsync(now, LicensingEventId.KeyPacksMigratedAway, note);
            var before = await s.SettingAsync(Setting);
            await s.SetSettingAsync(Setting, before is null ? note : before + "\n" + note);
            return 0;
        }, CancellationToken.None);
    }
}
