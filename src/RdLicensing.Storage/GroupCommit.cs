namespace RdLicensing.Storage;

/// <summary>
/// Group commit: concurrent write work items share one transaction and one durable commit. Whoever finds the commit
/// turn free becomes the leader and runs every item waiting at that moment, one after another, each inside its own
/// savepoint; items that arrive meanwhile form the next batch. Each item still sees the writes of the items before it,
/// exactly as if the transactions had run one by one, and an item that throws is rolled back to its savepoint alone.
/// No caller hears "done" before the commit that holds its writes, so durability is that of a single transaction,
/// while a synchronous commit (an fsync on SQLite, a WAL flush on PostgreSQL) is paid once per batch, not per request.
/// </summary>
internal sealed class GroupCommit<TSession>(IStoreDialect dialect, Func<WriteTransaction, TSession> openSession)
{
    // Bounds how long one batch holds the database's write lock (and so how long another node waits for it).
    private const int MaxBatch = 256;

    private readonly SemaphoreSlim _turn = new(1, 1);
    private long _commits;
    private long _committedItems;

    /// <summary>Transactions committed, and the work items they held: their ratio is the average batch.</summary>
    public (long Commits, long Items) Statistics => (Interlocked.Read(ref _commits), Interlocked.Read(ref _committedItems));
    private readonly Queue<Pending> _waiting = new();

    /// <summary>Told the size of each batch committed (metrics).</summary>
    public Action<int>? Committed { get; set; }

    public async Task<T> WriteAsync<T>(Func<TSession, Task<T>> work, CancellationToken cancellationToken)
    {
        var item = new Pending(async session => await work(session), cancellationToken);
        lock (_waiting) _waiting.Enqueue(item);
        await _turn.WaitAsync(CancellationToken.None);
        try
        {
            // A leader before us may already have run this item in its batch.
            while (!item.Completion.Task.IsCompleted) await RunBatchAsync(TakeBatch());
        }
        finally
        {
            _turn.Release();
        }
        return (T)(await item.Completion.Task)!;
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
            for (var i = 0; i < batch.Count; i++)
            {
                var item = batch[i];
                var savepoint = "w" + i;
                if (savepoints) await tx.Transaction.SaveAsync(savepoint);
                var session = openSession(tx);
                try
                {
                    var result = await RunAsTheCaller(item, session);
                    if (savepoints) await tx.Transaction.ReleaseAsync(savepoint);
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
