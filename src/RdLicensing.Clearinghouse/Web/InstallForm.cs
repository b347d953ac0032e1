using RdLicensing.Clearinghouse.Granting;
using System.Globalization;
using RdLicensing.Core.Cals;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;

namespace RdLicensing.Clearinghouse.Web;

/// <summary>
/// The Install Licenses form of the web site and of the telephone operator: the program is chosen first, then only its
/// identifiers are asked (without JavaScript: the choice reloads the page). Rendered by InstallFormView.razor.
/// </summary>
public static class InstallForm
{
    public static IReadOnlyList<string> Fields { get; } =
        ["requestCode", "program", "licenseCode", "licenseNumber", "authorizationNumber", "agreementNumber", "version", "calType", "quantity"];

    public static IReadOnlyList<(string Value, string Text)> Programs { get; } =
        [.. Enum.GetValues<LicenseProgram>().Select(p => (p.ToShortName(), p.ToDisplayName()))];

    /// <summary>A known program's short name, or retail (the form's first choice).</summary>
    public static string ProgramOrDefault(string? program) =>
        Programs.Any(p => p.Value == program) ? program! : Programs[0].Value;

    /// <summary>Which identifiers a program asks: "retail" (a license code), "open" (two numbers), or "agreement" (a number, version, type, quantity).</summary>
    public static string KindOf(string program) => program switch
    {
        "retail" => "retail",
        "open" => "open",
        _ => "agreement",
    };

    /// <summary>The fields the form shows for a program (an error of another is shown at the top).</summary>
    public static IReadOnlyList<string> FieldsOf(string program) => KindOf(program) switch
    {
        "retail" => ["requestCode", "program", "licenseCode"],
        "open" => ["requestCode", "program", "licenseNumber", "authorizationNumber"],
        _ => ["requestCode", "program", "agreementNumber", "version", "calType", "quantity"],
    };

    public static IReadOnlyList<(string Value, string Text)> Versions { get; } =
        [("", "— choose (agreements) —"), .. ProductVersions.All.Reverse().Select(v => (v.ToShortName(), v.ToDisplayName()))];

    public static IReadOnlyList<(string Value, string Text)> CalTypeOptions { get; } =
        [("", "— choose (agreements) —"), .. Enum.GetValues<CalType>().Select(t => (t.ToShortName(), t.ToDisplayName()))];

    /// <summary>The request, or null with the errors filled in when the form itself cannot be read.</summary>
    public static (string? RequestCode, LicenseInstallRequestBody Licenses)? Read(Func<string, string?> value, FormErrors errors)
    {
        int? quantity = null;
        if (!string.IsNullOrWhiteSpace(value("quantity")))
        {
            if (int.TryParse(value("quantity"), NumberStyles.None, CultureInfo.InvariantCulture, out var q)) quantity = q;
            else errors.Add("quantity", "The quantity is a whole number of CALs.");
        }
        if (errors.Any) return null;
        // The server (Product ID) and its version come from the request code only, never from a form field.
        return (value("requestCode"), new LicenseInstallRequestBody(null, null, null, value("program"),
            value("licenseCode"), value("licenseNumber"), value("authorizationNumber"), value("agreementNumber"), value("version"), value("calType"), quantity));
    }

    /// <summary>The granted key pack, or null with the errors filled in when the form itself cannot be read.</summary>
    public static async Task<GrantedKeyPack?> SubmitAsync(LicenseInstallService installs, Func<string, string?> value, FormErrors errors, CancellationToken cancellationToken) =>
        Read(value, errors) is var (requestCode, licenses) ? await installs.InstallWithCodeAsync(requestCode, licenses, cancellationToken) : null;

    /// <summary>"30 × Windows Server 2022 Per Device CAL (Select), until 2027-01-01"</summary>
    public static string Describe(GrantedKeyPack pack)
    {
        LicensePrograms.TryParse(pack.Program, out var program);
        ProductVersions.TryParse(pack.Version, out var version);
        CalTypes.TryParse(pack.CalType, out var type);
        var expiry = pack.ExpiresAt is { } e ? $", until {e:yyyy-MM-dd}" : "";
        return $"{pack.Quantity.ToString(CultureInfo.InvariantCulture)} × {version.ToDisplayName()} {type.ToDisplayName()} ({program.ToDisplayName()}){expiry}";
    }
}
