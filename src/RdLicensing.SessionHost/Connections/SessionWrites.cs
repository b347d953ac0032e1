using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace RdLicensing.SessionHost.Connections;

/// <summary>
/// A session's record written after its client was answered (the RDP endpoint's allowed connections and sign-ins, where
/// no rule depends on the record: see <see cref="ConnectionRequest.AnswerBeforeRecorded"/>). The write is queued on the
/// store's group commit at once — so every later write (the sign-in, the end, an administrator's disconnect) runs after it
/// and sees it — and is committed durably like any other; what reads the session on a read connection (the sign-in, the
/// sign-in report) first waits here for that commit. A write that fails is logged and fails those readers in turn.
/// </summary>
public sealed class SessionWrites(ILogger<SessionWrites> log)
{
    private readonly ConcurrentDictionary<string, Task> _pending = new(StringComparer.Ordinal);

    /// <summary>Session writes queued and not yet committed (for tests and metrics).</summary>
    public int Pending => _pending.Count;

    /// <summary>Keeps <paramref name="write"/> (already queued on the store) as the session's latest write until it commits.</summary>
    public void Track(string sessionId, Task write)
    {
        // Chained after the session's earlier write, if any, so waiting for the latest waits for all of them.
        var chained = _pending.AddOrUpdate(sessionId, write, (_, earlier) => Both(earlier, write));
        _ = Forget(sessionId, chained);
    }

    /// <summary>Completes once every write of the session that a front end did not wait for is committed; throws if one failed.</summary>
    public Task WrittenAsync(string sessionId, CancellationToken cancellationToken) =>
        _pending.TryGetValue(sessionId, out var write) ? write.WaitAsync(cancellationToken) : Task.CompletedTask;

    private static async Task Both(Task earlier, Task later)
    {
        try
        {
            await earlier;
        }
        finally
        {
            await later;
        }
    }

    private async Task Forget(string sessionId, Task write)
    {
        try
        {
            await write;
        }
        catch (Exception e)
        {
            log.LogError(e, "The record of session {SessionId} could not be written after its client was answered.", sessionId);
        }
        finally
        {
            _pending.TryRemove(KeyValuePair.Create(sessionId, write));
        }
    }
}
