using RdLicensing.Core.Cals;
using RdLicensing.Core.Events;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Versions;

namespace RdLicensing.Storage.Tests;

/// <summary>The dashboard's pool levels, recorded before commit by every transaction that changes a pool.</summary>
public sealed class PoolLevelTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 1, 0, 0, TimeSpan.Zero);

    private static KeyPack Pack(CalType type, int total, DateTimeOffset? expires) =>
        new(Guid.NewGuid(), LicenseProgram.Retail, ProductVersion.WindowsServer2022, type, total, 0, expires, "test", new KeyPackOrigin("ch", "pid", "ref", T0), T0);

    [Theory, AllDatabases]
    public async Task Each_day_a_pool_changes_records_every_pool_without_expired_packs_and_a_write_without_pool_changes_records_nothing(string database)
    {
        await using var db = await TestDatabase.CreateAsync(database);
        var devices = Pack(CalType.PerDevice, 5, null);
        var users = Pack(CalType.PerUser, 3, T0.AddDays(1.5));
        await db.Store.WriteAsync(async s =>
        {
            await s.InsertKeyPackAsync(devices, "{}");
            await s.InsertKeyPackAsync(users, "{}");
            await s.AddEventAsync(T0, LicensingEventId.KeyPackInstalled, "installed");
        });
        for (var day = 0; day < 3; day++)
        {
            var now = T0.AddDays(day);
            await db.Store.WriteAsync(async s =>
            {
                await s.ExpireDueAsync(now);
                return await s.TakeLicenseAsync(devices.Id);
            });
        }
        await db.Store.WriteAsync(s => s.AddEventAsync(T0.AddDays(3), LicensingEventId.KeyPackInstalled, "no pool changed"));

        var day0 = DashboardDays.Of(T0);
        var levels = await db.Store.PoolLevelsAsync(day0 + 1);

        // Day 0 is the level carried into the range; on day 2 the Per User pack has expired, so its pool has no level that day.
        Assert.Equal(
        [
            new PoolLevel(day0, CalType.PerDevice, ProductVersion.WindowsServer2022, 5, 1),
            new PoolLevel(day0, CalType.PerUser, ProductVersion.WindowsServer2022, 3, 0),
            new PoolLevel(day0 + 1, CalType.PerDevice, ProductVersion.WindowsServer2022, 5, 2),
            new PoolLevel(day0 + 1, CalType.PerUser, ProductVersion.WindowsServer2022, 3, 0),
            new PoolLevel(day0 + 2, CalType.PerDevice, ProductVersion.WindowsServer2022, 5, 3),
        ], levels);
    }
}
