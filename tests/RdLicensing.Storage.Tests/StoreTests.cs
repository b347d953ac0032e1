using Dapper;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Events;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Versions;

namespace RdLicensing.Storage.Tests;

public sealed class StoreTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static KeyPack Pack(CalType type, int total, ProductVersion version = ProductVersion.WindowsServer2022) =>
        new(Guid.NewGuid(), LicenseProgram.Retail, version, type, total, 0, null, "test", new KeyPackOrigin("ch", "pid", "ref", T0), T0);

    private static IssuedCal Cal(CalType type, KeyPack? pack, DateTimeOffset issued, DateTimeOffset expires, string id) => new()
    {
        Type = type,
        Status = CalStatus.Active,
        Version = pack?.Version ?? ProductVersion.WindowsServer2022,
        KeyPackId = pack?.Id,
        HoldsSlot = pack is not null,
        HardwareId = type == CalType.PerDevice ? id : null,
        UserName = type == CalType.PerUser ? id : null,
        ClientName = "PC-" + id,
        HostName = "rdsh",
        IssuedAt = issued,
        ExpiresAt = expires,
    };

    private static async Task<IssuedCal> IssueAsync(LicenseStore store, IssuedCal cal) => await store.WriteAsync(async s =>
    {
        if (cal.KeyPackId is { } pack) Assert.True(await s.TakeLicenseAsync(pack));
        return cal with { Id = await s.InsertCalAsync(cal) };
    });

    [Theory, AllDatabases]
    public async Task Migrations_apply_once(string database)
    {
        await using var db = await TestDatabase.CreateAsync(database);
        Assert.Equal(0, await db.Store.MigrateAsync());
    }

    [Fact]
    public async Task Sqlite_connections_use_wal_full_sync_and_foreign_keys()
    {
        await using var db = await TestDatabase.CreateAsync("sqlite");
        await using var connection = await db.Store.Dialect.OpenAsync(CancellationToken.None);
        Assert.Equal("wal", await connection.ExecuteScalarAsync<string>("PRAGMA journal_mode"));
        Assert.Equal(2L, await connection.ExecuteScalarAsync<long>("PRAGMA synchronous"));
        Assert.Equal(1L, await connection.ExecuteScalarAsync<long>("PRAGMA foreign_keys"));
    }

    [Theory, AllDatabases]
    public async Task A_write_that_fails_part_way_leaves_nothing_behind(string database)
    {
        await using var db = await TestDatabase.CreateAsync(database);
        var pack = Pack(CalType.PerDevice, 5);
        await db.Store.WriteAsync(s => s.InsertKeyPackAsync(pack, "{}"));

        await Assert.ThrowsAsync<InvalidOperationException>(() => db.Store.WriteAsync(async s =>
        {
            await s.TakeLicenseAsync(pack.Id);
            await s.InsertCalAsync(Cal(CalType.PerDevice, pack, T0, T0.AddDays(60), "hw-1"));
            await s.AddEventAsync(T0, LicensingEventId.TemporaryUpgradedToPermanent, "upgraded");
            throw new InvalidOperationException("crash before commit");
        }));

        Assert.Equal(0, (await db.Store.KeyPacksAsync()).Single().Issued);
        Assert.Equal(0, (await db.Store.CalsAsync(new CalQuery())).Total);
        Assert.Empty(await db.Store.EventsAsync(new EventQuery()));
    }

    [Theory, AllDatabases]
    public async Task Concurrent_writers_never_take_more_licenses_than_a_pack_holds(string database)
    {
        await using var db = await TestDatabase.CreateAsync(database);
        var pack = Pack(CalType.PerDevice, 3);
        await db.Store.WriteAsync(s => s.InsertKeyPackAsync(pack, "{}"));

        var taken = await Task.WhenAll(Enumerable.Range(0, 25).Select(_ => db.Store.WriteAsync(s => s.TakeLicenseAsync(pack.Id))));

        Assert.Equal(3, taken.Count(t => t));
        Assert.Equal(3, (await db.Store.KeyPacksAsync()).Single().Issued);
    }

    [Theory, AllDatabases]
    public async Task Expired_permanent_device_cals_return_their_license(string database)
    {
        await using var db = await TestDatabase.CreateAsync(database);
        var pack = Pack(CalType.PerDevice, 2);
        await db.Store.WriteAsync(s => s.InsertKeyPackAsync(pack, "{}"));
        var cal = await IssueAsync(db.Store, Cal(CalType.PerDevice, pack, T0, T0.AddDays(52), "hw-1"));

        var before = await db.Store.WriteAsync(s => s.ExpireDueAsync(T0.AddDays(52).AddSeconds(-1)));
        var at = await db.Store.WriteAsync(s => s.ExpireDueAsync(T0.AddDays(52)));

        Assert.Equal((0, 0), before);
        Assert.Equal((1, 1), at);
        Assert.Equal(CalStatus.Expired, (await db.Store.CalAsync(cal.Id))!.Status);
        Assert.Equal(0, (await db.Store.KeyPacksAsync()).Single().Issued);
        Assert.Empty(await db.Store.LicensesHeldPerPackAsync());
    }

    [Theory, AllDatabases]
    public async Task An_expired_per_user_cal_keeps_its_license_until_90_days_after_assignment(string database)
    {
        await using var db = await TestDatabase.CreateAsync(database);
        var pack = Pack(CalType.PerUser, 1);
        await db.Store.WriteAsync(s => s.InsertKeyPackAsync(pack, "{}"));
        var cal = await IssueAsync(db.Store, Cal(CalType.PerUser, pack, T0, T0.AddDays(60), "ann"));

        await db.Store.WriteAsync(s => s.ExpireDueAsync(T0.AddDays(61)));
        var dropped = (await db.Store.CalAsync(cal.Id))!;
        Assert.Equal(CalStatus.Expired, dropped.Status);
        Assert.True(dropped.HoldsSlot);
        Assert.Equal(1, (await db.Store.KeyPacksAsync()).Single().Issued);

        await db.Store.WriteAsync(s => s.ExpireDueAsync(T0.AddDays(90)));
        Assert.False((await db.Store.CalAsync(cal.Id))!.HoldsSlot);
        Assert.Equal(0, (await db.Store.KeyPacksAsync()).Single().Issued);
    }

    [Theory, AllDatabases]
    public async Task Cal_queries_filter_and_page_and_treat_like_wildcards_literally(string database)
    {
        await using var db = await TestDatabase.CreateAsync(database);
        for (var i = 0; i < 7; i++) await IssueAsync(db.Store, Cal(CalType.PerUser, null, T0, T0.AddDays(60), $"user{i}"));
        await IssueAsync(db.Store, Cal(CalType.PerUser, null, T0, T0.AddDays(60), "100%_real"));
        await IssueAsync(db.Store, Cal(CalType.PerDevice, null, T0, T0.AddDays(90), "hw-1"));

        var page = await db.Store.CalsAsync(new CalQuery(Type: CalType.PerUser, PageSize: 3, Page: 3));
        Assert.Equal(8, page.Total);
        Assert.Equal(2, page.Items.Count);
        Assert.Equal("100%_real", Assert.Single((await db.Store.CalsAsync(new CalQuery(User: "%_"))).Items).UserName);
        Assert.Equal("hw-1", Assert.Single((await db.Store.CalsAsync(new CalQuery(Device: "hw-1"))).Items).HardwareId);
    }

    [Theory, AllDatabases]
    public async Task Revocation_state_counts_only_revoked_cals_not_yet_past_their_expiry(string database)
    {
        await using var db = await TestDatabase.CreateAsync(database);
        var pack = Pack(CalType.PerDevice, 10);
        await db.Store.WriteAsync(s => s.InsertKeyPackAsync(pack, "{}"));
        foreach (var (hw, days) in new[] { ("a", 10), ("b", 30) })
        {
            var cal = await IssueAsync(db.Store, Cal(CalType.PerDevice, pack, T0, T0.AddDays(days), hw));
            await db.Store.WriteAsync(s => s.UpdateCalAsync(cal with { Status = CalStatus.Revoked, HoldsSlot = false, RevokedAt = T0 }));
        }

        var (installed, revoked) = await db.Store.WriteAsync(s => s.RevocationStateAsync(ProductVersion.WindowsServer2022, T0.AddDays(20)));

        Assert.Equal(10, installed);
        Assert.Equal([T0.AddDays(30)], revoked);
    }
}
