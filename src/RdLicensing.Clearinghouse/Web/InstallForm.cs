using System.Globalization;
using RdLicensing.Core.Cals;
using RdLicensing.Core.KeyPacks;
using RdLicensing.Core.Protocol;
using RdLicensing.Core.Versions;
using static RdLicensing.Clearinghouse.Web.Html;

namespace RdLicensing.Clearinghouse.Web;

/// <summary>
/// The Install Licenses form of the web site and of the telephone operator. Without JavaScript every
/// program's identifiers are on the form; the hints say which belong to which program.
/// </summary>
public static class InstallForm
{
    public static IReadOnlyList<string> Fields { get; } =
        ["requestCode", "program", "licenseCode", "licenseNumber", "authorizationNumber", "agreementNumber", "version", "calType", "quantity"];

    private static IEnumerable<(string, string)> Versions(string? blank) =>
        (blank is null ? [] : new[] { ("", blank) }).Concat(ProductVersions.All.Reverse().Select(v => (v.ToShortName(), v.ToDisplayName())));

    public static string Render(string action, Func<string, string?> value, FormErrors errors, string hidden = "")
    {
        var programs = Enum.GetValues<LicenseProgram>().Select(p => (p.ToShortName(), p.ToDisplayName()));
        var types = new[] { ("", "— choose (agreements) —") }.Concat(Enum.GetValues<CalType>().Select(t => (t.ToShortName(), t.ToDisplayName())));
        return $"""
            <form method="post" action="{E(action)}">
            {hidden}
            {errors.General(Fields)}
            <fieldset><legend>License server</legend>
            {Input("requestCode", "Request code", value("requestCode"), errors, required: true, hint: "shown by the license server: rdlic licenses install --method web. It says which server asks and its version")}
            </fieldset>
            <fieldset><legend>Licenses</legend>
            {Select("program", "License program", programs, value("program") ?? "retail", errors)}
            {Input("licenseCode", "License code", value("licenseCode"), errors, hint: "License Pack (Retail Purchase): 25 characters")}
            {Input("licenseNumber", "License number", value("licenseNumber"), errors, hint: "Open License: 8 digits")}
            {Input("authorizationNumber", "Authorization number", value("authorizationNumber"), errors, hint: "Open License: 15 letters or digits")}
            {Input("agreementNumber", "Agreement number", value("agreementNumber"), errors, hint: "Select, Enterprise, Campus, School, SPLA, other agreements: 7 digits")}
            {Select("version", "Product version", Versions("— choose (agreements) —"), value("version") ?? "", errors, hint: "agreements only")}
            {Select("calType", "License type", types, value("calType") ?? "", errors, hint: "agreements only")}
            {Input("quantity", "Quantity", value("quantity"), errors, hint: "agreements only", type: "number")}
            </fieldset>
            <p><button type="submit">Get the license key pack ID</button></p>
            </form>
            """;
    }

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

    public static string Result(GrantedKeyPack pack, bool readBack)
    {
        LicensePrograms.TryParse(pack.Program, out var program);
        ProductVersions.TryParse(pack.Version, out var version);
        CalTypes.TryParse(pack.CalType, out var type);
        var expiry = pack.ExpiresAt is { } e ? $", until {e:yyyy-MM-dd}" : "";
        return $"""
            <section id="result">
            <h2>License key pack ID</h2>
            <p>{E(pack.Quantity.ToString(CultureInfo.InvariantCulture))} × {E(version.ToDisplayName())} {E(type.ToDisplayName())} ({E(program.ToDisplayName())}){E(expiry)}. Keep this ID for support.</p>
            {Code(pack.KeyPackIdCode, "key-pack-id")}
            {(readBack ? Groups(pack.KeyPackIdCode) : "")}
            <p>Next step, on the license server:</p>
            <pre>rdlic licenses install --key-pack-id {E(pack.KeyPackIdCode)}</pre>
            </section>
            """;
    }
}
