using RdLicensing.Core.Protocol;

namespace RdLicensing.LicenseServer.Console;

/// <summary>Manage Licenses: migrate CALs here from another license server, rebuild the database.</summary>
public sealed partial class ManagerApi
{
    public Task<MigrationResult> MigrateAsync(MigrationBody body, CancellationToken ct) =>
        SendAsync<MigrationResult>(HttpMethod.Post, "api/admin/licenses/migrate", body, ct);

    public Task<RebuildResponse> RebuildDatabaseAsync(string confirmation, CancellationToken ct) =>
        SendAsync<RebuildResponse>(HttpMethod.Post, "api/admin/database/rebuild", new RebuildBody(confirmation), ct);
}
