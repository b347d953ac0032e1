using RdLicensing.Clearinghouse.Granting;
using RdLicensing.Core.Protocol;

namespace RdLicensing.Clearinghouse.Web;

/// <summary>
/// The activation form of the web site and of the telephone operator: the license server's request code (it proves which
/// server asks, and whether it activates or reactivates), company information and, to reactivate, a reason. Inputs are
/// named like the API's fields, so a refusal's field finds its input. Rendered by ActivationFormView.razor.
/// </summary>
public static class ActivationForm
{
    public static IReadOnlyList<string> Fields { get; } =
        ["requestCode", "reason", .. CompanyFields.All.Select(f => "company." + f.Name)];

    public static IReadOnlyList<(string Value, string Text)> Reasons { get; } =
        [("", "— a first activation, not a reactivation —"), .. ActivationService.Reasons.Select(r => (r.Key, r.Value))];

    public static (string? RequestCode, CompanyInformation Company, string? Reason) Read(Func<string, string?> value) =>
        (value("requestCode"), CompanyFields.FromValues(name => value("company." + name)), value("reason"));

    public static async Task<ActivationResponse?> SubmitAsync(ActivationService activations, string method, Func<string, string?> value, CancellationToken cancellationToken)
    {
        var (requestCode, company, reason) = Read(value);
        return await activations.ActivateWithCodeAsync(requestCode, company, reason, method, cancellationToken);
    }
}
