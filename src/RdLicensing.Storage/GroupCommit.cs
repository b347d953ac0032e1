namespace RdLicensing.Storage;

/// <summary>
/// Group commit: concurrent write work items share one transaction and one durable commit. Whoever finds no leader
/// becomes the leader and runs every item waiting at that moment, one after another, each inside its own
/// savepoint; items that arrive meanwhile form the next batch. Each item still sees the writes of the items before it,
/// exactly as if the transactions had run one by one, and an item that throws is rolled back to its savepoint alone.
/// No caller hears "done" before the commit that holds its writes, so durability is that of a single transaction,
/// while a synchronous commit (an fsync on SQLite, a WAL flush on PostgreSQL) is paid once per batch, not per request.
/// </summary>
internal sealed class GroupCommit<TSession>(IStoreDialect dialect, Func<WriteTransaction, TSession> openSession)
{
    // Bounds how long one batch holds the database's write lock (and so how long another node waits for it).
    private const int MaxBatch = 256;

    private long _commits;
    private long _committedItems;

    /// <summary>Transactions committed, and the work items they held: their ratio is the average batch.</summary>
    public (long Commits, long Items) Statistics => (Interlocked.Read(ref _commits), Interlocked.Read(ref _committedItems));

    // Guarded by locking _waiting: the work items not yet taken into a batch, and whether a leader is running batches.
    private readonly Queue<Pending> _waiting = new();
    private bool _leading;

    /// <summary>Told the size of each batch committed (metrics).</summary>
    public Action<int>? Committed { get; set; }

    /// <remarks>
    /// Cancellation: <paramref name="cancellationToken"/> (the request's) withdraws the work item while it waits to be taken
    /// into a batch, and a batch skips an item whose token is cancelled before its turn. Once an item runs, its statements
    /// and the transaction's begin and commit use no request's token (see <see cref="LicenseWriteSession"/>): a statement
    /// interrupted half-way (SQLite's sqlite3_interrupt) would roll back the whole transaction, every other item's writes
    /// with it.
    /// </remarks>
    public async Task<T> WriteAsync<T>(Func<TSession, Task<T>> work, CancellationToken cancellationToken)
    {
        var item = new Pending(async session => await work(session), cancellationToken);
        bool lead;
        lock (_waiting)
        {
            _waiting.Enqueue(item);
            lead = !_leading;
            _leading = true;
        }
        if (lead) await LeadAsync(item);
        return (T)(await item.Completion.Task)!;
    }

    /// <summary>
    /// Runs batches while work waits. A caller that found no leader leads on its own thread (an idle writer adds no thread
    /// hop) until its own item is done; if more work waits then, the lead passes to a thread-pool task and the caller returns
    /// with its answer. The callers of a batch are completed together (their continuations queued, none run here), so the
    /// next batch starts as soon as the commit is done instead of after each caller of the last batch in turn has taken and
    /// given back a writer turn.
    /// </summary>
    private async Task LeadAsync(Pending? own)
    {
        try
        {
            while (true)
            {
                var batch = TakeBatch();
                if (batch.Count > 0) await RunBatchAsync(batch);
                lock (_waiting)
                {
                    if (_waiting.Count == 0)
                    {
                        _leading = false;
                        return;
                    }
                    if (own is not null && own.Completion.Task.IsCompleted) break;
                }
            }
        }
        catch (Exception e)
        {
            // RunBatchAsync answers every failure itself; should anything else throw, no waiting item may be left unanswered.
            List<Pending> stranded;
            lock (_waiting)
            {
                stranded = [.. _waiting];
                _waiting.Clear();
                _leading = false;
            }
            foreach (var item in stranded) item.Completion.TrySetException(e);
            own?.Completion.TrySetException(e);
            return;
        }
        _ = Task.Run(() => LeadAsync(null));
    }

    private List<Pending> TakeBatch()
    {
        var batch = new List<Pending>();
        lock (_waiting)
        {
            while (batch.Count < MaxBatch && _waiting.TryDequeue(out var next))
            {
                if (next.CancellationToken.IsCancellationRequested) next.Completion.TrySetCanceled(next.CancellationToken);
                else batch.Add(next);
            }
        }
        return batch;
    }

