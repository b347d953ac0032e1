using System.Collections.Concurrent;

namespace RdLicensing.Storage;

/// <summary>
/// Digests of CAL tokens waiting to be recorded in their CAL rows (<see cref="LicenseStore.RecordTokenDigest"/>). A token is
/// signed after the transaction that wrote its CAL has committed, so its digest goes in with the next write transaction, just
/// before that commits (<see cref="LicenseBatch"/>): no issuance waits for it and none pays a transaction of its own.
/// A digest is an aid, never a record the rules depend on: one lost — the process ends first, its transaction fails, more than
/// <see cref="Capacity"/> wait — costs the device one signature check when it next presents the token, which records it again.
/// </summary>
internal sealed class PendingTokenDigests
{
    /// <summary>At most this many wait (about 3 MB); beyond it new ones are dropped until a transaction takes them.</summary>
    public const int Capacity = 50_000;

    private readonly ConcurrentQueue<(long CalId, string HardwareId, byte[] Digest)> _queue = new();
    private int _count;
    private int _flushPosted;

    /// <summary>Queues a digest; false when <see cref="Capacity"/> are waiting already (the digest is dropped).</summary>
    public bool Add(long calId, string hardwareId, byte[] digest)
    {
        if (Interlocked.Increment(ref _count) > Capacity)
        {
            Interlocked.Decrement(ref _count);
            return false;
        }
        _queue.Enqueue((calId, hardwareId, digest));
        return true;
    }

    /// <summary>True for the one caller that should start a write to take the waiting digests, until a transaction takes them.</summary>
    public bool ClaimFlush() => Interlocked.CompareExchange(ref _flushPosted, 1, 0) == 0;

    /// <summary>The started write failed before it took the digests: the next <see cref="Add"/> starts another.</summary>
    public void ReleaseFlush() => Volatile.Write(ref _flushPosted, 0);

    /// <summary>
    /// Takes every waiting digest, the last one per CAL (a CAL signed twice keeps its newer token's). Clears the claim first,
    /// so a digest queued while this runs starts a write of its own instead of waiting for an unrelated one.
    /// </summary>
    public IReadOnlyCollection<(long CalId, string HardwareId, byte[] Digest)> Take()
    {
        Volatile.Write(ref _flushPosted, 0);
        if (Volatile.Read(ref _count) == 0) return [];
        var latest = new Dictionary<long, (long, string, byte[])>();
        while (_queue.TryDequeue(out var pending))
        {
            Interlocked.Decrement(ref _count);
            latest[pending.CalId] = pending;
        }
        return latest.Values;
    }
}
