using RdLicensing.Core.Cals;
using RdLicensing.Core.SessionHost;
using RdLicensing.Storage;

namespace RdLicensing.SessionHost.LicenseServers;

/// <summary>How one revocation list fetch went.</summary>
public sealed record RevocationSyncResult(string Url, bool Synced, long? Number, string? Problem);

/// <summary>
/// The revocation lists of the license servers this host uses (issue 11): each an X.509 CRL the server signed with its identity
/// key, fetched from GET /api/sessionhost/revocations at start, when due (<see cref="RevocationSync"/>) and whenever a CAL answer
/// carries a newer number. A list is used only once it verifies with the key the host learned for that server and its number is
/// not older than the one held; otherwise it is refused (event 5073) and the list held stays. A presented CAL that a held list
/// revokes is treated as absent: the connection goes to a license server, which decides as for a device without that CAL.
/// </summary>
public sealed class RevocationLists(SessionHostStore store, LicenseServerCalls calls, LicenseServerKeys keys, TimeProvider clock)
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile IReadOnlyDictionary<string, RevocationListContent>? _lists;
    private volatile IReadOnlyDictionary<string, long>? _numberByUrl;

    /// <summary>The verified lists held, by license server Product ID.</summary>
    public async Task<IReadOnlyDictionary<string, RevocationListContent>> ListsAsync(CancellationToken cancellationToken)
    {
        if (_lists is { } lists) return lists;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            return await LoadAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>True when the license server that signed <paramref name="cal"/> revoked it, as far as the lists held say.</summary>
    public async Task<bool> IsRevokedAsync(CalTokenContent cal, CancellationToken cancellationToken) =>
        (await ListsAsync(cancellationToken)).TryGetValue(cal.LicenseServerProductId, out var list) && list.IsRevoked(cal.CalId);

    /// <summary>Fetches the list again when a CAL answer from <paramref name="url"/> says its number is newer than the one last fetched there.</summary>
    public async Task<RevocationSyncResult?> SyncIfNewerAsync(string url, long? number, CancellationToken cancellationToken)
    {
        if (number is not { } announced) return null;
        await ListsAsync(cancellationToken);
        if (_numberByUrl!.TryGetValue(url, out var held) && held >= announced) return null;
        return await SyncAsync(url, cancellationToken);
    }

    /// <summary>Fetches, verifies and stores one license server's list; records the attempt (status, diagnoser).</summary>
    public async Task<RevocationSyncResult> SyncAsync(string url, CancellationToken cancellationToken)
    {
        var reply = await calls.RevocationListAsync(url, cancellationToken);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await LoadAsync(cancellationToken);
            var now = clock.GetUtcNow();
            if (!reply.Answered)
            {
                await store.WriteAsync(s => s.RecordRevocationSyncAsync(url, now, null, reply.Problem), cancellationToken);
                return new RevocationSyncResult(url, false, null, reply.Problem);
            }
            var bytes = reply.Value!;
            var (content, problem) = await VerifyAsync(url, bytes, cancellationToken);
            var lists = _lists!;
            if (content is not null && lists.TryGetValue(content.LicenseServerProductId, out var held) && content.Number < held.Number)
            {
                problem = $"its number {content.Number} is older than the list {held.Number} this host holds (a replayed list)";
                content = null;
            }
            if (content is null)
            {
                var message = $"The revocation list from license server {url} was refused: {problem}. This host keeps the list it holds.";
                await store.WriteAsync(async s =>
                {
                    await s.RecordRevocationSyncAsync(url, now, null, problem);
                    await s.AddEventAsync(now, new PendingSessionHostEvent(SessionHostEventId.RevocationListRejected, message, LicenseServer: url));
                }, cancellationToken);
                return new RevocationSyncResult(url, false, null, problem);
            }

            var isNew = !lists.TryGetValue(content.LicenseServerProductId, out var previous) || previous.Number != content.Number;
            await store.WriteAsync(async s =>
            {
                await s.SetRevocationListAsync(new StoredRevocationList(content.LicenseServerProductId, content.Number, content.ThisUpdate, content.NextUpdate, bytes, now));
                await s.RecordRevocationSyncAsync(url, now, content.Number, null);
                if (isNew)
                    await s.AddEventAsync(now, new PendingSessionHostEvent(SessionHostEventId.RevocationListUpdated,
                        $"Revocation list {content.Number} of license server {url} (Product ID {content.LicenseServerProductId}) verified and stored: " +
                        $"{content.RevokedCalIds.Count} revoked CAL(s), which this host no longer accepts.", LicenseServer: url));
            }, cancellationToken);
            _lists = new Dictionary<string, RevocationListContent>(lists, StringComparer.Ordinal) { [content.LicenseServerProductId] = content };
            _numberByUrl = new Dictionary<string, long>(_numberByUrl!, StringComparer.OrdinalIgnoreCase) { [url] = content.Number };
            return new RevocationSyncResult(url, true, content.Number, null);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Verifies with the key learned for the Product ID the list names; a server not met yet has its key learned from <paramref name="url"/> first.</summary>
    private async Task<(RevocationListContent? Content, string? Problem)> VerifyAsync(string url, byte[] bytes, CancellationToken cancellationToken)
    {
        var claimed = RevocationList.ClaimedIssuer(bytes);
        if (claimed is null) return (null, "it is not an RdLicensing license server's X.509 revocation list");
        var key = (await keys.KnownAsync(cancellationToken)).FirstOrDefault(k => k.Record.ProductId == claimed);
        if (key is null)
        {
            var (learned, problem) = await keys.LearnAsync(url, cancellationToken);
            if (learned is null) return (null, $"the key of {url} could not be learned to verify it ({problem})");
            if (learned.Record.ProductId != claimed) return (null, $"it names license server {claimed}, but {url} is {learned.Record.ProductId}");
            key = learned;
        }
        try
        {
            return (key.Verifier.VerifyRevocationList(bytes), null);
        }
        catch (CalTokenException e)
        {
            // The server may have rotated its key since this host learned it (a CAL answer announced the list first): learn its
            // key once more and verify with the one it has now; a list no current key of the server signed stays refused.
            var (learned, _) = await keys.LearnAsync(url, cancellationToken);
            if (learned is null || learned.Record.ProductId != claimed || learned.Record.PublicKey.AsSpan().SequenceEqual(key.Record.PublicKey)) return (null, e.Message);
            try
            {
                return (learned.Verifier.VerifyRevocationList(bytes), null);
            }
            catch (CalTokenException)
            {
                return (null, e.Message);
            }
        }
    }

    private async Task<IReadOnlyDictionary<string, RevocationListContent>> LoadAsync(CancellationToken cancellationToken)
    {
        if (_lists is { } loaded) return loaded;
        var known = await keys.KnownAsync(cancellationToken);
        var retired = await keys.RetiredAsync(cancellationToken);
        var lists = new Dictionary<string, RevocationListContent>(StringComparer.Ordinal);
        foreach (var stored in await store.RevocationListsAsync(cancellationToken))
        {
            // Verified again: the store is the host's own, but a list is trusted only with its server's signature — its current key,
            // or a key it retired since (the list held from before a rotation still revokes until the next one replaces it).
            if (known.FirstOrDefault(k => k.Record.ProductId == stored.ProductId) is not { } key) continue;
            if (VerifyStored(stored, key.Verifier, retired) is { } content) lists[stored.ProductId] = content;
        }
        _numberByUrl = (await store.RevocationSyncsAsync(cancellationToken)).Where(r => r.Number is not null)
            .ToDictionary(r => r.Url, r => r.Number!.Value, StringComparer.OrdinalIgnoreCase);
        _lists = lists;
        return lists;
    }

    private static RevocationListContent? VerifyStored(StoredRevocationList stored, CalTokenVerifier current, IReadOnlyList<RetiredLicenseServerKeyRecord> retired)
    {
        try { return current.VerifyRevocationList(stored.List); }
        catch (CalTokenException) { }
        foreach (var old in retired.Where(r => r.ProductId == stored.ProductId))
        {
            try
            {
                using var verifier = CalTokenVerifier.FromSubjectPublicKeyInfo(old.PublicKey, stored.ProductId);
                return verifier.VerifyRevocationList(stored.List);
            }
            catch (CalTokenException) { }
        }
        return null;
    }
}
