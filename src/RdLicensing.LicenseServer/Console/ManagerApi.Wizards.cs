using RdLicensing.Core.Protocol;

namespace RdLicensing.LicenseServer.Console;

/// <summary>
/// The wizards (Activate, Install Licenses, Reactivate, Deactivate) and the Properties dialog, calling the routes
/// <c>rdlic server activate|reactivate|deactivate|properties</c> and <c>rdlic licenses install</c> call.
/// </summary>
public sealed partial class ManagerApi
{
    /// <summary>GET /api/admin/properties — connection method, telephone country, company information.</summary>
    public Task<PropertiesView> PropertiesAsync(CancellationToken ct) => GetAsync<PropertiesView>("api/admin/properties", ct);

    /// <summary>PUT /api/admin/properties — a refusal names the first wrong field in its detail.</summary>
    public Task<PropertiesView> SavePropertiesAsync(PropertiesBody body, CancellationToken ct) =>
        SendAsync<PropertiesView>(HttpMethod.Put, "api/admin/properties", body, ct);

    /// <summary>GET /api/admin/activation/instructions — the Product ID and the clearinghouse page (web) or telephone number (telephone).</summary>
    public Task<ActivationInstructionsView> ActivationInstructionsAsync(string method, string? country, CancellationToken ct) =>
        GetAsync<ActivationInstructionsView>("api/admin/activation/instructions?method=" + Uri.EscapeDataString(method) +
            (string.IsNullOrWhiteSpace(country) ? "" : "&country=" + Uri.EscapeDataString(country)), ct);

    /// <summary>POST /api/admin/activation/automatic — the company information is saved as the properties, then sent.</summary>
    public Task<ActivationChangeResponse> ActivateAutomaticAsync(CompanyInformation company, CancellationToken ct) =>
        SendAsync<ActivationChangeResponse>(HttpMethod.Post, "api/admin/activation/automatic", new AutomaticActivationBody(company), ct);

    /// <summary>POST /api/admin/activation — the License Server ID of a web or telephone activation.</summary>
    public Task<ActivationView> ActivateWithIdAsync(string licenseServerId, CancellationToken ct) =>
        SendAsync<ActivationView>(HttpMethod.Post, "api/admin/activation", new ActivationCodeBody(licenseServerId), ct);

    /// <summary>POST /api/admin/activation/reactivate — automatic: done; web and telephone: the instructions to follow.</summary>
    public Task<ActivationChangeResponse> ReactivateAsync(ReactivationBody body, CancellationToken ct) =>
        SendAsync<ActivationChangeResponse>(HttpMethod.Post, "api/admin/activation/reactivate", body, ct);

    /// <summary>POST /api/admin/activation/deactivate.</summary>
    public Task<ActivationChangeResponse> DeactivateAsync(DeactivationBody body, CancellationToken ct) =>
        SendAsync<ActivationChangeResponse>(HttpMethod.Post, "api/admin/activation/deactivate", body, ct);

    /// <summary>POST /api/admin/request-codes — a request code for the web or telephone method and where to take it.</summary>
    public Task<RequestCodeView> RequestCodeAsync(RequestCodeBody body, CancellationToken ct) =>
        SendAsync<RequestCodeView>(HttpMethod.Post, "api/admin/request-codes", body, ct);

    /// <summary>POST /api/admin/licenses — Install Licenses through the clearinghouse.</summary>
    public Task<LicenseInstallResponse> InstallLicensesAsync(LicenseInstallBody body, CancellationToken ct) =>
        SendAsync<LicenseInstallResponse>(HttpMethod.Post, "api/admin/licenses", body, ct);

    /// <summary>POST /api/admin/keypacks/code — install by the license key pack ID of a web or telephone install.</summary>
    public Task<LicenseInstallResponse> InstallKeyPackIdAsync(string keyPackId, CancellationToken ct) =>
        SendAsync<LicenseInstallResponse>(HttpMethod.Post, "api/admin/keypacks/code", new KeyPackIdCodeBody(keyPackId), ct);
}
