using RdLicensing.Clearinghouse.Granting;

namespace RdLicensing.Clearinghouse.Web;

/// <summary>
/// The deactivation form of the web site and of the telephone operator: the license server's request code for a
/// deactivation and the names of who asks. The answer is a confirmation code the license server needs to deactivate itself.
/// Rendered by DeactivationFormView.razor.
/// </summary>
public static class DeactivationForm
{
    public static IReadOnlyList<string> Fields { get; } = ["requestCode", "firstName", "lastName"];

    public static async Task<DeactivationAnswer?> SubmitAsync(ActivationService activations, Func<string, string?> value, CancellationToken cancellationToken) =>
        await activations.DeactivateWithCodeAsync(value("requestCode"), value("firstName"), value("lastName"), cancellationToken);
}
