using System.Buffers.Binary;
using RdLicensing.Core.Signing;

namespace RdLicensing.Core.Codes;

/// <summary>A deactivation confirmation read back and verified: which request code it answers and when.</summary>
public sealed record DeactivationConfirmation(string ProductId, string RequestNonce, DateTimeOffset ConfirmedAt);

/// <summary>
/// The clearinghouse's answer to a web or telephone deactivation (WMI's <c>DeactivateServer(sConfirmCode)</c>): it says
/// that the clearinghouse marked the license server deactivated in answer to one request code. Signed by the clearinghouse
/// for the Product ID (like the License Server ID) over the request code's nonce, so it verifies only on the server that
/// made that request, and only for that request. 30 groups of five.
/// </summary>
public static class DeactivationConfirmationCode
{
    public const string Kind = "DCNF";
    private const byte FormatVersion = 1;
    private const int NonceBytes = 6;
    private const int ContentBytes = 1 + NonceBytes + 2;

    /// <summary>The code for the request code whose nonce is <paramref name="requestNonce"/> (12 hexadecimal characters, as <c>ServerRequestCode.Read</c> gives it).</summary>
    public static string Issue(KeyAuthority clearinghouse, string productId, string requestNonce, DateTimeOffset now)
    {
        var nonce = Convert.FromHexString(requestNonce);
        if (nonce.Length != NonceBytes) throw new ArgumentException($"A request code's nonce has {NonceBytes} bytes.", nameof(requestNonce));
        var content = new byte[ContentBytes];
        content[0] = FormatVersion;
        nonce.CopyTo(content.AsSpan(1));
        BinaryPrimitives.WriteUInt16BigEndian(content.AsSpan(1 + NonceBytes), SignedCode.ToDay(now));
        return SignedCode.Create(Kind, clearinghouse, productId, content);
    }

    /// <summary>Checks the groups (<see cref="CodeFormatException"/>), then the signature for this Product ID (<see cref="SignedDocumentException"/>).</summary>
    public static DeactivationConfirmation Verify(string? code, ClearinghouseCertificate clearinghouse, string productId)
    {
        var content = SignedCode.Open(Kind, code, ContentBytes, "confirmation code", clearinghouse, productId);
        if (content[0] != FormatVersion)
            throw new SignedDocumentException(SignedDocumentError.WrongFormat, $"the confirmation code has format {content[0]}; this server reads format {FormatVersion}");
        return new DeactivationConfirmation(productId, Convert.ToHexStringLower(content.AsSpan(1, NonceBytes)),
            SignedCode.FromDay(BinaryPrimitives.ReadUInt16BigEndian(content.AsSpan(1 + NonceBytes))));
    }

    /// <summary>Only the per-group checks, for typing feedback before anything is sent.</summary>
    public static void CheckTyping(string? code) => GroupedCode.Decode(Kind, code, ContentBytes + SignedCode.SignatureBytes, "confirmation code");

    /// <summary>The groups typed so far, each checked as soon as it is complete: feedback while the code is typed.</summary>
    public static TypingProgress CheckTypingSoFar(string? code) => CodeTyping.SoFar(Kind, code, ContentBytes + SignedCode.SignatureBytes, "confirmation code");
}
