namespace RdLicensing.LicenseServer.Tests.Fuzz;

/// <summary>Tampered copies of a signed artifact: single bit flips, cut-short copies, garbage in place of base64.</summary>
internal static class ArtifactMutations
{
    /// <summary>Every character with each of its low seven bits flipped, one at a time.</summary>
    public static IEnumerable<(string What, string Text)> EveryBitOfEveryCharacter(string text)
    {
        for (var i = 0; i < text.Length; i++)
            for (var bit = 0; bit < 7; bit++)
                yield return ($"bit {bit} of character {i} flipped", Flip(text, i, bit));
    }

    /// <summary>Every character with one bit flipped (a different bit from one character to the next).</summary>
    public static IEnumerable<(string What, string Text)> OneBitOfEveryCharacter(string text)
    {
        for (var i = 0; i < text.Length; i++) yield return ($"bit {i % 7} of character {i} flipped", Flip(text, i, i % 7));
    }

    /// <summary>Every byte with one bit flipped (a different bit from one byte to the next).</summary>
    public static IEnumerable<(string What, byte[] Bytes)> OneBitOfEveryByte(byte[] data)
    {
        for (var i = 0; i < data.Length; i++)
        {
            var copy = data.ToArray();
            copy[i] ^= (byte)(1 << (i % 8));
            yield return ($"bit {i % 8} of byte {i} flipped", copy);
        }
    }

    /// <summary>Cut after 0 characters, then every <paramref name="step"/>, and one short of the whole.</summary>
    public static IEnumerable<(string What, string Text)> Truncations(string text, int step)
    {
        for (var length = 0; length < text.Length; length += step) yield return ($"cut to {length} characters", text[..length]);
        yield return ("last character cut", text[..^1]);
    }

    public static IEnumerable<(string What, byte[] Bytes)> Truncations(byte[] data, int step)
    {
        for (var length = 1; length < data.Length; length += step) yield return ($"cut to {length} bytes", data[..length]);
        yield return ("last byte cut", data[..^1]);
    }

    /// <summary>Text that is not the base64 of anything, or the base64 of something else.</summary>
    public static IEnumerable<(string What, string Text)> GarbageBase64(string base64, Random random)
    {
        var urlSafe = base64.Replace('+', '-').Replace('/', '_').TrimEnd('=');
        if (urlSafe != base64) yield return ("base64url instead of base64", urlSafe);
        if (base64.EndsWith('=')) yield return ("padding removed", base64.TrimEnd('='));
        yield return ("one character dropped", base64.Remove(base64.Length / 2, 1));
        yield return ("not base64 at all", "%%%" + base64[3..]);
        yield return ("a NUL in the middle", base64.Insert(base64.Length / 2, "\u0000"));
        for (var i = 0; i < 3; i++)
        {
            var bytes = new byte[random.Next(1, base64.Length)];
            random.NextBytes(bytes);
            yield return ($"base64 of {bytes.Length} random bytes", Convert.ToBase64String(bytes));
        }
    }

    private static string Flip(string text, int index, int bit) =>
        string.Concat(text.AsSpan(0, index), [(char)(text[index] ^ (1 << bit))], text.AsSpan(index + 1));
}
