namespace RdLicensing.Rdp.Tests;

/// <summary>Vectors and spec examples are quoted as their sources print them: hex pairs, any whitespace between.</summary>
internal static class Hex
{
    public static byte[] Bytes(string hex) => Convert.FromHexString(string.Concat(hex.Where(c => !char.IsWhiteSpace(c))));

    public static string Of(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);
}
