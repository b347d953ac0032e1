using RdLicensing.Core.Cals;
using RdLicensing.Core.Identity;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.SessionHost;
using RdLicensing.Core.Versions;
using RdLicensing.Storage;

namespace RdLicensing.SessionHost.LicenseServers;

/// <summary>A license server key the host knows, with the verifier made from it.</summary>
public sealed record KnownKey(LicenseServerKeyRecord Record, CalTokenVerifier Verifier);

/// <summary>
/// The public keys of the license servers this host has used, learned from GET /api/sessionhost/license-server
/// and kept in the store, so a presented CAL is verified even while every license server is down. With the current key the
/// server names the keys it retired (a rotation: key compromised, certificate corrupt): the host records them, no longer accepts a
/// CAL they signed without asking the license server (which signs it again), and never again takes one as the server's current key.
/// The host asks at enrollment, at every hourly revocation sync (<see cref="RevocationSync"/>) and when it meets a CAL it cannot verify.
/// </summary>
public sealed class LicenseServerKeys(SessionHostStore store, LicenseServerCalls calls, TimeProvider clock)
{
    private readonly SemaphoreSlim _loading = new(1, 1);

    /// <summary>
    /// Keys this host has just learned a license server retired (recorded, event 5024), awaited before
    /// <see cref="LearnAsync"/> returns: the RDP endpoint renews an X.509 chain such a key signed. Handlers do not throw.
    /// </summary>
    public event Func<IReadOnlyList<RetiredLicenseServerKeyRecord>, CancellationToken, Task>? KeysRetired;
    private volatile IReadOnlyList<KnownKey>? _known;
    private volatile IReadOnlyList<RetiredLicenseServerKeyRecord>? _retired;

    public async Task<IReadOnlyList<KnownKey>> KnownAsync(CancellationToken cancellationToken)
    {
        if (_known is { } known) return known;
        await LoadAsync(cancellationToken);
        return _known!;
    }

    /// <summary>The keys license servers told this host they retired.</summary>
    public async Task<IReadOnlyList<RetiredLicenseServerKeyRecord>> RetiredAsync(CancellationToken cancellationToken)
    {
        if (_retired is { } retired) return retired;
        await LoadAsync(cancellationToken);
        return _retired!;
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        await _loading.WaitAsync(cancellationToken);
        try
        {
            if (_known is not null && _retired is not null) return;
            var retired = await store.RetiredKeysAsync(cancellationToken);
            // A key recorded as retired is never a current one, whatever the store says.
            _known = (await store.KeysAsync(cancellationToken)).Where(k => !IsRetired(retired, k.ProductId, k.PublicKey)).Select(ToKnown).OfType<KnownKey>().ToList();
            _retired = retired;
        }
        finally
        {
            _loading.Release();
        }
    }

    public async Task<IReadOnlyList<CalTokenVerifier>> VerifiersAsync(CancellationToken cancellationToken) =>
        (await KnownAsync(cancellationToken)).Select(k => k.Verifier).ToList();

    /// <summary>Where the license server with this Product ID was last seen, if the host knows it.</summary>
    public async Task<string?> UrlOfAsync(string productId, CancellationToken cancellationToken) =>
        (await KnownAsync(cancellationToken)).FirstOrDefault(k => k.Record.ProductId == productId)?.Record.Url;

