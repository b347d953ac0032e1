using RdLicensing.Clearinghouse.Granting;
using RdLicensing.Core.Protocol;

namespace RdLicensing.Clearinghouse.Web;

/// <summary>
/// The migration form of the web site and of the telephone operator: the target's request code and either the running
/// source's release code (it lists what the source removed and the target it gives it to) or, for a source that no longer
/// functions, its License Server ID and the purchase identifiers. The answer is a license key pack ID per key pack, which
/// installs only on the target. Rendered by MigrationFormView.razor; the work is <see cref="MigrationService.MigrateWithCodesAsync"/>.
/// </summary>
public static class MigrationForm
{
    public static IReadOnlyList<string> Fields { get; } =
        ["requestCode", "releaseCode", "sourceLicenseServerId", "program", "licenseCode", "licenseNumber", "authorizationNumber", "agreementNumber", "version", "calType"];

    public static IReadOnlyList<(string Value, string Text)> Programs { get; } = [("", "— source no longer functioning only —"), .. InstallForm.Programs];

    /// <summary>What the form carries; a purchase identifier only when a program is chosen.</summary>
    public static MigrationCodes Read(Func<string, string?> value)
    {
        var program = value("program");
        PurchaseProof[] proofs = string.IsNullOrWhiteSpace(program)
            ? []
            : [new PurchaseProof(program, value("licenseCode"), value("licenseNumber"), value("authorizationNumber"), value("agreementNumber"), value("version"), value("calType"))];
        return new MigrationCodes(value("releaseCode"), value("requestCode"), value("sourceLicenseServerId"), proofs);
    }

    public static async Task<MigrationResponse?> SubmitAsync(MigrationService migrations, HttpContext context, Func<string, string?> value, CancellationToken cancellationToken) =>
        await migrations.MigrateWithCodesAsync(Read(value), context.Request.Path.Value ?? "/migrate", context.Connection.RemoteIpAddress?.ToString(), cancellationToken);
}
