using Microsoft.Data.Sqlite;
using RdLicensing.Core.Cals;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Versions;
using RdLicensing.Storage.Sqlite;

namespace RdLicensing.Storage.Tests;

/// <summary>
/// The reads run on every request (authentication, a presented CAL's snapshot) read their rows by position from statements kept
/// prepared, and SQLite connections are kept open between uses: what they return must be what the store wrote, field for field,
/// and a kept connection must never carry one caller's unfinished work into the next one's.
/// </summary>
public sealed class HotReadTests
{
    private static readonly DateTimeOffset T0 = new(2026, 5, 1, 8, 0, 0, TimeSpan.Zero);

    [Theory, AllDatabases]
    public async Task A_presented_CALs_snapshot_reads_every_field_as_the_store_wrote_it(string database)
    {
        await using var db = await TestDatabase.CreateAsync(database);
        var pack = new KeyPack(Guid.NewGuid(), LicenseProgram.Retail, ProductVersion.WindowsServer2022, CalType.PerDevice, 20, 0, T0.AddYears(1), "retail pack",
            new KeyPackOrigin("clearinghouse-1", "license-server-1", "REF-1", T0.AddDays(-1)), T0);
        var noExpiry = pack with { Id = Guid.NewGuid(), ExpiresAt = null, Description = "open", Version = ProductVersion.WindowsServer2019 };
        await db.Store.WriteAsync(async s =>
        {
            await s.InsertKeyPackAsync(pack, "{}");
            await s.InsertKeyPackAsync(noExpiry, "{}");
            await s.EnrollSessionHostAsync("RDSH-01", "rdlh_hot-read-test", inSecurityGroup: true, T0);
            await s.TouchSessionHostAsync("RDSH-01", T0.AddMinutes(5), T0.AddDays(120));
        });
        IssuedCal[] written =
        [
            new() { Type = CalType.PerDevice, Status = CalStatus.Active, Version = ProductVersion.WindowsServer2022, KeyPackId = pack.Id, HoldsSlot = true,
                Validated = true, HardwareId = "hw-1", ClientName = "Desk Ü 1", UserName = "alice", HostName = "RDSH-01", IssuedAt = T0, ExpiresAt = T0.AddDays(90) },
            new() { Type = CalType.PerDevice, Status = CalStatus.Temporary, Version = ProductVersion.WindowsServer2019, IsTemporary = true, HardwareId = "hw-1",
                ClientName = "desk-1", HostName = "RDSH-01", IssuedAt = T0.AddHours(1), ExpiresAt = T0.AddDays(30) },
            new() { Type = CalType.PerDevice, Status = CalStatus.Revoked, Version = ProductVersion.WindowsServer2022, OverUsed = true, HardwareId = "hw-1",
                ClientName = "desk-1", HostName = "rdsh-02", IssuedAt = T0.AddHours(2), ExpiresAt = T0.AddDays(60), RevokedAt = T0.AddDays(3) },
        ];
        var ids = new List<long>();
        foreach (var cal in written) ids.Add(await db.Store.WriteAsync(s => s.InsertCalAsync(cal)));

        var snapshot = await db.Store.PresentationSnapshotAsync("rdsh-01", CalType.PerDevice, "hw-1", ["no-such-setting"]);

        // Dapper's mapping by name (CalAsync, KeyPacksAsync) is the reference the positional reads must equal.
        var expected = new List<IssuedCal>();
        foreach (var id in ids) expected.Add((await db.Store.CalAsync(id))!);
        Assert.Equal(expected, snapshot.Cals);
        Assert.Equal((await db.Store.KeyPacksAsync()).OrderBy(p => p.Id), snapshot.Packs.OrderBy(p => p.Id));
        Assert.Equal(T0.AddMinutes(5), snapshot.HostLastSeen);
        Assert.Equal(T0.AddDays(120), snapshot.HostGraceEndsAt);
        Assert.Empty(snapshot.Settings);

        // The same prepared statements, with other values bound: another device, a host not enrolled.
        var other = await db.Store.PresentationSnapshotAsync("rdsh-99", CalType.PerDevice, "hw-2", ["no-such-setting"]);
        Assert.Empty(other.Cals);
        Assert.Null(other.HostLastSeen);
        Assert.Equal(snapshot.Packs.Count, other.Packs.Count);

        // A Per Device present's read: no settings, no key packs, the same host and CALs.
        var lean = await db.Store.PresentationSnapshotAsync("rdsh-01", CalType.PerDevice, "hw-1", [], keyPacks: false);
        Assert.Equal(expected, lean.Cals);
        Assert.Equal((T0.AddMinutes(5), T0.AddDays(120)), (lean.HostLastSeen, lean.HostGraceEndsAt));
        Assert.Empty(lean.Packs);
        Assert.Empty(lean.Settings);
    }

