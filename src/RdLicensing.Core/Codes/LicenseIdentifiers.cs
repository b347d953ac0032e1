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

    public static string NewRetailCode()
    {
        var data = new string(Enumerable.Range(0, RetailDataChars)
            .Select(_ => GroupedCode.Alphabet[RandomNumberGenerator.GetInt32(GroupedCode.Alphabet.Length)]).ToArray());
        return GroupedCode.Format(data + RetailCheck(data));
    }

    /// <summary>The code in canonical form <c>XXXXX-XXXXX-XXXXX-XXXXX-XXXXX</c>, or a message saying what is wrong.</summary>
    public static bool TryParseRetailCode(string? text, out string code, out string error)
    {
        var normalized = GroupedCode.Normalize(text);
        code = "";
        if (normalized.Length != 25)
        {
            error = $"A license code has 25 characters (XXXXX-XXXXX-XXXXX-XXXXX-XXXXX); this one has {normalized.Length}.";
            return false;
        }
        if (normalized.Any(c => GroupedCode.Alphabet.IndexOf(c) < 0) || RetailCheck(normalized[..RetailDataChars]) != normalized[RetailDataChars..])
        {
            error = "The license code is mistyped: check each character against your purchase and type it again.";
            return false;
        }
        code = GroupedCode.Format(normalized);
        error = "";
        return true;
    }

    public static bool IsOpenLicenseNumber(string? text) => text is { Length: 8 } && text.All(char.IsAsciiDigit);

    public static bool IsAuthorizationNumber(string? text) => text is { Length: 15 } && text.All(char.IsAsciiLetterOrDigit);

    public static bool IsAgreementNumber(string? text) => text is { Length: 7 } && text.All(char.IsAsciiDigit);

    private static string RetailCheck(string data)
    {
        var hash = SHA256.HashData(Encoding.ASCII.GetBytes("RETAIL/" + data));
        return new string([GroupedCode.Alphabet[hash[0] & 31], GroupedCode.Alphabet[hash[1] & 31]]);
    }
}
