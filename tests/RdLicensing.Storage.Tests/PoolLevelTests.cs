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

    private static IssuedCal OverUsedCal(string user, DateTimeOffset at) => new()
    {
        Type = CalType.PerUser, Status = CalStatus.Active, Version = ProductVersion.WindowsServer2022, OverUsed = true, Validated = true,
        ClientName = "pc-" + user, UserName = user, HostName = "rdsh-01", IssuedAt = at, ExpiresAt = at.AddDays(60),
    };

    [Theory, AllDatabases]
    public async Task A_pool_level_counts_its_live_OverUsed_CALs_even_without_a_key_pack(string database)
    {
        await using var db = await TestDatabase.CreateAsync(database);
        var day0 = DashboardDays.Of(T0);
        long revoked = 0;
        await db.Store.WriteAsync(async s =>
        {
            await s.AddEventAsync(T0, LicensingEventId.KeyPackInstalled, "three OverUsed Per User CALs, no Per User pack");
            foreach (var user in new[] { "alice", "bob", "carol" }) revoked = await s.InsertCalAsync(OverUsedCal(user, T0));
        });
        await db.Store.WriteAsync(async s =>
        {
            await s.AddEventAsync(T0.AddDays(1), LicensingEventId.KeyPackInstalled, "one revoked");
            await s.UpdateCalAsync(OverUsedCal("carol", T0) with { Id = revoked, Status = CalStatus.Revoked, RevokedAt = T0.AddDays(1) });
        });

        var levels = await db.Store.PoolLevelsAsync(day0);

        Assert.Equal(
        [
            new PoolLevel(day0, CalType.PerUser, ProductVersion.WindowsServer2022, 0, 0, 3),
            new PoolLevel(day0 + 1, CalType.PerUser, ProductVersion.WindowsServer2022, 0, 0, 2),
        ], levels);
    }

    [Theory, AllDatabases]
    public async Task Refusals_of_a_host_still_in_its_grace_period_are_counted_apart_as_let_in(string database)
    {
        await using var db = await TestDatabase.CreateAsync(database);
        var day0 = DashboardDays.Of(T0);
        await db.Store.WriteAsync(async s =>
        {
            await s.EnrollSessionHostAsync("rdsh-01", "rdlh_a", true, T0);
            await s.EnrollSessionHostAsync("rdsh-02", "rdlh_b", true, T0);
            // rdsh-01's grace period ends half a day in; rdsh-02 never reported one.
            await s.SetHostGraceAsync("rdsh-01", T0.AddHours(12).AddDays(-120), T0.AddHours(12), null);
            await s.AddEventAsync(T0, LicensingEventId.DeviceRefused, "in grace", "RDSH-01", reason: "no-license");
            await s.AddEventAsync(T0.AddHours(1), LicensingEventId.DeviceRefused, "in grace", "rdsh-01", reason: "no-license");
            await s.AddEventAsync(T0.AddHours(13), LicensingEventId.DeviceRefused, "after grace", "rdsh-01", reason: "no-license");
            await s.AddEventAsync(T0.AddHours(2), LicensingEventId.DeviceRefused, "no grace known", "rdsh-02", reason: "no-license");
            await s.AddEventAsync(T0.AddHours(3), LicensingEventId.HostNotInSecurityGroup, "outside the group", "rdsh-02", reason: "host-not-in-security-group");
        });

        var denials = await db.Store.DenialsPerDayAsync(day0);

        Assert.Equal(
        [
            new DailyDenials(day0, "host-not-in-security-group", 1, 0),
            new DailyDenials(day0, "no-license", 4, 2),
        ], denials);
    }
}