    [Theory, AllDatabases]
    public async Task A_host_token_finds_its_host_and_only_its_host(string database)
    {
        await using var db = await TestDatabase.CreateAsync(database);
        await db.Store.WriteAsync(async s =>
        {
            await s.EnrollSessionHostAsync("rdsh-01", "rdlh_first", inSecurityGroup: true, T0);
            await s.EnrollSessionHostAsync("rdsh-02", "rdlh_second", inSecurityGroup: false, T0.AddHours(1));
        });
        for (var round = 0; round < 3; round++)
        {
            var first = await db.Store.SessionHostByTokenAsync("rdlh_first");
            var second = await db.Store.SessionHostByTokenAsync("rdlh_second");
            Assert.Equal(("rdsh-01", true, T0, (DateTimeOffset?)null), (first!.Name, first.InSecurityGroup, first.EnrolledAt, first.LastSeenAt));
            Assert.Equal(("rdsh-02", false, T0.AddHours(1)), (second!.Name, second.InSecurityGroup, second.EnrolledAt));
            Assert.Null(await db.Store.SessionHostByTokenAsync("rdlh_firs"));
            Assert.Null(await db.Store.SessionHostByTokenAsync(LicenseStore.HashToken("rdlh_first")));
        }
    }

    [Theory, AllDatabases]
    public async Task A_hosts_grace_start_kept_for_a_batch_follows_its_writes_and_forgets_a_rolled_back_one(string database)
    {
        await using var db = await TestDatabase.CreateAsync(database);
        await db.Store.WriteAsync(async s =>
        {
            await s.EnrollSessionHostAsync("rdsh-01", "rdlh_grace-a", inSecurityGroup: true, T0);
            await s.EnrollSessionHostAsync("rdsh-02", "rdlh_grace-b", inSecurityGroup: true, T0);
        });

        // One batch: a first write holds the writer while the others queue behind it, so they share one transaction.
        var release = new TaskCompletionSource();
        var first = db.Store.WriteAsync(async _ => { await release.Task; return true; });
        var reads = new List<(string Step, DateTimeOffset? Start)>();
        Task Step(string name, Func<LicenseWriteSession, Task> work, bool fail = false) => db.Store.WriteAsync(async s =>
        {
            await work(s);
            var start = await s.HostGraceStartAsync("RDSH-01");
            lock (reads) reads.Add((name, start));
            if (fail) throw new InvalidOperationException("refused after writing");
        });
        var steps = new[]
        {
            Step("read", _ => Task.CompletedTask),
            Step("set", s => s.SetHostGraceAsync("rdsh-01", T0.AddDays(1), T0.AddDays(121), null)),
            Step("set then fail", s => s.SetHostGraceAsync("rdsh-01", T0.AddDays(5), T0.AddDays(125), null), fail: true),
            Step("after the rollback", _ => Task.CompletedTask),
            Step("removed", s => s.RemoveSessionHostAsync("rdsh-01")),
        };
        release.SetResult();
        await first;
        await Assert.ThrowsAsync<InvalidOperationException>(() => steps[2]);
        await Task.WhenAll(steps.Where((_, i) => i != 2));

        Assert.Equal(
            [("read", null), ("set", T0.AddDays(1)), ("set then fail", T0.AddDays(5)), ("after the rollback", T0.AddDays(1)), ("removed", null)],
            reads);
        // What was committed: rdsh-01 removed; rdsh-02 untouched.
        Assert.Null(await db.Store.WriteAsync(s => s.HostGraceStartAsync("rdsh-01")));
        Assert.Null(await db.Store.WriteAsync(s => s.HostGraceStartAsync("rdsh-02")));
    }

