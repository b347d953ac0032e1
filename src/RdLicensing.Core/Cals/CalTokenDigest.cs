using System.Buffers.Binary;
using System.Security.Cryptography;

namespace RdLicensing.Core.Cals;

/// <summary>
/// What a license server records of each CAL token it signs, so that a device presenting that token again is known by a hash
/// instead of an ECDSA signature check — after a restart and on every node too: HMAC-SHA256 of the token's bytes, keyed by
/// the SHA-256 of the signing key's SubjectPublicKeyInfo (<see cref="CalTokenService.Digest"/>). The key is public: the
/// digest is no secret and proves nothing to anyone else. It binds the token to the key that signed it, so after a key
/// rotation no recorded digest matches the new key's and a token of the retired key is checked, and signed again, as before.
/// Four words: a dictionary key and a comparison that allocate nothing.
/// </summary>
public readonly record struct CalTokenDigest(ulong A, ulong B, ulong C, ulong D)
{
    public const int Size = 32;

    /// <summary>The digest of <paramref name="token"/> under the key whose SubjectPublicKeyInfo hashes to <paramref name="keyTag"/>.</summary>
    public static CalTokenDigest Of(ReadOnlySpan<byte> keyTag, ReadOnlySpan<byte> token)
    {
        Span<byte> mac = stackalloc byte[Size];
        HMACSHA256.HashData(keyTag, token, mac);
        return FromSpan(mac);
    }

    public byte[] ToArray()
    {
        var bytes = new byte[Size];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, A);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(8), B);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(16), C);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(24), D);
        return bytes;
    }

    /// <summary>Whether <paramref name="stored"/> (a row's recorded digest, or null) is this digest.</summary>
    public bool Matches(byte[]? stored) => stored is { Length: Size }
        && BinaryPrimitives.ReadUInt64LittleEndian(stored) == A && BinaryPrimitives.ReadUInt64LittleEndian(stored.AsSpan(8)) == B
        && BinaryPrimitives.ReadUInt64LittleEndian(stored.AsSpan(16)) == C && BinaryPrimitives.ReadUInt64LittleEndian(stored.AsSpan(24)) == D;

    private static CalTokenDigest FromSpan(ReadOnlySpan<byte> bytes) => new(
        BinaryPrimitives.ReadUInt64LittleEndian(bytes), BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..]),
        BinaryPrimitives.ReadUInt64LittleEndian(bytes[16..]), BinaryPrimitives.ReadUInt64LittleEndian(bytes[24..]));
}
