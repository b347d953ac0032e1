using System.Security.Cryptography;
using RdLicensing.Core.Signing;

namespace RdLicensing.Core.Codes;

/// <summary>
/// A grouped code whose content is signed by the clearinghouse over (kind, the license server's Product ID,
/// the content). The Product ID is not in the code: a code issued for another server, or altered, does not
/// verify here, although every group's check passes.
/// </summary>
internal static class SignedCode
{
    public const int SignatureBytes = 64;

    public static string Create(string kind, KeyAuthority authority, string productId, ReadOnlySpan<byte> content)
    {
        var signature = authority.Sign(SignedBytes(kind, productId, content));
        return GroupedCode.Encode(kind, [.. content, .. signature]);
    }

    public static byte[] Open(string kind, string? text, int contentBytes, string codeName, ClearinghouseCertificate clearinghouse, string productId)
    {
        var all = GroupedCode.Decode(kind, text, contentBytes + SignatureBytes, codeName);
        var content = all[..contentBytes];
        if (!clearinghouse.Verify(SignedBytes(kind, productId, content), all.AsSpan(contentBytes)))
            throw new SignedDocumentException(SignedDocumentError.BadSignature,
                $"the {codeName} was not issued for this license server ({productId}) by the trusted clearinghouse; every group is typed correctly, so it belongs to another server or clearinghouse");
        return content;
    }

    private static byte[] SignedBytes(string kind, string productId, ReadOnlySpan<byte> content) =>
        [.. System.Text.Encoding.ASCII.GetBytes($"rdlic-code/{kind}/{productId}/"), .. content];

    public static ushort ToDay(DateTimeOffset time) => checked((ushort)Math.Max(0, (time.UtcDateTime.Date - Epoch).TotalDays));

    public static DateTimeOffset FromDay(ushort day) => new(Epoch.AddDays(day), TimeSpan.Zero);

    public static readonly DateTime Epoch = new(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public static byte[] RandomSerial(int bytes) => RandomNumberGenerator.GetBytes(bytes);
}
