using RdLicensing.Clearinghouse.Granting;
using static RdLicensing.Clearinghouse.Web.Html;

namespace RdLicensing.Clearinghouse.Web;

/// <summary>
/// The deactivation form of the web site and of the telephone operator: the license server's request code for a
/// deactivation and the names of who asks. The answer is a confirmation code the license server needs to deactivate itself.
/// </summary>
public static class DeactivationForm
{
    public static IReadOnlyList<string> Fields { get; } = ["requestCode", "firstName", "lastName"];

    public static string Render(string action, Func<string, string?> value, FormErrors errors, string hidden = "") => $"""
        <form method="post" action="{E(action)}">
        {hidden}
        {errors.General(Fields)}
        {Input("requestCode", "Request code", value("requestCode"), errors, required: true, hint: "shown by the license server: rdlic server deactivate --method web")}
        {Input("firstName", "First name", value("firstName"), errors, required: true)}
        {Input("lastName", "Last name", value("lastName"), errors, required: true)}
        <p><button type="submit">Deactivate and get the confirmation code</button></p>
        </form>
        """;

    public static string Result(DeactivationAnswer answer, bool readBack) => $"""
        <section id="result">
        <h2>Confirmation code</h2>
        <p>License server <strong>{E(answer.ProductId)}</strong> is deactivated with the clearinghouse. The license server stays activated until you give it this confirmation code:</p>
        {Code(answer.ConfirmationCode, "confirmation-code")}
        {(readBack ? Groups(answer.ConfirmationCode) : "")}
        <p>Next step, on the license server:</p>
        <pre>rdlic server deactivate --confirmation-code {E(answer.ConfirmationCode)}</pre>
        </section>
        """;
}
