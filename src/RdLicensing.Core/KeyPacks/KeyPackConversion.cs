using RdLicensing.Core.Cals;
using RdLicensing.Core.Signing;
using RdLicensing.Core.Versions;

namespace RdLicensing.Core.KeyPacks;

/// <summary>
/// Convert Licenses (RD Licensing Manager, Windows Server 2012 and later): unissued licenses of an installed key pack
/// become licenses of the other CAL type, same version, program and expiry. Only the clearinghouse converts: it answers
/// with the source pack signed again with its total reduced (or nothing, when the whole pack was converted) and a new
/// pack of the other type, and the license server applies exactly what <see cref="VerifyAnswer"/> accepts.
/// </summary>
public static class KeyPackConversion
{
    /// <summary>Key packs of Windows Server 2008 R2 and earlier cannot be converted.</summary>
    public const ProductVersion FirstConvertibleVersion = ProductVersion.WindowsServer2012;

    public static bool IsConvertible(ProductVersion version) => version >= FirstConvertibleVersion;

    /// <summary>Per Device ↔ Per User.</summary>
    public static CalType TargetOf(CalType type) => type == CalType.PerDevice ? CalType.PerUser : CalType.PerDevice;

    /// <summary>"10 Windows Server 2022 RDS Per Device CALs" style wording for messages.</summary>
    public static string Describe(int quantity, ProductVersion version, CalType type) =>
        $"{quantity} {version.ToDisplayName()} {type.ToDisplayName()}{(quantity == 1 ? "" : "s")}";

    /// <summary>
    /// Checks the clearinghouse's answer to "convert <paramref name="quantity"/> licenses of <paramref name="source"/>"
    /// before anything is applied: both files are verified like any key pack file (signed by the trusted clearinghouse,
    /// for this license server, hostable, not expired), and together they must hold exactly the licenses the source
    /// held — the source's id with its total reduced by the quantity, and a new pack of the other type for the quantity,
    /// same version, program and expiry. A replayed, edited or forged answer fails one of these and changes nothing.
    /// </summary>
    /// <param name="remainingFile">The source pack signed again with its reduced total; null only when the whole pack is converted.</param>
    /// <exception cref="KeyPackRejectedException">The answer is not exactly the requested conversion, signed by the clearinghouse.</exception>
    public static (KeyPackGrant? Remaining, KeyPackGrant Converted) VerifyAnswer(KeyPack source, int quantity, string? remainingFile, string convertedFile,
        ClearinghouseCertificate clearinghouse, string productId, ProductVersion serverVersion, DateTimeOffset now)
    {
        var converted = KeyPackVerifier.Verify(convertedFile, clearinghouse, productId, serverVersion, now);
        var target = TargetOf(source.Type);
        if (converted.KeyPackId == source.Id)
            throw Mismatch("the converted key pack has the id of the pack it was converted from");
        if (converted.Type != target || converted.Version != source.Version)
            throw Mismatch($"the converted key pack holds {converted.Version.ToDisplayName()} {converted.Type.ToDisplayName()}s, not {source.Version.ToDisplayName()} {target.ToDisplayName()}s");
        if (converted.Quantity != quantity)
            throw Mismatch($"the converted key pack holds {converted.Quantity} license(s), not the {quantity} asked for");
        if (converted.Program != source.Program || converted.ExpiresAt != source.ExpiresAt)
            throw Mismatch("the converted key pack is not of the same license program and expiry as the pack it was converted from");

        var left = source.Total - quantity;
        if (left == 0)
        {
            if (remainingFile is not null) throw Mismatch("the whole pack was converted, yet a remaining pack came with it");
            return (null, converted);
        }
        if (remainingFile is null) throw Mismatch($"the source pack signed again with {left} license(s) is missing");
        var remaining = KeyPackVerifier.Verify(remainingFile, clearinghouse, productId, serverVersion, now);
        if (remaining.KeyPackId != source.Id)
            throw Mismatch($"the remaining pack is key pack {remaining.KeyPackId}, not {source.Id}");
        if (remaining.Type != source.Type || remaining.Version != source.Version || remaining.Program != source.Program || remaining.ExpiresAt != source.ExpiresAt)
            throw Mismatch("the remaining pack is not the same version, CAL type, program and expiry as before");
        if (remaining.Quantity != left)
            throw Mismatch($"the remaining pack holds {remaining.Quantity} license(s), not {source.Total} − {quantity} = {left}");
        return (remaining, converted);
    }

    private static KeyPackRejectedException Mismatch(string why) =>
        new(KeyPackRejection.ConversionMismatch, $"The clearinghouse's answer is not the conversion that was asked for: {why}.");
}
