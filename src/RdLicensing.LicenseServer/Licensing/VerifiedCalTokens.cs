using System.Collections.Concurrent;
using RdLicensing.Core.Cals;

namespace RdLicensing.LicenseServer.Licensing;

/// <summary>
/// A bounded cache of CAL tokens this server has verified with its current key, keyed by the token's digest under that key
/// (<see cref="CalTokenDigest"/>): a device presenting the same CAL again costs a hash and a lookup instead of parsing the
/// certificate and checking its ECDSA signature. It caches only what the signature proves — the token's content, which the
/// bytes fix — never a decision: the CAL row is still read and decided on for every request, so a revoked, expired or replaced
/// CAL is refused exactly as before. An entry counts only for the key that verified it: after a rotation (a new
/// <see cref="CalTokenService"/>) every entry is dropped and a token of the retired key goes through the retired-key path again.
/// Failures are not cached. Two generations of at most half the capacity each: when the newer fills, the older is dropped, so
/// the tokens presented recently stay and memory stays bounded (about 300 bytes an entry).
/// What this process has not seen since it started — and what another node issued — the CAL row's recorded digest answers
/// (<see cref="CalIssuer"/>); the signature is checked only when neither knows the token.
/// </summary>
public sealed class VerifiedCalTokens(int capacity = VerifiedCalTokens.DefaultCapacity)
{
    public const int DefaultCapacity = 100_000;

    private readonly int _generationSize = Math.Max(1, capacity / 2);
    private volatile Generations _state = new(null, new Generation(), new Generation());
    private long _hits;
    private long _misses;
    private long _storedMatches;
    private readonly Lock _rotation = new();

    /// <summary>Verifications answered from the cache, and those that checked a signature.</summary>
    public (long Hits, long Misses) Statistics => (Interlocked.Read(ref _hits), Interlocked.Read(ref _misses));

    /// <summary>Presented tokens known by the digest their CAL row records (neither a cache hit nor a signature check).</summary>
    public long StoredMatches => Interlocked.Read(ref _storedMatches);

    /// <summary>What <paramref name="tokens"/>.Verify(<paramref name="token"/>) returns, from the cache when that key verified these bytes before.</summary>
    /// <exception cref="CalTokenException">As <see cref="CalTokenService.Verify"/>: the token is not one this key signed.</exception>
    public CalTokenContent Verify(CalTokenService tokens, byte[] token)
    {
        var digest = tokens.Digest(token);
        return Cached(tokens, digest) ?? VerifySignature(tokens, token, digest);
    }

    /// <summary>The content of the token with <paramref name="digest"/> if this key verified or signed it recently (a hit), else null.</summary>
    public CalTokenContent? Cached(CalTokenService tokens, CalTokenDigest digest)
    {
        var state = _state;
        if (!ReferenceEquals(state.Signer, tokens)) return null;
        if (!state.Current.Entries.TryGetValue(digest, out var content) && !state.Previous.Entries.TryGetValue(digest, out content)) return null;
        Interlocked.Increment(ref _hits);
        return content;
    }

    /// <summary>Checks the token's signature (a miss) and keeps it as verified.</summary>
    /// <exception cref="CalTokenException">The token is not one this key signed.</exception>
    public CalTokenContent VerifySignature(CalTokenService tokens, byte[] token, CalTokenDigest digest)
    {
        Interlocked.Increment(ref _misses);
        var verified = tokens.Verify(token);
        Add(tokens, digest, verified);
        return verified;
    }

    /// <summary>Counts a presented token known by its CAL row's recorded digest.</summary>
    public void CountStoredMatch() => Interlocked.Increment(ref _storedMatches);

    /// <summary>
    /// Issues a token with <paramref name="tokens"/> and keeps it as verified: this server just signed those bytes with that key,
    /// so the device's next presentation of them needs no signature check either. The digest is the one to record in the CAL row.
    /// </summary>
    public (byte[] Token, CalTokenDigest Digest) Issue(CalTokenService tokens, CalTokenContent content)
    {
        var token = tokens.Issue(content);
        var digest = tokens.Digest(token);
        Add(tokens, digest, content);
        return (token, digest);
    }

    private void Add(CalTokenService tokens, CalTokenDigest key, CalTokenContent content)
    {
        var state = _state;
        if (!ReferenceEquals(state.Signer, tokens))
        {
            // Another key signs now (a rotation, or the first verification): nothing verified by the former one is kept.
            state = new Generations(tokens, new Generation(), new Generation());
            _state = state;
        }
        if (state.Current.Entries.TryAdd(key, content) && Interlocked.Increment(ref state.Current.Count) >= _generationSize)
        {
            lock (_rotation)
            {
                if (ReferenceEquals(_state, state)) _state = state with { Current = new Generation(), Previous = state.Current };
            }
        }
    }

    /// <summary>Drops every entry: for tests, and whenever the keys a token may be verified with change.</summary>
    public void Clear() => _state = new Generations(null, new Generation(), new Generation());

    private sealed record Generations(CalTokenService? Signer, Generation Current, Generation Previous);

    private sealed class Generation
    {
        public readonly ConcurrentDictionary<CalTokenDigest, CalTokenContent> Entries = new();
        public long Count;
    }
}
