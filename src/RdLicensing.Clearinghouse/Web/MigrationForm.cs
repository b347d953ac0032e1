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
    /// <summary>The source choice for a running source: its release code.</summary>
    public const string Running = "running";

    /// <summary>Where the licenses come from, asked first: a running source, or a source no longer functioning by the program of the licenses to move.</summary>
    public static IReadOnlyList<(string Value, string Text)> Sources { get; } =
        [(Running, "Still running: it gave the licenses up (release code)"), .. InstallForm.Programs.Select(p => (p.Value, $"No longer functioning: {p.Text}"))];

    /// <summary>The values the source choice (a GET) carries to the page it shows, so nothing linked or typed there is lost.</summary>
    public static IReadOnlyList<string> CarriedByChoice { get; } = ["requestCode", "releaseCode", "sourceLicenseServerId"];

    /// <summary>
    /// The source chosen: a form posted (or linked) with a program is a source no longer functioning — only that form has the
    /// program's field, and a client posting directly may send it with no choice —; otherwise <paramref name="source"/>
    /// ("running" or a program), and a running source when it is neither.
    /// </summary>
    public static string SourceOf(string? source, string? program) =>
        InstallForm.Programs.Any(p => p.Value == program) ? program!
        : Sources.Any(s => s.Value == source) ? source!
        : Running;

    /// <summary>The fields the form shows for a source choice (an error about any other is shown above the form).</summary>
    public static IReadOnlyList<string> FieldsOf(string source) => source == Running
        ? ["requestCode", "releaseCode"]
        : InstallForm.KindOf(source) switch
        {
            "retail" => ["requestCode", "sourceLicenseServerId", "program", "licenseCode"],
            "open" => ["requestCode", "sourceLicenseServerId", "program", "licenseNumber", "authorizationNumber"],
            _ => ["requestCode", "sourceLicenseServerId", "program", "agreementNumber", "version", "calType"],
        };

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
