using RdLicensing.Core.Protocol;

namespace RdLicensing.LicenseServer.Console;

/// <summary>Review Configuration and what its fixes change: policies and security group membership.</summary>
public sealed partial class ManagerApi
{
    public Task<ConfigurationReviewView> ReviewAsync(CancellationToken ct) => GetAsync<ConfigurationReviewView>("api/admin/review", ct);

    public Task<PoliciesView> PoliciesAsync(CancellationToken ct) => GetAsync<PoliciesView>("api/admin/policies", ct);

    public Task<PoliciesView> SetPoliciesAsync(PoliciesUpdate update, CancellationToken ct) =>
        SendAsync<PoliciesView>(HttpMethod.Put, "api/admin/policies", update, ct);

    public Task<SessionHostView> SetSecurityGroupAsync(string host, bool member, CancellationToken ct) =>
        SendAsync<SessionHostView>(HttpMethod.Put, $"api/admin/sessionhosts/{Uri.EscapeDataString(host)}/security-group", new SecurityGroupBody(member), ct);
}
