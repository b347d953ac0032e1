using RdLicensing.Core.Cals;
using RdLicensing.Core.Events;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Versions;

namespace RdLicensing.Storage.Tests;

public sealed class GroupCommitTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static KeyPack Pack(int total) =>
        new(Guid.NewGuid(), LicenseProgram.Retail, ProductVersion.WindowsServer2022, CalType.PerDevice, total, 0, null, "test", new KeyPackOrigin("ch", "pid", "ref", T0), T0);

    [Theory, AllDatabases]
    public async Task Concurrent_writes_share_commits_yet_each_sees_the_ones_before_it_and_a_failing_one_leaves_nothing(string database)
    {
        await using var db = await TestDatabase.CreateAsync(database);
        var pack = Pack(50);
        await db.Store.WriteAsync(s => s.InsertKeyPackAsync(pack, "{}"));
        var before = db.Store.CommitStatistics;

        // 200 writers race for 50 licenses; every tenth takes one and then fails, so its license and event must vanish.
        // A first write holds the database while they queue behind it, as they would behind a slow disk (a write joins
        // the queue before WriteAsync first yields, so all 200 are waiting when it lets go).
        var release = new TaskCompletionSource();
        var first = db.Store.WriteAsync(async _ => { await release.Task; return true; });
        var racing = Task.WhenAll(Enumerable.Range(0, 200).Select(async i =>
        {
            try
            {
                return await db.Store.WriteAsync(async s =>
                {
                    var took = await s.TakeLicenseAsync(pack.Id);
                    await s.AddEventAsync(T0, LicensingEventId.TemporaryCalIssued, $"writer {i}");
                    if (i % 10 == 0) throw new InvalidOperationException("refused after writing");
                    return took ? "took" : "none left";
                });
            }
            catch (InvalidOperationException)
            {
                return "failed";
            }
        }));
        release.SetResult();
        await first;
        var results = await racing;

        Assert.Equal(20, results.Count(r => r == "failed"));
        Assert.Equal(50, results.Count(r => r == "took"));
        Assert.Equal(130, results.Count(r => r == "none left"));
        Assert.Equal(50, (await db.Store.KeyPacksAsync()).Single().Issued);
        var events = await db.Store.EventsAsync(new EventQuery(Limit: 1000));
        Assert.Equal(180, events.Count);
        Assert.DoesNotContain(events, e => int.Parse(e.Message["writer ".Length..]) % 10 == 0);
        var after = db.Store.CommitStatistics;
        Assert.Equal(181, after.Items - before.Items);
        Assert.Equal(2, after.Commits - before.Commits); // the first write's, then one for all 200
    }

    [Theory, AllDatabases]
    public async Task A_batch_writes_its_items_events_whole_and_in_the_order_they_were_added(string database)
    {
        await using var db = await TestDatabase.CreateAsync(database);

        // 150 writers queue behind a first write and commit together: more events than one multi-row insert takes on PostgreSQL,
        // one prepared insert each on SQLite. Every field, null or not, comes back as written, and the sequence follows the adds.
        var release = new TaskCompletionSource();
        var first = db.Store.WriteAsync(async _ => { await release.Task; return true; });
        var writers = Task.WhenAll(Enumerable.Range(0, 150).Select(i => db.Store.WriteAsync(async s =>
        {
            await s.AddEventAsync(T0.AddSeconds(i), LicensingEventId.DeviceRefused, $"refused {i}: 'quoted', ünïcode", $"RDSH-{i % 3}",
                i % 2 == 0 ? $"hw-{i}" : null, i % 5 == 0 ? null : $"user{i}", i % 4 == 0 ? i * 1000L : null, reason: "no-license");
            await s.AddEventAsync(T0.AddSeconds(i), LicensingEventId.TemporaryCalIssued, $"second of {i}");
            return true;
        })));
        release.SetResult();
        await first;
        await writers;

        var events = (await db.Store.EventsAsync(new EventQuery(Limit: 1000))).OrderBy(e => e.Sequence).ToList();
        Assert.Equal(300, events.Count);
        var byWriter = events.Where(e => e.EventId == LicensingEventId.DeviceRefused).ToDictionary(e => int.Parse(e.Message["refused ".Length..e.Message.IndexOf(':')]));
        Assert.Equal(150, byWriter.Count);
        foreach (var (i, e) in byWriter)
        {
            Assert.Equal(T0.AddSeconds(i), e.At);
            Assert.Equal($"refused {i}: 'quoted', ünïcode", e.Message);
            Assert.Equal($"RDSH-{i % 3}", e.SessionHost);
            Assert.Equal(i % 2 == 0 ? $"hw-{i}" : null, e.Device);
            Assert.Equal(i % 5 == 0 ? null : $"user{i}", e.User);
            Assert.Equal(i % 4 == 0 ? i * 1000L : null, e.CalId);
            Assert.Equal(LicensingEvents.LevelOf(LicensingEventId.DeviceRefused), e.Level);
            // Each writer's second event directly follows its first: a batch keeps the order of its items' adds.
            var next = events[events.IndexOf(e) + 1];
            Assert.Equal($"second of {i}", next.Message);
        }
        // The reason, which no event read returns, is what the dashboard counts refusals by.
        var denials = await db.Store.DenialsPerDayAsync(DashboardDays.Of(T0));
        Assert.Equal(150, denials.Where(d => d.Reason == "no-license").Sum(d => d.Count));
    }

    [Theory, AllDatabases]
    public async Task A_write_that_fails_after_writing_leaves_its_connection_clean_for_the_next_request_and_the_other_nodes(string database)
    {
        await using var db = await TestDatabase.CreateAsync(database);
        var kept = Pack(5);
        await db.Store.WriteAsync(s => s.InsertKeyPackAsync(kept, "{}"));

        // The failing write held the writer lock (on PostgreSQL every node's) and wrote before it threw. Connections go back to
        // the pool as they are (PostgreSQL: without Npgsql's reset), so the rollback must leave nothing behind on them.
        var lost = Pack(7);
        await Assert.ThrowsAsync<InvalidOperationException>(() => db.Store.WriteAsync<bool>(async s =>
        {
            await s.InsertKeyPackAsync(lost, "{}");
            await s.TakeLicenseAsync(kept.Id);
            throw new InvalidOperationException("refused after writing");
        }));

        // Another node writes at once (a lock left held would keep it waiting), and both nodes see only what committed.
        var secondNode = db.SecondNode();
        var took = await secondNode.WriteAsync(s => s.TakeLicenseAsync(kept.Id)).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(took);
        var here = await db.Store.KeyPacksAsync();
        Assert.Equal(kept.Id, Assert.Single(here).Id);
        Assert.Equal(1, here.Single().Issued);
        Assert.Equal(1, Assert.Single(await secondNode.KeyPacksAsync()).Issued);
        // And this node's next write, on a connection the failed one handed back, commits.
        Assert.True(await db.Store.WriteAsync(s => s.TakeLicenseAsync(kept.Id)).WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(2, Assert.Single(await secondNode.KeyPacksAsync()).Issued);
    }

    [Theory, AllDatabases]
    public async Task A_write_cancelled_while_it_waits_for_a_batch_writes_nothing_and_the_others_of_its_batch_commit(string database)
    {
        await using var db = await TestDatabase.CreateAsync(database);
        var pack = Pack(10);
        await db.Store.WriteAsync(s => s.InsertKeyPackAsync(pack, "{}"));

        // A first write holds the writer; three queue behind it, and the middle one's request is cancelled while it waits.
        var release = new TaskCompletionSource();
        var first = db.Store.WriteAsync(async _ => { await release.Task; return true; });
        using var cancelled = new CancellationTokenSource();
        Task<bool> Take(CancellationToken token) => db.Store.WriteAsync(s => s.TakeLicenseAsync(pack.Id), token);
        var before = Take(CancellationToken.None);
        var withdrawn = Take(cancelled.Token);
        var after = Take(CancellationToken.None);
        await cancelled.CancelAsync();
        release.SetResult();
        await first;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => withdrawn);
        Assert.True(await before); // positive control: the writes around it in the same batch committed
        Assert.True(await after);
        Assert.Equal(2, (await db.Store.KeyPacksAsync()).Single().Issued);
        // The writer is free again: a later write is served (no leader left waiting).
        Assert.True(await Take(CancellationToken.None));
        Assert.Equal(3, (await db.Store.KeyPacksAsync()).Single().Issued);
    }

    [Theory, AllDatabases]
    public async Task Two_nodes_on_one_database_never_over_allocate(string database)
    {
        await using var db = await TestDatabase.CreateAsync(database);
        var other = db.SecondNode();
        var pack = Pack(100);
        await db.Store.WriteAsync(s => s.InsertKeyPackAsync(pack, "{}"));

        var took = await Task.WhenAll(Enumerable.Range(0, 400).Select(i => Task.Run(() =>
            (i % 2 == 0 ? db.Store : other).WriteAsync(s => s.TakeLicenseAsync(pack.Id)))));

        Assert.Equal(100, took.Count(t => t));
        Assert.Equal(100, (await other.KeyPacksAsync()).Single().Issued);
        if (other.Dialect is IAsyncDisposable disposable) await disposable.DisposeAsync();
    }
}
