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
/// and kept in the store, so a presented CAL is verified even while every license server is down.
/// </summary>
public sealed class LicenseServerKeys(SessionHostStore store, LicenseServerCalls calls, TimeProvider clock)
{
    private readonly SemaphoreSlim _loading = new(1, 1);
    private volatile IReadOnlyList<KnownKey>? _known;

    public async Task<IReadOnlyList<KnownKey>> KnownAsync(CancellationToken cancellationToken)
    {
        if (_known is { } known) return known;
        await _loading.WaitAsync(cancellationToken);
        try
        {
            return _known ??= (await store.KeysAsync(cancellationToken)).Select(ToKnown).OfType<KnownKey>().ToList();
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

    /// <summary>Asks the server for its key and keeps it; the problem says why not when it could not.</summary>
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

        var known = await KnownAsync(cancellationToken);
        var same = known.FirstOrDefault(k => k.Record.ProductId == key.Record.ProductId);
        if (same is not null && same.Record.Url == url && same.Record.Version == version && same.Record.PublicKey.AsSpan().SequenceEqual(publicKey)) return (same, null);
        var retiredNote = info.RetiredKeys is { Count: > 0 } retiredKeys
            ? $" Keys it retired: {string.Join("; ", retiredKeys.Select(k => $"{Fingerprint(k.PublicKey)} on {k.RetiredAt:yyyy-MM-dd} ({k.Reason})"))}; CALs they signed are no longer accepted without asking the license server, which signs them again."
            : "";
        await store.WriteAsync(async s =>
        {
            await s.SetKeyAsync(key.Record);
            await s.AddEventAsync(key.Record.LearnedAt, new PendingSessionHostEvent(SessionHostEventId.LicenseServerKeyLearned,
                $"Learned the CAL signing key of license server {url} (Product ID {info.ProductId}, {version.ToDisplayName()}): CALs it issues are now verified by this host alone." + retiredNote,
                LicenseServer: url));
        }, cancellationToken);
        _known = [.. known.Where(k => k.Record.ProductId != key.Record.ProductId), key];
        return (key, null);
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
