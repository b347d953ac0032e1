using System.Globalization;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Signing;
using RdLicensing.Core.Versions;

namespace RdLicensing.Core.KeyPacks;

/// <summary>What a clearinghouse grants one license server: the content of a signed key pack file.</summary>
public sealed record KeyPackGrant(
    Guid KeyPackId,
    LicenseProgram Program,
    string ProgramReference,
    ProductVersion Version,
    CalType Type,
    int Quantity,
    DateTimeOffset? ExpiresAt,
    string Description,
    string LicenseServerProductId,
    DateTimeOffset SignedAt)
{
    public const int MaxQuantity = 1_000_000;

    public static readonly SignedDocumentSchema Schema = new("rdlic-keypack", 1,
    [
        "keyPackId", "program", "programReference", "productVersion", "calType", "quantity",
        "expiresAt", "description", "licenseServer", "clearinghouse", "signedAt",
    ]);

    public Dictionary<string, string> ToFields() => new(StringComparer.Ordinal)
    {
        ["keyPackId"] = KeyPackId.ToString("D"),
        ["program"] = Program.ToShortName(),
        ["programReference"] = ProgramReference,
        ["productVersion"] = Version.ToShortName(),
        ["calType"] = Type.ToShortName(),
        ["quantity"] = Quantity.ToString(CultureInfo.InvariantCulture),
        ["expiresAt"] = ExpiresAt is { } e ? FormatTime(e) : "never",
        ["description"] = Description,
        ["licenseServer"] = LicenseServerProductId,
        ["signedAt"] = FormatTime(SignedAt),
    };

    public KeyPack ToKeyPack(string clearinghouse, DateTimeOffset installedAt) => new(
        KeyPackId, Program, Version, Type, Quantity, 0, ExpiresAt, Description,
        new KeyPackOrigin(clearinghouse, LicenseServerProductId, ProgramReference, SignedAt), installedAt);

    /// <summary>Reads the granted values out of a document whose signature was already verified.</summary>
    public static KeyPackGrant FromFields(IReadOnlyDictionary<string, string> f)
    {
        if (!Guid.TryParseExact(f["keyPackId"], "D", out var id)) throw Bad("keyPackId is not a GUID");
        if (!LicensePrograms.TryParse(f["program"], out var program)) throw Bad($"unknown license program '{f["program"]}'");
        if (!ProductVersions.TryParse(f["productVersion"], out var version)) throw Bad($"unknown product version '{f["productVersion"]}'");
        if (!CalTypes.TryParse(f["calType"], out var type)) throw Bad($"unknown CAL type '{f["calType"]}'");
        if (!int.TryParse(f["quantity"], NumberStyles.None, CultureInfo.InvariantCulture, out var quantity) || quantity < 1 || quantity > MaxQuantity)
            throw Bad($"quantity must be a whole number from 1 to {MaxQuantity}");
        DateTimeOffset? expires = f["expiresAt"] == "never" ? null : ParseTime(f["expiresAt"], "expiresAt");
        return new KeyPackGrant(id, program, f["programReference"], version, type, quantity, expires,
            f["description"], f["licenseServer"], ParseTime(f["signedAt"], "signedAt"));
    }

    internal static string FormatTime(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    internal static DateTimeOffset ParseTime(string text, string field) =>
        DateTimeOffset.TryParseExact(text, "yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value)
            ? value
            : throw Bad($"{field} is not a UTC time like 2026-01-31T12:00:00Z");

    private static SignedDocumentException Bad(string message) => new(SignedDocumentError.Malformed, message);
}
