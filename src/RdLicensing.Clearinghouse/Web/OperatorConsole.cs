using RdLicensing.Clearinghouse.Granting;
using RdLicensing.Core.Protocol;
using RdLicensing.Storage;

namespace RdLicensing.Clearinghouse.Web;

/// <summary>
/// What the telephone operator's console shows: its three forms (activation, install, deactivation — each the caller's
/// request code with company information or license identifiers) with the last submission's result or errors, and the
/// latest activations and installs, read after any submission so they include it.
/// </summary>
public sealed class OperatorConsole(ClearinghouseStore store, ActivationService activations, LicenseInstallService installs, MigrationService migrations)
{
    public FormState<ActivationResponse> Activation { get; } = new();
    public FormState<GrantedKeyPack> Install { get; } = new();
    public FormState<DeactivationAnswer> Deactivation { get; } = new();
    public FormState<MigrationResponse> Migration { get; } = new();

    public IReadOnlyList<ActivationRecord> LatestActivations { get; private set; } = [];
    public IReadOnlyList<InstallRecord> LatestInstalls { get; private set; } = [];

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        LatestActivations = await store.ActivationsAsync(10, cancellationToken);
        LatestInstalls = await store.InstallsAsync(10, cancellationToken);
    }

    public async Task ActivateAsync(HttpContext context)
    {
        await Activation.SubmitAsync(context, (values, _, cancellationToken) => ActivationForm.SubmitAsync(activations, "telephone", values, cancellationToken));
        await LoadAsync(context.RequestAborted);
    }

    public async Task InstallAsync(HttpContext context)
    {
        await Install.SubmitAsync(context, (values, errors, cancellationToken) => InstallForm.SubmitAsync(installs, values, errors, cancellationToken));
        await LoadAsync(context.RequestAborted);
    }

    public async Task DeactivateAsync(HttpContext context)
    {
        await Deactivation.SubmitAsync(context, (values, _, cancellationToken) => DeactivationForm.SubmitAsync(activations, values, cancellationToken));
        await LoadAsync(context.RequestAborted);
    }

    public async Task MigrateAsync(HttpContext context)
    {
        await Migration.SubmitAsync(context, (values, _, cancellationToken) => MigrationForm.SubmitAsync(migrations, context, values, cancellationToken));
        await LoadAsync(context.RequestAborted);
    }
}
