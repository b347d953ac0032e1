using RdLicensing.Core.Cals;
using RdLicensing.Core.Versions;

namespace RdLicensing.Core.KeyPacks;

/// <summary>An installed key pack. <see cref="Issued"/> counts the issued CALs that hold one of its licenses.</summary>
public sealed record KeyPack(
    Guid Id,
    LicenseProgram Program,
    ProductVersion Version,
    CalType Type,
    int Total,
    int Issued,
    DateTimeOffset? ExpiresAt,
    string Description,
    KeyPackOrigin Origin,
    DateTimeOffset InstalledAt)
{
    public int Available => Math.Max(0, Total - Issued);

    public bool IsExpired(DateTimeOffset now) => ExpiresAt is { } expires && expires <= now;
}

/// <summary>Who signed the pack (clearinghouse thumbprint), for which license server, and the program reference.</summary>
public sealed record KeyPackOrigin(string Clearinghouse, string LicenseServerProductId, string ProgramReference, DateTimeOffset SignedAt);
