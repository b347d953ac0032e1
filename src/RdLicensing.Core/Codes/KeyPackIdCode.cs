using System.Buffers.Binary;
using RdLicensing.Core.Cals;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Signing;
using RdLicensing.Core.Versions;

namespace RdLicensing.Core.Codes;

/// <summary>
/// The license key pack ID of web and telephone installs: a key pack grant for one license server in
/// 34 groups of five, signed by the clearinghouse, installable offline. Keep it for support.
/// </summary>
public static class KeyPackIdCode
{
    public const string Kind = "KPID";
    private const byte FormatVersion = 1;
    private const int ContentBytes = 1 + 8 + 1 + 1 + 1 + 3 + 2 + 2;
    private const int MaxQuantity = 0xFF_FFFF;

    public static string Issue(KeyAuthority clearinghouse, KeyPackGrant grant)
    {
        var id = grant.KeyPackId.ToByteArray(bigEndian: true);
        if (id.AsSpan(8).ContainsAnyExcept((byte)0))
            throw new ArgumentException("A key pack that travels as a code has a 64-bit id: create it with KeyPackIdCode.NewKeyPackId().", nameof(grant));
        if (grant.Quantity > MaxQuantity) throw new ArgumentOutOfRangeException(nameof(grant), "Too many CALs for one key pack ID.");
        var content = new byte[ContentBytes];
        content[0] = FormatVersion;
        id.AsSpan(0, 8).CopyTo(content.AsSpan(1));
        content[9] = (byte)grant.Program;
        content[10] = (byte)ProductVersions.All.ToList().IndexOf(grant.Version);
        content[11] = (byte)grant.Type;
        content[12] = (byte)(grant.Quantity >> 16);
        BinaryPrimitives.WriteUInt16BigEndian(content.AsSpan(13), (ushort)grant.Quantity);
        BinaryPrimitives.WriteUInt16BigEndian(content.AsSpan(15), grant.ExpiresAt is { } e ? SignedCode.ToDay(e) : (ushort)0);
        BinaryPrimitives.WriteUInt16BigEndian(content.AsSpan(17), SignedCode.ToDay(grant.SignedAt));
        return SignedCode.Create(Kind, clearinghouse, grant.LicenseServerProductId, content);
    }

    /// <summary>A key pack id whose last 8 bytes are zero, so it fits a key pack ID code.</summary>
    public static Guid NewKeyPackId() => new([.. SignedCode.RandomSerial(8), .. new byte[8]], bigEndian: true);

    /// <summary>Only the per-group checks, for typing feedback before anything is sent.</summary>
    public static void CheckTyping(string? code) => GroupedCode.Decode(Kind, code, ContentBytes + SignedCode.SignatureBytes, "license key pack ID");

    /// <summary>The groups typed so far, each checked as soon as it is complete: feedback while the code is typed.</summary>
    public static TypingProgress CheckTypingSoFar(string? code) => CodeTyping.SoFar(Kind, code, ContentBytes + SignedCode.SignatureBytes, "license key pack ID");

    public static KeyPackGrant Verify(string? code, ClearinghouseCertificate clearinghouse, string productId)
    {
        var c = SignedCode.Open(Kind, code, ContentBytes, "license key pack ID", clearinghouse, productId);
        if (c[0] != FormatVersion || c[9] > (byte)LicenseProgram.Other || c[10] >= ProductVersions.All.Count || c[11] > 1)
            throw new SignedDocumentException(SignedDocumentError.WrongFormat, "the license key pack ID has a format this server cannot read");
        var expiryDay = BinaryPrimitives.ReadUInt16BigEndian(c.AsSpan(15));
        var normalized = GroupedCode.Normalize(code);
        return new KeyPackGrant(
            new Guid([.. c.AsSpan(1, 8), .. new byte[8]], bigEndian: true),
            (LicenseProgram)c[9],
            "key pack ID " + normalized[..10],
            ProductVersions.All[c[10]],
            (CalType)c[11],
            (c[12] << 16) | BinaryPrimitives.ReadUInt16BigEndian(c.AsSpan(13)),
            expiryDay == 0 ? null : SignedCode.FromDay(expiryDay),
            "Installed by license key pack ID",
            productId,
            SignedCode.FromDay(BinaryPrimitives.ReadUInt16BigEndian(c.AsSpan(17))));
    }
}