    /// <summary>
    /// Asks the server for its key and the keys it retired, and keeps them; the problem says why not when it could not. A server
    /// that presents a key this host knows as retired is refused (event 5025): the key may be in someone else's hands.
    /// </summary>
    public async Task<(KnownKey? Key, string? Problem)> LearnAsync(string url, CancellationToken cancellationToken)
    {
        var reply = await calls.InfoAsync(url, cancellationToken);
        if (!reply.Answered) return (null, reply.Problem);
        var info = reply.Value!;
        byte[] publicKey;
        try { publicKey = Convert.FromBase64String(info.PublicKey); }
        catch (FormatException) { return (null, $"{url} sent a public key that is not base64"); }
        if (!ProductVersions.TryParse(info.Version, out var version)) return (null, $"{url} sent an unknown version '{info.Version}'");
        // A Product ID derives from the server's first key; after a rotation the current key no longer derives it, and the
        // server names its first key among the retired ones.
        var rotated = RotatedFrom(info);
        KnownKey? key;
        try
        {
            key = new KnownKey(new LicenseServerKeyRecord(info.ProductId, url, version, publicKey, clock.GetUtcNow()),
                CalTokenVerifier.FromSubjectPublicKeyInfo(publicKey, rotated is null ? null : info.ProductId));
        }
        catch (CalTokenException e)
        {
            return (null, $"{url}: {e.Message}");
        }
        if (key.Verifier.ProductId != info.ProductId)
            return (null, $"{url} claims Product ID {info.ProductId}, but its key belongs to {key.Verifier.ProductId}");

        var now = clock.GetUtcNow();
        var retiredKnown = await RetiredAsync(cancellationToken);
        var retiredNow = RetiredIn(info, now);
        if (IsRetired(retiredKnown, info.ProductId, publicKey) || IsRetired(retiredNow, info.ProductId, publicKey))
        {
            var why = retiredKnown.Concat(retiredNow).First(r => r.ProductId == info.ProductId && r.PublicKey.AsSpan().SequenceEqual(publicKey));
            var problem = $"{url} signs as license server {info.ProductId} with key {Core.Proof.ServerRequestProof.Fingerprint(publicKey)}, which that server retired on " +
                          $"{why.RetiredAt:yyyy-MM-dd} ({why.Reason}): this host no longer trusts that key. If this is an old copy of the license server (a restore " +
                          "from before its key was replaced), retire it; CALs it issues are not accepted";
            await store.WriteAsync(s => s.AddEventAsync(now, new PendingSessionHostEvent(SessionHostEventId.RetiredLicenseServerKeyRefused, problem + ".", LicenseServer: url)),
                cancellationToken);
            return (null, problem);
        }

        var known = await KnownAsync(cancellationToken);
        var fresh = retiredNow.Where(r => !IsRetired(retiredKnown, r.ProductId, r.PublicKey)).ToList();
        var same = known.FirstOrDefault(k => k.Record.ProductId == key.Record.ProductId);
        var unchanged = same is not null && same.Record.Url == url && same.Record.Version == version && same.Record.PublicKey.AsSpan().SequenceEqual(publicKey);
        if (unchanged && fresh.Count == 0) return (same, null);
        var retiredNote = info.RetiredKeys is { Count: > 0 } retiredKeys
            ? $" Keys it retired: {string.Join("; ", retiredKeys.Select(k => $"{Fingerprint(k.PublicKey)} on {k.RetiredAt:yyyy-MM-dd} ({k.Reason})"))}; CALs they signed are no longer accepted without asking the license server, which signs them again."
            : "";
        await store.WriteAsync(async s =>
        {
            if (!unchanged)
            {
                await s.SetKeyAsync(key.Record);
                await s.AddEventAsync(key.Record.LearnedAt, new PendingSessionHostEvent(SessionHostEventId.LicenseServerKeyLearned,
                    $"Learned the CAL signing key of license server {url} (Product ID {info.ProductId}, {version.ToDisplayName()}): CALs it issues are now verified by this host alone." + retiredNote,
                    LicenseServer: url));
            }
            foreach (var retired in fresh)
            {
                if (await s.AddRetiredKeyAsync(retired))
                    await s.AddEventAsync(now, new PendingSessionHostEvent(SessionHostEventId.LicenseServerKeyRetired,
                        $"License server {url} (Product ID {info.ProductId}) retired its key {Core.Proof.ServerRequestProof.Fingerprint(retired.PublicKey)} on {retired.RetiredAt:yyyy-MM-dd} " +
                        $"({retired.Reason}): this host no longer accepts a CAL that key signed without asking the license server, which signs it again with its current key.",
                        LicenseServer: url));
            }
        }, cancellationToken);
        _retired = [.. retiredKnown, .. fresh];
        if (!unchanged) _known = [.. known.Where(k => k.Record.ProductId != key.Record.ProductId), key];
        if (fresh.Count > 0 && KeysRetired is { } retiredHandlers)
            foreach (var handler in retiredHandlers.GetInvocationList().Cast<Func<IReadOnlyList<RetiredLicenseServerKeyRecord>, CancellationToken, Task>>())
                await handler(fresh, cancellationToken);
        return (unchanged ? same : key, null);
    }

    /// <summary>
    /// Verifies a CAL token with the known keys; when none verifies it and <paramref name="learnFrom"/> is given,
    /// learns that server's key and tries again (the host meets a new server, or a server's identity changed).
    /// </summary>
    public async Task<CalTokenContent?> VerifyAsync(byte[] token, string? learnFrom, CancellationToken cancellationToken)
    {
        if (TryVerify(await KnownAsync(cancellationToken), token) is { } content) return content;
        if (learnFrom is null) return null;
        var (key, _) = await LearnAsync(learnFrom, cancellationToken);
        return key is null ? null : TryVerify([key], token);
    }

    private static CalTokenContent? TryVerify(IEnumerable<KnownKey> keys, byte[] token)
    {
        foreach (var key in keys)
        {
            try
            {
                var content = key.Verifier.Verify(token);
                if (content.LicenseServerProductId == key.Verifier.ProductId) return content;
            }
            catch (CalTokenException)
            {
                // Not this server's: try the next key.
            }
        }
        return null;
    }

    /// <summary>The retired first key the Product ID derives from, when the server rotated its key; null otherwise.</summary>
    private static RetiredKeyView? RotatedFrom(LicenseServerInfoView info) =>
        info.RetiredKeys?.FirstOrDefault(k =>
        {
            try { return LicenseServerIdentity.DeriveProductId(Convert.FromBase64String(k.PublicKey)) == info.ProductId; }
            catch (FormatException) { return false; }
        });

    /// <summary>The retired keys the server named (those that are not base64 are left out: they name no key).</summary>
    private static List<RetiredLicenseServerKeyRecord> RetiredIn(LicenseServerInfoView info, DateTimeOffset now)
    {
        var retired = new List<RetiredLicenseServerKeyRecord>();
        foreach (var k in info.RetiredKeys ?? [])
        {
            try { retired.Add(new RetiredLicenseServerKeyRecord(info.ProductId, Convert.FromBase64String(k.PublicKey), k.RetiredAt, k.Reason, now)); }
            catch (FormatException) { }
        }
        return retired;
    }

    private static bool IsRetired(IEnumerable<RetiredLicenseServerKeyRecord> retired, string productId, byte[] publicKey) =>
        retired.Any(r => r.ProductId == productId && r.PublicKey.AsSpan().SequenceEqual(publicKey));

    private static string Fingerprint(string publicKey)
    {
        try { return Core.Proof.ServerRequestProof.Fingerprint(Convert.FromBase64String(publicKey)); }
        catch (FormatException) { return "(unreadable)"; }
    }

    // Stored records were checked when learned (a rotated key keeps the Product ID it was learned with).
    private static KnownKey? ToKnown(LicenseServerKeyRecord record)
    {
        try { return new KnownKey(record, CalTokenVerifier.FromSubjectPublicKeyInfo(record.PublicKey, record.ProductId)); }
        catch (CalTokenException) { return null; }
    }
}
