using System.Security.Cryptography;
using System.Text;

namespace RdLicensing.Core.Codes;

/// <summary>
/// The identifiers of the license programs, checked as typed: a 25-character retail license code with
/// two check characters, an Open License number (8 digits) and authorization number (15 letters or
/// digits), a 7-digit agreement or enrollment number.
/// </summary>
public static class LicenseIdentifiers
{
    private const int RetailDataChars = 23;

    /// <summary>The kind of a retail license code's per-group check characters (<see cref="GroupedCode"/>).</summary>
    internal const string RetailKind = "retail";

    /// <summary>
    /// A new retail license code: five groups of four data characters and a check character over the group and its
    /// position, as the other grouped codes, so a mistyped group is named as it is typed.
    /// </summary>
    public static string NewRetailCode() => string.Join('-', Enumerable.Range(0, 5).Select(g =>
    {
        var data = new string(Enumerable.Range(0, 4)
            .Select(_ => GroupedCode.Alphabet[RandomNumberGenerator.GetInt32(GroupedCode.Alphabet.Length)]).ToArray());
        return data + GroupedCode.CheckCharacter(RetailKind, g, data);
    }));

    /// <summary>Whether group <paramref name="group"/> (0-based) of a retail code passes its own check character.</summary>
    public static bool RetailGroupIsValid(int group, string text) => GroupedCode.GroupIsValid(RetailKind, group, text);

    /// <summary>
    /// The code in canonical form <c>XXXXX-XXXXX-XXXXX-XXXXX-XXXXX</c>, or a message saying what is wrong and, when one
    /// group fails its check character, which. A code issued before the per-group checks (two check characters over the
    /// whole code) is still accepted whole.
    /// </summary>
    public static bool TryParseRetailCode(string? text, out string code, out string error) => TryParseRetailCode(text, out code, out error, out _);

    /// <param name="wrongGroup">The first group (1-based) that fails its check character, when one is named.</param>
    public static bool TryParseRetailCode(string? text, out string code, out string error, out int? wrongGroup)
    {
        var normalized = GroupedCode.Normalize(text);
        code = "";
        wrongGroup = null;
        if (normalized.Length != 25)
        {
            error = $"A license code has 25 characters (XXXXX-XXXXX-XXXXX-XXXXX-XXXXX); this one has {normalized.Length}.";
            return false;
        }
        var bad = normalized.FirstOrDefault(c => GroupedCode.Alphabet.IndexOf(c) < 0);
        var wrong = Enumerable.Range(0, 5).FirstOrDefault(g => !RetailGroupIsValid(g, normalized.Substring(g * 5, 5)), -1);
        if (bad != '\0' || (wrong >= 0 && LegacyRetailCheck(normalized[..RetailDataChars]) != normalized[RetailDataChars..]))
        {
            var at = bad != '\0' ? normalized.IndexOf(bad) / 5 : wrong;
            wrongGroup = at + 1;
            error = $"The license code is mistyped: group {at + 1} ({normalized.Substring(at * 5, 5)}) is wrong. Check it against your purchase and type it again.";
            return false;
        }
        code = GroupedCode.Format(normalized);
        error = "";
        return true;
    }

    public static bool IsOpenLicenseNumber(string? text) => text is { Length: 8 } && text.All(char.IsAsciiDigit);

    public static bool IsAuthorizationNumber(string? text) => text is { Length: 15 } && text.All(char.IsAsciiLetterOrDigit);

    public static bool IsAgreementNumber(string? text) => text is { Length: 7 } && text.All(char.IsAsciiDigit);

    /// <summary>The two check characters over the whole code of the retail codes issued before the per-group checks.</summary>
    private static string LegacyRetailCheck(string data)
    {
        var hash = SHA256.HashData(Encoding.ASCII.GetBytes("RETAIL/" + data));
        return new string([GroupedCode.Alphabet[hash[0] & 31], GroupedCode.Alphabet[hash[1] & 31]]);
    }
}
