using System.Security.Cryptography;
using System.Text;

namespace RdLicensing.Core.Codes;

/// <summary>A typed code was mistyped: names the group (1-based) when one group is wrong.</summary>
public sealed class CodeFormatException(string message, int? group = null) : FormatException(message)
{
    public int? Group { get; } = group;
}

/// <summary>
/// Codes people type or read over the telephone: upper-case groups of five characters, four carrying
/// data (Crockford base32: no I, L, O, U) and one check character over the group, its position and the
/// kind of code. A mistyped group is named before anything is sent; a code of one kind typed where
/// another is expected fails at group 1.
/// </summary>
public static class GroupedCode
{
    public const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private const int DataPerGroup = 4;

    public static string Encode(string kind, ReadOnlySpan<byte> data)
    {
        var symbols = ToSymbols(data);
        while (symbols.Count % DataPerGroup != 0) symbols.Add(0);
        var groups = new List<string>();
        for (var g = 0; g < symbols.Count / DataPerGroup; g++)
        {
            var chars = symbols.GetRange(g * DataPerGroup, DataPerGroup).Select(s => Alphabet[s]).ToArray();
            groups.Add(new string(chars) + Check(kind, g, chars));
        }
        return string.Join('-', groups);
    }

    /// <summary>Checks every group, then returns exactly <paramref name="byteCount"/> bytes.</summary>
    public static byte[] Decode(string kind, string? text, int byteCount, string codeName)
    {
        var normalized = Normalize(text);
        var expectedGroups = GroupCount(byteCount);
        if (normalized.Length == 0)
            throw new CodeFormatException($"The {codeName} is empty: type all {expectedGroups} groups of five characters.");
        if (normalized.Length % 5 != 0 || normalized.Length / 5 != expectedGroups)
            throw new CodeFormatException($"The {codeName} has {normalized.Length} characters; it must have {expectedGroups} groups of five ({expectedGroups * 5} characters).");
        var symbols = new List<int>();
        for (var g = 0; g < expectedGroups; g++)
        {
            var group = normalized.Substring(g * 5, 5);
            if (!GroupIsValid(kind, g, group))
                throw new CodeFormatException($"The {codeName} is mistyped: group {g + 1} ({group}) is wrong. Check it and type it again.", g + 1);
            symbols.AddRange(group[..DataPerGroup].Select(c => Alphabet.IndexOf(c)));
        }
        return FromSymbols(symbols, byteCount);
    }

    /// <summary>The number of groups of five a code of <paramref name="byteCount"/> bytes has.</summary>
    public static int GroupCount(int byteCount) => (int)Math.Ceiling(Math.Ceiling(byteCount * 8 / 5.0) / DataPerGroup);

    /// <summary>Whether group <paramref name="group"/> (0-based) of five characters is typed correctly: the one check <see cref="Decode"/> and typing feedback share.</summary>
    internal static bool GroupIsValid(string kind, int group, string text) =>
        text.Length == 5 && text.All(c => Alphabet.Contains(c)) && Check(kind, group, text[..DataPerGroup].ToCharArray()) == text[DataPerGroup];

    /// <summary>Upper-cases, drops spaces and hyphens, and reads O as 0 and I/L as 1, as people type them.</summary>
    public static string Normalize(string? text) => new((text ?? "")
        .Where(c => !char.IsWhiteSpace(c) && c != '-')
        .Select(c => char.ToUpperInvariant(c) switch { 'O' => '0', 'I' or 'L' => '1', var u => u })
        .ToArray());

    /// <summary>Groups of five joined by hyphens, whatever the input spacing.</summary>
    public static string Format(string normalized) => string.Join('-', normalized.Chunk(5).Select(g => new string(g)));

    /// <summary>The check character of group <paramref name="group"/> (0-based) with four data characters <paramref name="data"/>.</summary>
    internal static char CheckCharacter(string kind, int group, string data) => Check(kind, group, data.ToCharArray());

    private static char Check(string kind, int group, char[] data)
    {
        var hash = SHA256.HashData(Encoding.ASCII.GetBytes($"{kind}/{group}/{new string(data)}"));
        return Alphabet[hash[0] & 31];
    }

    private static List<int> ToSymbols(ReadOnlySpan<byte> data)
    {
        var symbols = new List<int>();
        int buffer = 0, bits = 0;
        foreach (var b in data)
        {
            buffer = (buffer << 8) | b;
            bits += 8;
            while (bits >= 5)
            {
                symbols.Add((buffer >> (bits - 5)) & 31);
                bits -= 5;
            }
        }
        if (bits > 0) symbols.Add((buffer << (5 - bits)) & 31);
        return symbols;
    }

    private static byte[] FromSymbols(List<int> symbols, int byteCount)
    {
        var bytes = new byte[byteCount];
        int buffer = 0, bits = 0, index = 0;
        foreach (var s in symbols)
        {
            buffer = ((buffer << 5) | s) & 0xFFFF;
            bits += 5;
            if (bits >= 8 && index < byteCount)
            {
                bytes[index++] = (byte)(buffer >> (bits - 8));
                bits -= 8;
            }
        }
        return bytes;
    }
}
