using RdLicensing.Core.Cals;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;

namespace RdLicensing.Storage;

// What the clearinghouse store holds, as the clearinghouse service reads it.

public static class ActivationStatus
{
    public const string Active = "active";
    public const string Superseded = "superseded";
    public const string Deactivated = "deactivated";
}

public static class InstallStatus
{
    public const string Active = "active";
    public const string Moved = "moved";
    public const string Removed = "removed";
    /// <summary>Every license of the pack was converted to the other CAL type; MovedTo names the new pack.</summary>
    public const string Converted = "converted";
}

/// <summary>One License Server ID issued for a Product ID, with the company information given at the time.</summary>
public sealed record ActivationRecord(
    long Id,
    string ProductId,
    string LicenseServerId,
    long Serial,
    string Method,
    string Status,
    CompanyInformation Company,
    string? Reason,
    DateTimeOffset ActivatedAt,
    DateTimeOffset ExpiresAt);

public sealed record RetailCodeRecord(string Code, ProductVersion Version, CalType Type, int Quantity, DateTimeOffset CreatedAt,
    string? UsedByProductId, DateTimeOffset? UsedAt);

public sealed record OpenLicenseRecord(string LicenseNumber, string AuthorizationNumber, ProductVersion Version, CalType Type, int Quantity,
    DateTimeOffset CreatedAt, string? UsedByProductId, DateTimeOffset? UsedAt);

public sealed record EntitlementRecord(ProductVersion Version, CalType Type, int Quantity, int Drawn)
{
    public int Remaining => Quantity - Drawn;
}

public sealed record AgreementRecord(long Id, LicenseProgram Program, string Number, DateTimeOffset CreatedAt, IReadOnlyList<EntitlementRecord> Entitlements);

/// <summary>A key pack granted to a license server. MovedTo names the key pack that replaced it in a migration.</summary>
public sealed record InstallRecord(
    Guid KeyPackId,
    string ProductId,
    LicenseProgram Program,
    string Identifier,
    ProductVersion Version,
    CalType Type,
    int Quantity,
    DateTimeOffset? ExpiresAt,
    string Description,
    string Status,
    DateTimeOffset InstalledAt,
    Guid? MovedTo = null);

/// <summary>One Convert Licenses: <see cref="Quantity"/> licenses of the source pack became the converted pack of the other CAL type.</summary>
public sealed record ConversionRecord(
    Guid SourceKeyPackId,
    Guid ConvertedKeyPackId,
    string ProductId,
    ProductVersion Version,
    CalType FromType,
    CalType ToType,
    int Quantity,
    int SourceQuantityBefore,
    DateTimeOffset ConvertedAt);

/// <summary>A license server identity key the clearinghouse recorded; the current one has no <see cref="RetiredAt"/>.</summary>
public sealed record ServerKeyRecord(long Id, string ProductId, byte[] PublicKey, string Fingerprint, string? InstallationId,
    DateTimeOffset RecordedAt, DateTimeOffset? RetiredAt, string? RetiredReason);

public static class MigrationKind
{
    /// <summary>The running source signed its own release.</summary>
    public const string Live = "live";
    /// <summary>The target proved the purchase identifiers of a source that no longer functions.</summary>
    public const string Dead = "dead";
}

/// <summary>One key pack a migration took from a source license server; <see cref="NewKeyPackId"/> is the target's pack once claimed.</summary>
public sealed record MigrationRecord(Guid SourceKeyPackId, string Kind, string SourceProductId, string TargetProductId, int Quantity,
    DateTimeOffset RecordedAt, Guid? NewKeyPackId, DateTimeOffset? ClaimedAt, DateTimeOffset? NotifiedAt);

