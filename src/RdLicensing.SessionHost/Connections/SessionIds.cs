using System.Security.Cryptography;

namespace RdLicensing.SessionHost.Connections;

/// <summary>
/// Session ids: "s-" and 32 hex digits (128 random bits). Ending, signing in or touching a session needs no
/// credential — it is the client's own — so the id is the secret: one client cannot guess another's.
/// </summary>
public static class SessionIds
{
    public const int RandomBytes = 16;

    public const int Length = 2 + RandomBytes * 2;

    public static string New() => "s-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(RandomBytes));

    public static bool LooksValid(string? id) => id is { Length: Length } && id.StartsWith("s-", StringComparison.Ordinal) && id[2..].All(char.IsAsciiHexDigitLower);
}
