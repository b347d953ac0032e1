using RdLicensing.Core.Protocol;

namespace RdLicensing.LicenseServer.Console;

/// <summary>
/// Session hosts: enrollment, or a new token for an enrolled host (POST /api/admin/sessionhosts, as `rdlic hosts enroll`);
/// removal (DELETE /api/admin/sessionhosts/NAME, as `rdlic hosts remove`).
/// </summary>
public sealed partial class ManagerApi
{
    public Task<EnrollResponse> EnrollSessionHostAsync(string name, bool inSecurityGroup, CancellationToken ct) =>
        SendAsync<EnrollResponse>(HttpMethod.Post, "api/admin/sessionhosts", new EnrollBody(name, inSecurityGroup), ct);

    public async Task RemoveSessionHostAsync(string name, CancellationToken ct)
    {
        using var _ = await SendAsync(HttpMethod.Delete, $"api/admin/sessionhosts/{Uri.EscapeDataString(name)}", null, ct);
    }
}