    private async Task RunBatchAsync(List<Pending> batch)
    {
        if (batch.Count == 0) return;
        var done = new List<(Pending Item, object? Result)>(batch.Count);
        try
        {
            await using var tx = await dialect.BeginWriteAsync(CancellationToken.None);
            // A batch of one needs no savepoint: its failure rolls back the whole transaction, as before group commit.
            var savepoints = batch.Count > 1;
            // The savepoint of the last item that succeeded, not yet released: it is released in the same command that sets the next
            // item's (one round trip to PostgreSQL instead of two), and the last one by the commit, which releases every savepoint.
            string? unreleased = null;
            for (var i = 0; i < batch.Count; i++)
            {
                var item = batch[i];
                if (item.CancellationToken.IsCancellationRequested)
                {
                    // Withdrawn before its turn: nothing of it ran.
                    item.Completion.TrySetCanceled(item.CancellationToken);
                    continue;
                }
                var savepoint = "w" + i;
                if (savepoints)
                {
                    await SetSavepointAsync(tx, unreleased, savepoint);
                    unreleased = null;
                }
                var session = openSession(tx);
                try
                {
                    var result = await RunAsTheCaller(item, session);
                    if (savepoints) unreleased = savepoint;
                    (session as IBatchItem)?.Succeeded();
                    done.Add((item, result));
                }
                catch (Exception e) when (savepoints)
                {
                    await tx.Transaction.RollbackAsync(savepoint);
                    await tx.Transaction.ReleaseAsync(savepoint);
                    (session as IBatchItem)?.Failed();
                    item.Completion.TrySetException(e);
                }
            }
            // What the items share is written once (events, last-seen times, pool levels: see LicenseBatch), then one commit.
            if (tx.BatchState is { } shared) await shared.BeforeCommitAsync(tx);
            await tx.CommitAsync(CancellationToken.None);
            Interlocked.Increment(ref _commits);
            Interlocked.Add(ref _committedItems, done.Count);
            Committed?.Invoke(done.Count);
        }
        catch (Exception e)
        {
            // Nothing of this batch is committed: every item not yet answered fails with the cause.
            foreach (var item in batch) item.Completion.TrySetException(e);
            return;
        }
        foreach (var (item, result) in done) item.Completion.TrySetResult(result);
    }

    /// <summary>Sets <paramref name="savepoint"/>, releasing <paramref name="unreleased"/> first in the same command when there is one.</summary>
    private static async Task SetSavepointAsync(WriteTransaction tx, string? unreleased, string savepoint)
    {
        if (unreleased is null)
        {
            await tx.Transaction.SaveAsync(savepoint);
            return;
        }
        await using var command = tx.Connection.CreateCommand();
        command.Transaction = tx.Transaction;
        command.CommandText = $"RELEASE SAVEPOINT {unreleased}; SAVEPOINT {savepoint}";
        await command.ExecuteNonQueryAsync(CancellationToken.None);
    }

    /// <summary>
    /// Starts the work in its caller's execution context, not the leader's: what it logs and traces belongs to the request
    /// that asked for it (logging scopes and Activity.Current flow with the context).
    /// </summary>
    private static Task<object?> RunAsTheCaller(Pending item, TSession session)
    {
        if (item.Context is null) return item.Work(session);
        Task<object?>? started = null;
        ExecutionContext.Run(item.Context, _ => started = item.Work(session), null);
        return started!;
    }

    private sealed class Pending(Func<TSession, Task<object?>> work, CancellationToken cancellationToken)
    {
        public Func<TSession, Task<object?>> Work { get; } = work;
        public ExecutionContext? Context { get; } = ExecutionContext.Capture();
        public CancellationToken CancellationToken { get; } = cancellationToken;

        // Completed off the leader's stack, so a caller's continuation never runs inside the next batch.
        public TaskCompletionSource<object?> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
