using System.Buffers.Binary;
using RdLicensing.Core.Activation;
using RdLicensing.Core.Signing;

namespace RdLicensing.Core.Codes;

/// <summary>
/// The License Server ID: the clearinghouse's signed statement that a Product ID is activated, with the
/// activation's serial, issue day and expiry day. 30 groups of five; verifiable offline.
/// </summary>
public static class LicenseServerIdCode
{
    public const string Kind = "LSID";
    private const byte FormatVersion = 1;
    private const int ContentBytes = 1 + 4 + 2 + 2;

    public static string Issue(KeyAuthority clearinghouse, string productId, uint serial, DateTimeOffset issuedAt, DateTimeOffset expiresAt)
    {
        var content = new byte[ContentBytes];
        content[0] = FormatVersion;
        BinaryPrimitives.WriteUInt32BigEndian(content.AsSpan(1), serial);
        BinaryPrimitives.WriteUInt16BigEndian(content.AsSpan(5), SignedCode.ToDay(issuedAt));
        BinaryPrimitives.WriteUInt16BigEndian(content.AsSpan(7), SignedCode.ToDay(expiresAt));
        return SignedCode.Create(Kind, clearinghouse, productId, content);
    }

    /// <summary>Checks the groups (<see cref="CodeFormatException"/>), then the signature for this Product ID (<see cref="SignedDocumentException"/>).</summary>
    public static ActivationCertificate Verify(string? code, ClearinghouseCertificate clearinghouse, string productId)
    {
        var content = SignedCode.Open(Kind, code, ContentBytes, "License Server ID", clearinghouse, productId);
        if (content[0] != FormatVersion)
            throw new SignedDocumentException(SignedDocumentError.WrongFormat, $"the License Server ID has format {content[0]}; this server reads format {FormatVersion}");
        return new ActivationCertificate(
            productId,
            GroupedCode.Format(GroupedCode.Normalize(code)),
            BinaryPrimitives.ReadUInt32BigEndian(content.AsSpan(1)),
            SignedCode.FromDay(BinaryPrimitives.ReadUInt16BigEndian(content.AsSpan(5))),
            SignedCode.FromDay(BinaryPrimitives.ReadUInt16BigEndian(content.AsSpan(7))));
    }

    /// <summary>Only the per-group checks, for typing feedback before anything is sent.</summary>
    public static void CheckTyping(string? code) => GroupedCode.Decode(Kind, code, ContentBytes + SignedCode.SignatureBytes, "License Server ID");

    /// <summary>The groups typed so far, each checked as soon as it is complete: feedback while the code is typed.</summary>
    public static TypingProgress CheckTypingSoFar(string? code) => CodeTyping.SoFar(Kind, code, ContentBytes + SignedCode.SignatureBytes, "License Server ID");
}