    [Fact]
    public async Task A_connection_handed_back_inside_a_transaction_is_closed_and_its_work_rolled_back_not_passed_on()
    {
        var directory = Directory.CreateTempSubdirectory("rdlic-kept-");
        try
        {
            var dialect = new SqliteDialect(Path.Combine(directory.FullName, "licensing.db"));
            var store = new LicenseStore(dialect);
            await store.MigrateAsync();

            // A caller that forgets its transaction: the connection must not reach the next caller still inside it.
            var abandoned = (SqliteConnection)await dialect.OpenAsync(CancellationToken.None);
            var transaction = abandoned.BeginTransaction(deferred: false);
            await using (var insert = abandoned.CreateCommand())
            {
                insert.Transaction = transaction;
                insert.CommandText = "INSERT INTO settings (name, value) VALUES ('abandoned', 'x')";
                await insert.ExecuteNonQueryAsync();
            }
            await abandoned.DisposeAsync();
            Assert.Equal(System.Data.ConnectionState.Closed, abandoned.State);

            // A reader left open mid-way would hold its snapshot into the next caller's work: that connection is not kept either.
            await store.WriteAsync(async s => { await s.SetSettingAsync("a", "1"); await s.SetSettingAsync("b", "2"); });
            var reading = await dialect.OpenAsync(CancellationToken.None);
            var command = reading.CreateCommand();
            command.CommandText = "SELECT name FROM settings";
            var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            await reading.DisposeAsync();
            Assert.Equal(System.Data.ConnectionState.Closed, reading.State);

            // Nothing of the abandoned transaction is there, and the database is not locked: a write goes through.
            Assert.Null(await store.SettingAsync("abandoned"));
            await reader.DisposeAsync();
            await store.WriteAsync(s => s.SetSettingAsync("committed", "y"));
            Assert.Equal("y", await store.SettingAsync("committed"));

            // Positive control: a connection handed back cleanly is the one the next caller gets, still open.
            var clean = await dialect.OpenAsync(CancellationToken.None);
            await clean.DisposeAsync();
            Assert.Equal(System.Data.ConnectionState.Open, clean.State);
            var next = await dialect.OpenAsync(CancellationToken.None);
            Assert.Same(clean, next);
            await next.DisposeAsync();
        }
        finally
        {
            SqliteDialect.ClearPools();
            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task ClearPools_closes_the_kept_connections_so_a_replaced_database_file_is_the_one_read()
    {
        var directory = Directory.CreateTempSubdirectory("rdlic-kept-");
        try
        {
            var path = Path.Combine(directory.FullName, "licensing.db");
            var store = new LicenseStore(new SqliteDialect(path));
            await store.MigrateAsync();
            await store.WriteAsync(s => s.SetSettingAsync("which", "original"));
            Assert.Equal("original", await store.SettingAsync("which"));

            var replacement = Path.Combine(directory.FullName, "replacement.db");
            var other = new LicenseStore(new SqliteDialect(replacement));
            await other.MigrateAsync();
            await other.WriteAsync(s => s.SetSettingAsync("which", "replacement"));

            // As a restore does: release every connection, checkpoint the replacement into one file, swap it in.
            SqliteDialect.ClearPools();
            await using (var checkpoint = new SqliteConnection($"Data Source={replacement};Pooling=False"))
            {
                await checkpoint.OpenAsync();
                await using var command = checkpoint.CreateCommand();
                command.CommandText = "PRAGMA journal_mode = DELETE";
                await command.ExecuteNonQueryAsync();
            }
            foreach (var file in Directory.GetFiles(directory.FullName, "licensing.db*")) File.Delete(file);
            File.Move(replacement, path);

            Assert.Equal("replacement", await store.SettingAsync("which"));
        }
        finally
        {
            SqliteDialect.ClearPools();
            directory.Delete(recursive: true);
        }
    }
}
