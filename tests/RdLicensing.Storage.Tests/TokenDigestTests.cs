using RdLicensing.Core.Cals;
using RdLicensing.Core.Versions;

namespace RdLicensing.Storage.Tests;

/// <summary>
/// A CAL token's digest is recorded in its CAL row with the next write transaction, never on another CAL or another device's
/// row, and the reads a presented CAL is decided on return it beside the CAL it belongs to.
/// </summary>
public sealed class TokenDigestTests
{
    private static readonly DateTimeOffset T0 = new(2026, 5, 1, 8, 0, 0, TimeSpan.Zero);

    private static IssuedCal Cal(string hardwareId) => new()
    {
        Type = CalType.PerDevice, Status = CalStatus.Active, Version = ProductVersion.WindowsServer2022, Validated = true,
        HardwareId = hardwareId, ClientName = "PC-" + hardwareId, HostName = "RDSH-01", IssuedAt = T0, ExpiresAt = T0.AddDays(90),
    };

    private static CalTokenDigest Digest(int seed) => CalTokenDigest.Of([(byte)seed], [1, 2, 3, (byte)seed]);

    [Theory, AllDatabases]
    public async Task A_recorded_digest_lands_on_its_own_cal_and_device_only_the_newest_per_cal_and_reaches_the_presentation_read(string database)
    {
        await using var db = await TestDatabase.CreateAsync(database);
        var first = await db.Store.WriteAsync(s => s.InsertCalAsync(Cal("hw-a")));
        var second = await db.Store.WriteAsync(s => s.InsertCalAsync(Cal("hw-a")));
        var other = await db.Store.WriteAsync(s => s.InsertCalAsync(Cal("hw-b")));

        db.Store.RecordTokenDigest(first, "hw-a", Digest(1));
        db.Store.RecordTokenDigest(first, "hw-a", Digest(2));   // signed again: the newer token's digest is the one kept
        db.Store.RecordTokenDigest(other, "hw-a", Digest(3));   // names a CAL of another device: lands nowhere
        db.Store.RecordTokenDigest(999_999, "hw-a", Digest(4)); // no such CAL
        await db.Store.FlushTokenDigestsAsync();

        var (cals, digests) = await db.Store.WriteAsync(s => s.DeviceCalsWithTokenDigestsAsync("hw-a"));
        Assert.Equal([first, second], cals.Select(c => c.Id));
        Assert.True(Digest(2).Matches(digests[0]), "the CAL's newest digest was not recorded");
        Assert.False(Digest(1).Matches(digests[0]));
        Assert.Null(digests[1]);
        var (_, otherDigests) = await db.Store.WriteAsync(s => s.DeviceCalsWithTokenDigestsAsync("hw-b"));
        Assert.Equal([null], otherDigests);

        // The read a present is answered from carries the same digests, each beside its CAL.
        var snapshot = await db.Store.PresentationSnapshotAsync("rdsh-01", CalType.PerDevice, "hw-a", [], keyPacks: false);
        Assert.Equal([first, second], snapshot.Cals.Select(c => c.Id));
        Assert.True(Digest(2).Matches(snapshot.TokenDigests[0]));
        Assert.Null(snapshot.TokenDigests[1]);
    }

    [Theory, AllDatabases]
    public async Task Digests_queued_while_a_transaction_runs_go_in_with_a_later_one_and_none_is_lost(string database)
    {
        await using var db = await TestDatabase.CreateAsync(database);
        var ids = new List<long>();
        for (var i = 0; i < 40; i++) ids.Add(await db.Store.WriteAsync(s => s.InsertCalAsync(Cal($"hw-{i}"))));

        // A write holds the writer while digests are queued from many threads: they wait for it, then go in with no one
        // calling for them (the first queued starts a write of its own).
        var release = new TaskCompletionSource();
        var holding = db.Store.WriteAsync(async _ => { await release.Task; return 0; });
        Parallel.For(0, ids.Count, i => db.Store.RecordTokenDigest(ids[i], $"hw-{i}", Digest(i)));
        release.SetResult();
        await holding;

        // Nothing here writes again: the write the first queued digest started records them. Read (never write, which would
        // take them itself) until it has committed, for at most 10 s.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        async Task<byte[]?> RecordedAsync(int i) =>
            (await db.Store.PresentationSnapshotAsync("rdsh-01", CalType.PerDevice, $"hw-{i}", [], keyPacks: false)).TokenDigests[0];
        while (await RecordedAsync(ids.Count - 1) is null && DateTime.UtcNow < deadline) await Task.Yield();
        for (var i = 0; i < ids.Count; i++)
            Assert.True(Digest(i).Matches(await RecordedAsync(i)), $"the digest of hw-{i} was not recorded");
    }

    [Theory, AllDatabases]
    public async Task A_digest_write_the_database_refuses_is_reported_and_the_next_digest_starts_a_write_that_records_it(string database)
    {
        await using var db = await TestDatabase.CreateAsync(database);
        var id = await db.Store.WriteAsync(s => s.InsertCalAsync(Cal("hw-a")));
        var refused = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        db.Store.TokenDigestsNotWritten = e => refused.TrySetResult(e);

        // The column the digests go to is gone: the write the queued digest starts fails, and the store says so.
        await ExecuteAsync(db, "ALTER TABLE issued_cals RENAME COLUMN token_digest TO token_digest_away");
        db.Store.RecordTokenDigest(id, "hw-a", Digest(1));
        var error = await refused.Task.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.IsAssignableFrom<System.Data.Common.DbException>(error);

        // Positive control: with the column back, the next digest starts a write of its own again and is recorded.
        await ExecuteAsync(db, "ALTER TABLE issued_cals RENAME COLUMN token_digest_away TO token_digest");
        db.Store.RecordTokenDigest(id, "hw-a", Digest(2));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        async Task<byte[]?> RecordedAsync() =>
            (await db.Store.PresentationSnapshotAsync("rdsh-01", CalType.PerDevice, "hw-a", [], keyPacks: false)).TokenDigests[0];
        while (await RecordedAsync() is null && DateTime.UtcNow < deadline) await Task.Yield();
        Assert.True(Digest(2).Matches(await RecordedAsync()), "the digest queued after the failure was not recorded");
    }

    private static async Task ExecuteAsync(TestDatabase db, string sql)
    {
        await using var connection = await db.Store.Dialect.OpenAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
