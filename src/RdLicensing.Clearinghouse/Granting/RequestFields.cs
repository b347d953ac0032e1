using System.Text.RegularExpressions;
using RdLicensing.Core.Cals;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Versions;

namespace RdLicensing.Clearinghouse.Granting;

/// <summary>Reads one request field each, or refuses naming it (as it is named in JSON) and saying what it must be.</summary>
public static partial class RequestFields
{
    public const int MaxTextLength = 200;

    [GeneratedRegex(@"^\d{5}-\d{5}-\d{5}-\d{5}$")]
    private static partial Regex ProductIdPattern();

    public static string ProductId(string? text, string field = "productId")
    {
        var productId = (text ?? "").Trim();
        if (productId.Length == 0)
            throw ClearinghouseRefusal.Invalid(field, "The Product ID is required: copy it from the license server (rdlic server status).");
        if (!ProductIdPattern().IsMatch(productId))
            throw ClearinghouseRefusal.Invalid(field, $"'{Shorten(productId)}' is not a Product ID: it has four groups of five digits, like 12345-67890-12345-67890.");
        return productId;
    }

    public static ProductVersion Version(string? text, string field)
    {
        if (ProductVersions.TryParse(text, out var version)) return version;
        var known = string.Join(", ", ProductVersions.All.Select(v => v.ToShortName()));
        throw ClearinghouseRefusal.Invalid(field, string.IsNullOrWhiteSpace(text)
            ? $"The product version is required: one of {known}."
            : $"'{Shorten(text)}' is not a product version: use one of {known}.");
    }

    public static CalType CalType(string? text, string field)
    {
        if (CalTypes.TryParse(text, out var type)) return type;
        throw ClearinghouseRefusal.Invalid(field, string.IsNullOrWhiteSpace(text)
            ? "The CAL type is required: per-device or per-user."
            : $"'{Shorten(text)}' is not a CAL type: use per-device or per-user.");
    }

    public static int Quantity(int? quantity, string field, int max = KeyPackGrant.MaxQuantity)
    {
        if (quantity is null)
            throw ClearinghouseRefusal.Invalid(field, $"The quantity is required: a whole number of CALs from 1 to {max}.");
        if (quantity < 1 || quantity > max)
            throw ClearinghouseRefusal.Invalid(field, $"The quantity must be from 1 to {max} CALs; {quantity} is not.");
        return quantity.Value;
    }

    public static LicenseProgram Program(string? text, string field = "program")
    {
        if (LicensePrograms.TryParse(text?.Trim(), out var program)) return program;
        var known = string.Join(", ", Enum.GetValues<LicenseProgram>().Select(p => p.ToShortName()));
        throw ClearinghouseRefusal.Invalid(field, string.IsNullOrWhiteSpace(text)
            ? $"The license program is required: one of {known}."
            : $"'{Shorten(text)}' is not a license program: use one of {known}.");
    }

    public static bool IsAgreementProgram(LicenseProgram program) => program is not (LicenseProgram.Retail or LicenseProgram.Open);

    /// <summary>Trimmed text, or null when empty; refuses text longer than <see cref="MaxTextLength"/>.</summary>
    public static string? Text(string? text, string field, string label)
    {
        var trimmed = text?.Trim();
        if (string.IsNullOrEmpty(trimmed)) return null;
        if (trimmed.Length > MaxTextLength || trimmed.Any(char.IsControl))
            throw ClearinghouseRefusal.Invalid(field, $"{label} must be at most {MaxTextLength} characters of text on one line.");
        return trimmed;
    }

    /// <summary>Echoes user input in a message without letting it run on.</summary>
    public static string Shorten(string? text) => text is { Length: > 40 } ? text[..40] + "…" : text ?? "";
}
