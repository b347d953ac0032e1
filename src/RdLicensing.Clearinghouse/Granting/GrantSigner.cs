using RdLicensing.Clearinghouse.Hosting;
using RdLicensing.Core.Cals;
using RdLicensing.Core.Codes;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using RdLicensing.Storage;

namespace RdLicensing.Clearinghouse.Granting;

/// <summary>Turns a recorded install into what the license server installs: the signed key pack file and the key pack ID code.</summary>
public sealed class GrantSigner(ClearinghouseKeys keys)
{
    public GrantedKeyPack Sign(InstallRecord install, DateTimeOffset now)
    {
        var grant = new KeyPackGrant(install.KeyPackId, install.Program, install.Identifier, install.Version, install.Type, install.Quantity,
            install.ExpiresAt, install.Description, install.ProductId, now);
        var file = keys.Authority.SignDocument(KeyPackGrant.Schema, grant.ToFields()).ToJson();
        return new GrantedKeyPack(install.KeyPackId, install.Program.ToShortName(), install.Version.ToShortName(), install.Type.ToShortName(),
            install.Quantity, install.ExpiresAt, file, KeyPackIdCode.Issue(keys.Authority, grant));
    }

    /// <summary>"Windows Server 2022 RDS Per Device CAL (License Pack (Retail Purchase))", as the license server lists it.</summary>
    public static string Describe(ProductVersion version, CalType type, LicenseProgram program) =>
        $"{version.ToDisplayName()} {type.ToDisplayName()} ({program.ToDisplayName()})";

    /// <summary>
    /// SPLA licenses are rented month by month: a pack runs to the end of the next month (the day a key pack ID
    /// code can carry: midnight UTC). Every other program grants perpetual licenses.
    /// </summary>
    public static DateTimeOffset? ExpiryOf(LicenseProgram program, DateTimeOffset now) =>
        program == LicenseProgram.Spla ? new DateTimeOffset(now.UtcDateTime.Year, now.UtcDateTime.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(2) : null;
}
