using RdLicensing.Core.Cals;
using RdLicensing.LicenseServer.Hosting;
using RdLicensing.Storage;

namespace RdLicensing.LicenseServer.Licensing;

/// <summary>
/// Publishes the revocation list to enrolled session hosts: an X.509 CRL signed with the server's identity key
/// (<see cref="RevocationList"/>), made fresh for each fetch from the revoked CALs in the database, with the server's clock for
/// this-update and next-update (one sync interval later). Each fetch records the host's sync (time and number), which status,
/// the dashboard and the Servers page show. Every CAL answer carries the current number so a host with an older list fetches
/// again; that number is read from the database at most every <see cref="NumberFreshness"/> (another node's revocation reaches it within that).
/// </summary>
public sealed class RevocationListPublisher(LicenseStore store, ServerState server, TimeProvider clock)
{
    /// <summary>How long the number given with CAL answers may be reused before it is read again (real time).</summary>
    public static readonly TimeSpan NumberFreshness = TimeSpan.FromSeconds(2);

    private long _number = -1;
    private long _readAt;

    /// <summary>A host whose list is older than this (by the server's clock) is shown as not synced (2 sync intervals).</summary>
    public static readonly TimeSpan StaleAfter = RevocationList.SyncInterval * 2;

    private readonly SemaphoreSlim _reading = new(1, 1);

    /// <summary>The current number; when it is stale, one caller reads it and the concurrent ones wait for that read (no connection each).</summary>
    public async ValueTask<long> CurrentNumberAsync(CancellationToken cancellationToken)
    {
        if (Fresh() is { } number) return number;
        await _reading.WaitAsync(cancellationToken);
        try
        {
            if (Fresh() is { } read) return read;
            var current = await store.RevocationListNumberAsync(cancellationToken);
            Interlocked.Exchange(ref _readAt, TimeProvider.System.GetTimestamp());
            Interlocked.Exchange(ref _number, current);
            return current;
        }
        finally
        {
            _reading.Release();
        }
    }

    private long? Fresh()
    {
        var number = Interlocked.Read(ref _number);
        return number >= 0 && TimeProvider.System.GetElapsedTime(Interlocked.Read(ref _readAt)) < NumberFreshness ? number : null;
    }

    /// <summary>A revocation committed here: the next CAL answer reads the number again.</summary>
    public void Invalidate() => Interlocked.Exchange(ref _number, -1);

    /// <summary>The signed list for <paramref name="hostName"/>, whose sync is recorded.</summary>
    public async Task<(byte[] List, long Number)> ForHostAsync(string hostName, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var revoked = await store.RevokedCalsAsync(now, cancellationToken);
        var list = RevocationList.Build(server.Identity, revoked.Number, revoked.Cals, now, now + RevocationList.SyncInterval);
        await store.WriteAsync(s => s.RecordRevocationSyncAsync(hostName, now, revoked.Number), cancellationToken);
        return (list, revoked.Number);
    }
}
