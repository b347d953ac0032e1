using System.Security.Cryptography;

namespace RdLicensing.SessionHost.Connections;

/// <summary>Session ids: "s-" and 16 random hex digits, so one client cannot guess another's session.</summary>
public static class SessionIds
{
    public static string New() => "s-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    public static bool LooksValid(string? id) => id is { Length: 18 } && id.StartsWith("s-", StringComparison.Ordinal) && id[2..].All(char.IsAsciiHexDigitLower);
}
