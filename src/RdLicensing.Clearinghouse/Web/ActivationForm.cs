using RdLicensing.Clearinghouse.Granting;
using RdLicensing.Core.Protocol;
using static RdLicensing.Clearinghouse.Web.Html;

namespace RdLicensing.Clearinghouse.Web;

/// <summary>
/// The activation form of the web site and of the telephone operator: the license server's request code (it proves which
/// server asks, and whether it activates or reactivates), company information and, to reactivate, a reason. Inputs are
/// named like the API's fields, so a refusal's field finds its input.
/// </summary>
public static class ActivationForm
{
    public static IReadOnlyList<string> Fields { get; } =
        ["requestCode", "reason", .. CompanyFields.All.Select(f => "company." + f.Name)];

    public static string Render(string action, Func<string, string?> value, FormErrors errors, string hidden = "")
    {
        var company = string.Concat(CompanyFields.All.Select(f => Input("company." + f.Name, f.Label, value("company." + f.Name), errors,
            required: f.Required, hint: f.Name == "countryRegion" ? "e.g. United Kingdom" : null)));
        var reasons = new List<(string, string)> { ("", "— a first activation, not a reactivation —") };
        reasons.AddRange(ActivationService.Reasons.Select(r => (r.Key, r.Value)));
        return $"""
            <form method="post" action="{E(action)}">
            {hidden}
            {errors.General(Fields)}
            {Input("requestCode", "Request code", value("requestCode"), errors, required: true, hint: "shown by the license server: rdlic server activate --method web (or reactivate)")}
            <fieldset><legend>Company information</legend>
            <p class="hint">* required to activate. To reactivate, only first and last name are required.</p>
            {company}
            </fieldset>
            {Select("reason", "Reactivation reason", reasons, value("reason") ?? "", errors, hint: "only for a reactivation request code. A compromised key or a corrupt certificate gives the server a new key: reactivate those automatically, or call the vendor's operator")}
            <p><button type="submit">Get the License Server ID</button></p>
            </form>
            """;
    }

    public static (string? RequestCode, CompanyInformation Company, string? Reason) Read(Func<string, string?> value) =>
        (value("requestCode"), CompanyFields.FromValues(name => value("company." + name)), value("reason"));

    public static string Result(ActivationResponse activation, bool readBack) => $"""
        <section id="result">
        <h2>License Server ID</h2>
        <p>License server <strong>{E(activation.ProductId)}</strong> is activated until {E(activation.ExpiresAt.ToString("yyyy-MM-dd"))}. Its License Server ID:</p>
        {Code(activation.LicenseServerId, "license-server-id")}
        {(readBack ? Groups(activation.LicenseServerId) : "")}
        <p>Next step, on the license server:</p>
        <pre>rdlic server activate --license-server-id {E(activation.LicenseServerId)}</pre>
        </section>
        """;
}
