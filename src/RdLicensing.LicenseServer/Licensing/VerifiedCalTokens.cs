using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using RdLicensing.Core.Cals;

namespace RdLicensing.LicenseServer.Licensing;

/// <summary>
/// A bounded cache of CAL tokens this server has verified with its current key, keyed by the SHA-256 of the token's bytes:
/// a device presenting the same CAL again costs a hash and a lookup instead of parsing the certificate and checking its
/// ECDSA signature. It caches only what the signature proves — the token's content, which the bytes fix — never a decision:
/// the CAL row is still read and decided on for every request, so a revoked, expired or replaced CAL is refused exactly as
/// before. An entry counts only for the key that verified it: after a rotation (a new <see cref="CalTokenService"/>) every
/// entry is dropped and a token of the retired key goes through the retired-key path again. Failures are not cached.
/// Two generations of at most half the capacity each: when the newer fills, the older is dropped, so the tokens presented
/// recently stay and memory stays bounded (about 300 bytes an entry).
/// </summary>
public sealed class VerifiedCalTokens(int capacity = VerifiedCalTokens.DefaultCapacity)
{
    public const int DefaultCapacity = 100_000;

    private readonly int _generationSize = Math.Max(1, capacity / 2);
    private volatile Generations _state = new(null, new Generation(), new Generation());
    private long _hits;
    private long _misses;
    private readonly Lock _rotation = new();

    /// <summary>Verifications answered from the cache, and those that checked a signature.</summary>
    public (long Hits, long Misses) Statistics => (Interlocked.Read(ref _hits), Interlocked.Read(ref _misses));

    /// <summary>What <paramref name="tokens"/>.Verify(<paramref name="token"/>) returns, from the cache when that key verified these bytes before.</summary>
    /// <exception cref="CalTokenException">As <see cref="CalTokenService.Verify"/>: the token is not one this key signed.</exception>
    public CalTokenContent Verify(CalTokenService tokens, byte[] token)
    {
        var key = TokenHash.Of(token);
        var state = _state;
        if (ReferenceEquals(state.Signer, tokens))
        {
            if (state.Current.Entries.TryGetValue(key, out var content) || state.Previous.Entries.TryGetValue(key, out content))
            {
                Interlocked.Increment(ref _hits);
                return content;
            }
        }
        Interlocked.Increment(ref _misses);
        var verified = tokens.Verify(token);
        Add(tokens, key, verified);
        return verified;
    }

    /// <summary>
    /// Issues a token with <paramref name="tokens"/> and keeps it as verified: this server just signed those bytes with that key,
    /// so the device's next presentation of them needs no signature check either.
    /// </summary>
    public byte[] Issue(CalTokenService tokens, CalTokenContent content)
    {
        var token = tokens.Issue(content);
        Add(tokens, TokenHash.Of(token), content);
        return token;
    }

    private void Add(CalTokenService tokens, TokenHash key, CalTokenContent content)
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
        public readonly ConcurrentDictionary<TokenHash, CalTokenContent> Entries = new();
        public long Count;
    }

    /// <summary>The SHA-256 of a token as four words: a dictionary key that allocates nothing.</summary>
    private readonly record struct TokenHash(ulong A, ulong B, ulong C, ulong D)
    {
        public static TokenHash Of(ReadOnlySpan<byte> token)
        {
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(token, hash);
            var words = MemoryMarshal.Cast<byte, ulong>(hash);
            return new TokenHash(words[0], words[1], words[2], words[3]);
        }
    }
}
