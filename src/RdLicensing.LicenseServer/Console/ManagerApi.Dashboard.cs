using RdLicensing.Core.Protocol;

namespace RdLicensing.LicenseServer.Console;

public sealed partial class ManagerApi
{
    public Task<DashboardView> DashboardAsync(int days, CancellationToken ct) => GetAsync<DashboardView>($"api/admin/dashboard?days={days}", ct);
}
